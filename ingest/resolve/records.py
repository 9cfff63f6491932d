"""The record every source is resolved as, and its comparison frame.

:class:`EntityRecord` is backend-neutral and small: NPPES rows, NPI Registry API
answers, roster rows and evidence lists (REMS sites, TMS registries) all become
one. :func:`entity_frame` normalises a batch into the frame the pipeline
compares; normalisers run once per distinct value, which is what makes a
million records affordable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

import pandas as pd

from directory.model import EntityType, ProviderRecord

from . import normalize as nz

MULTI_SEP = "|"


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

    @property
    def source(self) -> str:
        return self.ref.partition(":")[0]


def from_provider(record: ProviderRecord, source: str | None = None) -> EntityRecord:
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
    )


def raw_frame(records: Iterable[EntityRecord]) -> pd.DataFrame:
    """EntityRecords as a frame of raw strings, multi-valued fields "|"-joined."""
    rows = []
    names = [f.name for f in fields(EntityRecord)]
    for r in records:
        row = []
        for name in names:
            value = getattr(r, name)
            if isinstance(value, tuple):
                value = MULTI_SEP.join(v.replace(MULTI_SEP, " ") for v in value if v)
            elif isinstance(value, EntityType):
                value = str(value.value)
            row.append(value or "")
        rows.append(row)
    return pd.DataFrame(rows, columns=names, dtype=object)


def _per_value(series: pd.Series, fn: Callable[[str], str]) -> pd.Series:
    values = series.fillna("").astype(str)
    distinct = values.unique()
    return values.map(dict(zip(distinct, map(fn, distinct))))


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


def entity_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The comparison frame of raw EntityRecord columns (see :func:`raw_frame`)."""
    raw = raw.reset_index(drop=True)

    def get(c: str) -> pd.Series:
        return raw[c].fillna("").astype(str) if c in raw.columns else pd.Series("", index=raw.index)

    first, last, middle = get("first_name"), get("last_name"), get("middle_name")
    full = get("full_name")
    needs_split = (last == "") & (full != "")
    if needs_split.any():
        parts = _per_value(full[needs_split], lambda t: "\x1f".join(nz.split_full_name(t))).str.split("\x1f")
        first = first.where(~needs_split, parts.str[0])
        middle = middle.where(~needs_split, parts.str[1])
        last = last.where(~needs_split, parts.str[2])
    out = pd.DataFrame({"ref": get("ref")})
    out["source_dataset"] = _per_value(out["ref"].str.slice(0, 40), lambda v: v.partition(":")[0])
    out["entity_type"] = get("entity_type").replace({"EntityType.INDIVIDUAL": "1", "EntityType.ORGANIZATION": "2"})
    out["npi"] = _per_value(get("npi"), lambda v: v if len(v) == 10 and v.isdigit() else "")
    out["first_name"] = _per_value(first, nz.given_name)
    out["middle_initial"] = _per_value(middle, lambda v: nz.person_name(v)[:1])
    out["last_name"] = _per_value(last, nz.person_name)
    out["last_name_alts"] = _per_value(get("other_last_names"), _multi(nz.person_name))
    # all organization names: legal name (and any "DBA" inside it) first, then the others
    org_joined = get("organization_name") + MULTI_SEP + get("other_organization_names")
    org_all = _per_value(org_joined, _org_all)
    out["org_name"] = _per_value(org_all, lambda v: v.partition(MULTI_SEP)[0])
    out["org_name_alts"] = _per_value(org_all, lambda v: v.partition(MULTI_SEP)[2])
    out["org_names_all"] = org_all
    line = get("address_line1") + "\x1f" + get("address_line2")
    out["address"] = _per_value(line, lambda v: nz.address(*v.split("\x1f")))
    out["zip5"] = _per_value(get("zip"), nz.zip5)
    out["state"] = get("state").str.upper().str.strip()
    out["city"] = _per_value(get("city"), nz.ascii_upper)
    out["phones"] = _per_value(get("phones"), _multi(nz.phone))
    out["licences"] = _per_value(get("licences"), _multi(nz.licence))
    out["taxonomies"] = _per_value(get("taxonomy_codes"), _multi(lambda v: v.strip().upper()))
    out["birth_date"] = get("birth_date").str.strip()
    return out
