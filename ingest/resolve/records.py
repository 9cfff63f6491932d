"""The record every source is resolved as, and its comparison frame.

:class:`EntityRecord` is backend-neutral and small: NPPES rows, NPI Registry API
answers, roster rows, licence board rows and site lists (REMS sites, TMS
registries) all become one (``ingest.resolve.sources`` maps each source kind).
:func:`entity_frame` normalises a batch into the frame the pipeline compares;
normalisers run once per distinct value, which is what makes a million records
affordable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

import pandas as pd

from directory.model import EntityType, ProviderRecord
from directory.npi import is_valid_npi
from ingest.field_values import parse_person_name

from . import normalize as nz

MULTI_SEP = "|"
_PARALLEL = frozenset({"licences", "licence_states"})


@dataclass(frozen=True, slots=True)
class EntityRecord:
    ref: str  # "source:id", unique within a run, e.g. "nppes:1234567893", "roster:acme:17"
    entity_type: EntityType | None  # None when the source does not say
    npi: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None  # free text ("Smith, Bob MD") when a source has no name parts
    other_last_names: tuple[str, ...] = ()  # former names
    organization_name: str | None = None  # may hold "X DBA Y"
    other_organization_names: tuple[str, ...] = ()  # other names, DBAs, former legal names
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phones: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()
    taxonomy_codes: tuple[str, ...] = ()
    birth_date: str | None = None  # ISO date, rarely known
    # What kind of source said it ("nppes", "npi_registry_api", "roster", "licences",
    # "tms", "esketamine_rems", ...); source names are the caller's, kinds are fixed.
    # None: the source name is the kind (refs such as "nppes:1234567893").
    source_kind: str | None = None
    suffix: str | None = None  # JR, SR, II, III: father and son share everything else
    credential: str | None = None  # as written ("MD", "PMHNP-BC"); not compared
    licence_states: tuple[str, ...] = ()  # issuing state of each of ``licences``, "" when unknown
    parent_organization_name: str | None = None  # of an NPPES subpart
    is_subpart: bool | None = None
    affiliation: str | None = None  # the group named on a person's roster row, not the person's name

    @property
    def source(self) -> str:
        return self.ref.partition(":")[0]

    @property
    def kind(self) -> str:
        return self.source_kind or self.source

    @property
    def npi_valid(self) -> bool | None:
        """Whether the NPI passes its check digit (None without an NPI): a mistyped
        NPI is no NPI to match or conflict on."""
        return is_valid_npi(self.npi) if self.npi else None


def from_provider(record: ProviderRecord, source: str | None = None, source_kind: str | None = None) -> EntityRecord:
    """An NPPES/API provider as an EntityRecord; the primary (else first) location
    gives the address, every location's phone and every taxonomy's licence count."""
    src = source or record.evidence.source
    locs = sorted(record.locations, key=lambda pl: not pl.primary)
    loc = locs[0].location if locs else None
    other_last, other_orgs = [], []
    for other in record.other_names:
        if record.entity_type is EntityType.INDIVIDUAL:
            _, _, last = nz.split_full_name(other.name)
            if last:
                other_last.append(last)
        else:
            other_orgs.append(other.name)
    # A subpart is its own entity: its parent's name is deliberately not one of its names.
    return EntityRecord(
        ref=f"{src}:{record.npi}",
        entity_type=record.entity_type,
        npi=record.npi,
        first_name=record.first_name,
        middle_name=record.middle_name,
        last_name=record.last_name,
        other_last_names=tuple(other_last),
        organization_name=record.organization_name,
        other_organization_names=tuple(other_orgs),
        address_line1=loc.line1 if loc else None,
        address_line2=loc.line2 if loc else None,
        city=loc.city if loc else None,
        state=loc.state if loc else None,
        zip=loc.zip5 if loc else None,
        phones=tuple(pl.location.phone for pl in locs if pl.location.phone),
        licences=tuple(t.license_number for t in record.taxonomies if t.license_number),
        taxonomy_codes=tuple(t.code for t in record.taxonomies),
        source_kind=source_kind,
        suffix=record.suffix,
        credential=record.credential_text,
        licence_states=tuple(t.license_state or "" for t in record.taxonomies if t.license_number),
        parent_organization_name=record.parent_organization_name,
        is_subpart=record.is_subpart,
    )


def raw_frame(records: Iterable[EntityRecord]) -> pd.DataFrame:
    """EntityRecords as a frame of raw strings, multi-valued fields "|"-joined."""
    rows = []
    names = [f.name for f in fields(EntityRecord)]
    for r in records:
        row = []
        for name in names:
            value = getattr(r, name)
            if name in _PARALLEL:  # one entry per licence, empty ones kept in place
                value = MULTI_SEP.join((v or "").replace(MULTI_SEP, " ") for v in value)
            elif isinstance(value, tuple):
                value = MULTI_SEP.join(v.replace(MULTI_SEP, " ") for v in value if v)
            elif isinstance(value, EntityType):
                value = str(value.value)
            elif isinstance(value, bool):
                value = "Y" if value else "N"
            row.append(value or "")
        rows.append(row)
    return pd.DataFrame(rows, columns=names, dtype=object)


def _per_value(series: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    values = series.fillna("").astype(str)
    distinct = values.unique()
    return values.map(dict(zip(distinct, map(fn, distinct)))).astype(object)


def _multi(fn: Callable[[str], str]) -> Callable[[str], str]:
    def apply(joined: str) -> str:
        seen: dict[str, None] = {}
        for part in joined.split(MULTI_SEP):
            value = fn(part)
            if value:
                seen[value] = None
        return MULTI_SEP.join(seen)

    return apply


def _org_all(joined: str) -> str:
    names: dict[str, None] = {}
    for part in joined.split(MULTI_SEP):
        for name in nz.organization_names(part):
            names[name] = None
    return MULTI_SEP.join(names)


def _split_name(text: str) -> str:
    parts = parse_person_name(text)
    return "\x1f".join((parts.first, parts.middle, parts.last, parts.suffix))


def _last_alternates(joined: str) -> str:
    """Former names, and the parts of a double or hyphenated surname (the last
    of the "\x1f"-joined fields is the surname itself)."""
    *others, last = joined.split("\x1f")
    names: dict[str, None] = {}
    for part in (MULTI_SEP.join(others)).split(MULTI_SEP):
        name = nz.person_name(part)
        if name:
            names[name] = None
            for piece in nz.surname_parts(part):
                names[piece] = None
    for piece in nz.surname_parts(last):
        names[piece] = None
    names.pop(nz.person_name(last), None)
    return MULTI_SEP.join(names)


def _licence_tokens(joined: str) -> str:
    numbers, _, states = joined.partition("\x1f")
    state_list = states.split(MULTI_SEP) if states else []
    keys: dict[str, None] = {}
    for i, number in enumerate(numbers.split(MULTI_SEP)):
        key = nz.licence_key(number, state_list[i] if i < len(state_list) else None)
        if key:
            keys[key] = None
    return MULTI_SEP.join(keys)


def _npi_checked(value: str) -> str:
    value = value.strip()
    return value if is_valid_npi(value) else ""


def _npi_unchecked(value: str) -> str:
    """The digits of an NPI that fails its check digit (a typo), kept to compare
    with the other side's NPI by edit distance."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits if 9 <= len(digits) <= 11 and not is_valid_npi(digits) else ""


def entity_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The comparison frame of raw EntityRecord columns (see :func:`raw_frame`)."""
    raw = raw.reset_index(drop=True)

    def get(c: str) -> pd.Series:
        return raw[c].fillna("").astype(str) if c in raw.columns else pd.Series("", index=raw.index)

    first, last, middle, suffix = get("first_name"), get("last_name"), get("middle_name"), get("suffix")
    full = get("full_name")
    needs_split = (last == "") & (full != "")
    if needs_split.any():
        parts = _per_value(full[needs_split], _split_name).str.split("\x1f")
        first = first.where(~needs_split, parts.str[0])
        middle = middle.where(~needs_split, parts.str[1])
        last = last.where(~needs_split, parts.str[2])
        suffix = suffix.where(~needs_split | (suffix != ""), parts.str[3])
    out = pd.DataFrame({"ref": get("ref")})
    out["source_dataset"] = _per_value(out["ref"].str.slice(0, 60), lambda v: v.partition(":")[0])
    kind = get("source_kind").str.strip()
    out["source_kind"] = kind.where(kind != "", out["source_dataset"])
    out["entity_type"] = get("entity_type").replace({"EntityType.INDIVIDUAL": "1", "EntityType.ORGANIZATION": "2"})
    npi = get("npi")
    out["npi"] = _per_value(npi, _npi_checked)
    out["npi_unchecked"] = _per_value(npi, _npi_unchecked)
    out["first_name"] = _per_value(first, nz.given_name)
    # the other reading of a name keyed into the wrong boxes: its surname as a given name
    # (nickname resolved: "SPEROS SUE" is SUSAN SPEROS) and its given name as a surname
    out["last_name_as_given"] = _per_value(last, nz.given_name)
    out["first_name_as_surname"] = _per_value(first, nz.person_name)
    out["middle_initial"] = _per_value(middle, lambda v: nz.person_name(v)[:1])
    out["last_name"] = _per_value(last, nz.person_name)
    out["last_name_alts"] = _per_value(get("other_last_names") + "\x1f" + last, _last_alternates)
    # a suffix of its own, else one written at the end of the surname ("Smith Jr.")
    out["suffix"] = _per_value(suffix.where(suffix != "", last), nz.suffix)
    # all organization names: legal name (and any "DBA" inside it) first, then the others
    org_joined = get("organization_name") + MULTI_SEP + get("other_organization_names")
    org_all = _per_value(org_joined, _org_all)
    out["org_name"] = _per_value(org_all, lambda v: v.partition(MULTI_SEP)[0])
    out["org_name_alts"] = _per_value(org_all, lambda v: v.partition(MULTI_SEP)[2])
    out["org_names_all"] = org_all
    out["org_tokens"] = _rarest_words(_per_value(org_all, _name_tokens))
    line = get("address_line1") + "\x1f" + get("address_line2")
    out["address"] = _per_value(line, lambda v: nz.address(*v.split("\x1f")))
    out["street_number"] = _per_value(out["address"], _street_number)
    out["zip5"] = _per_value(get("zip"), nz.zip5)
    out["state"] = get("state").str.upper().str.strip()
    out["city"] = _per_value(get("city"), nz.ascii_upper)
    out["phones"] = _per_value(get("phones"), _multi(nz.phone))
    out["licences"] = _per_value(get("licences") + "\x1f" + get("licence_states"), _licence_tokens)
    out["licence_numbers"] = _per_value(out["licences"], _multi(lambda v: v.partition(":")[2]))
    out["taxonomies"] = _per_value(get("taxonomy_codes"), _multi(lambda v: v.strip().upper()))
    out["birth_date"] = get("birth_date").str.strip()
    # first and last name in either order, so a transposed name still meets its record in a block
    out["name_pair"] = _per_value(
        out["first_name"] + "\x1f" + out["last_name"],
        lambda v: "\x1f".join(sorted(v.split("\x1f"))) if "" not in v.split("\x1f") else "",
    )
    return out


def _street_number(address: str) -> str:
    first = address.partition(" ")[0]
    return first if first[:1].isdigit() else ""


def _rarest_words(words: pd.Series, keep: int = 2) -> pd.Series:
    """Each record's ``keep`` rarest words (by how many records hold them), so a block
    on a shared word is a block on what distinguishes a name ("TRILLIUM"), not on
    what every clinic is called ("BEHAVIORAL HEALTH")."""
    has = words != ""
    if not has.any():
        return words
    exploded = words[has].str.split(MULTI_SEP).explode()
    counts = exploded.value_counts()
    ranked = pd.DataFrame({"word": exploded, "n": exploded.map(counts).to_numpy()})
    ranked = ranked.reset_index().sort_values(["index", "n", "word"], kind="stable")
    ranked = ranked[ranked.groupby("index").cumcount() < keep]
    joined = ranked.groupby("index")["word"].agg(MULTI_SEP.join)
    out = pd.Series("", index=words.index, dtype=object)
    out[joined.index] = joined.to_numpy()
    return out


def _name_tokens(joined: str) -> str:
    """Every word of every organization name (three letters or more)."""
    words: dict[str, None] = {}
    for name in joined.split(MULTI_SEP):
        for word in name.split():
            if len(word) >= 3 and not word.isdigit():
                words[word] = None
    return MULTI_SEP.join(words)
