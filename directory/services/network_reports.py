"""Reports on a network for the tenant that owns it (payers first, issue 10
point 3): members by specialty and county, listings whose facts are stale or
contradicted, and the directory-accuracy summary.

**Definitions** (the README's "Directory accuracy" repeats them):

* a *listing* is a member of the network the directory holds;
* a fact is **verified** when the source that last confirmed the value
  believed did so at most 90 days before today (``scoring.FRESH_DAYS``, the No
  Surprises Act's cycle) and no source contradicts it (``FactStatus.verified``
  of ``scoring.fact_status``); *stale* is older than that, *contradicted* is a
  source saying otherwise (another primary address, another phone at the
  address, another accepting-new-patients answer, a treatment a list
  authoritative for it does not name);
* a listing has a **verified address** when it lists at least one practice
  address and every one is verified; a **verified phone** when at least one
  of its addresses has a phone and every phone is verified; a **verified
  accepting-new-patients status** when that fact is on record and verified;
  **verified treatment facts** when it claims at least one treatment and every
  treatment claim is verified; it is **fully verified** when its address,
  phone and accepting-new-patients status are verified and every treatment it
  claims (if any) is;
* shares are over every listing: a listing without the fact counts as not
  verified for it (a directory cannot show it as verified); ``listed`` says
  how many listings have the fact at all.

Members by specialty use the adequacy specialty mapping (NUCC codes to
specialties, ``directory/data/adequacy/specialties.csv``); counties are those
of the members' practice locations (the store's county, else the offline ZIP
table's). A provider counts once per (specialty, county) it holds.

Reads are batched: members in NPI order, :data:`BATCH` at a time, each batch
in a fixed number of store reads whatever its size, so a network of tens of
thousands of members costs tens of round trips (see BENCHMARKS.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from scoring import Agreement, FactKind, FactStatus, TreatmentList, fact_statuses

from ..errors import InputError
from ..geo import zip_centroid
from ..model import AccessFacts, Network, NetworkMember
from ..npi import is_valid_npi
from ..store import Store
from .adequacy import SpecialtyMap, default_specialties
from .fact_status import treatment_lists

#: Members read per batch (a full report), per batch of a page of issues, and most members one page judges.
BATCH = 2000
PAGE_BATCH = 500
SCAN_BUDGET = 20_000
MAX_ISSUES_PAGE = 100
UNMAPPED = "(no mapped specialty)"
UNKNOWN_COUNTY = "(unknown)"
#: The fields of the accuracy summary, in order.
FIELDS = ("address", "phone", "accepting_new_patients", "treatments")


# ------------------------------------------------------------ composition
@dataclass(frozen=True, slots=True)
class CompositionRow:
    specialty: str
    state: str
    county: str
    providers: int


@dataclass(frozen=True, slots=True)
class Composition:
    network: Network
    members: int
    by_specialty: tuple[tuple[str, int], ...]  # distinct providers per specialty, most first
    rows: tuple[CompositionRow, ...]  # by specialty, state, county


def pages(store: Store, network: Network, after: str = "", size: int = BATCH) -> Iterator[list[NetworkMember]]:
    """The network's members after the NPI ``after``, a page of ``size`` at a time, in NPI order."""
    while True:
        page = store.member_page(network.id, after=after, limit=size)
        if page:
            yield page
        if len(page) < size:
            return
        after = page[-1].npi


def composition(store: Store, network: Network, specialties: SpecialtyMap | None = None) -> Composition:
    """Members counted by specialty and by the counties of their practice locations."""
    mapping = specialties or default_specialties()
    members = 0
    cells: Counter[tuple[str, str, str]] = Counter()
    totals: Counter[str] = Counter()
    for batch in pages(store, network):
        members += len(batch)
        npis = [m.npi for m in batch]
        taxonomies, locations = store.taxonomies_for(npis), store.locations_for(npis)
        for npi in npis:
            held = {s for t in taxonomies.get(npi, []) for s in mapping.by_code.get(t.code, ())} or {UNMAPPED}
            counties = {
                (pl.location.state, pl.location.county or _zip_county(pl.location.zip5))
                for pl in locations.get(npi, [])
            } or {("", UNKNOWN_COUNTY)}
            totals.update(held)
            cells.update((s, state, county) for s in held for state, county in counties)
    rows = tuple(CompositionRow(s, st, c, n) for (s, st, c), n in sorted(cells.items()))
    by_specialty = tuple(sorted(totals.items(), key=lambda x: (-x[1], x[0])))
    return Composition(network, members, by_specialty, rows)


def _zip_county(zip5: str) -> str:
    found = zip_centroid(zip5)
    return (found[1] if found else None) or UNKNOWN_COUNTY


# ------------------------------------------------------------ fact reads
def _statuses(
    store: Store, batch: list[NetworkMember], lists: list[TreatmentList], today: date, *, full: bool
) -> dict[str, tuple[FactStatus, ...]]:
    """Each member's facts judged as of ``today``: addresses, phones, access
    facts and treatments; with ``full`` also licences, board certifications,
    exclusions and the membership itself (four or six reads a batch)."""
    npis = [m.npi for m in batch]
    locations, access, treatments = store.locations_for(npis), store.access_facts_for(npis), store.treatments_for(npis)
    credentials = store.credentials_for(npis) if full else {}
    exclusions = store.exclusions_for(npis) if full else {}
    if not full:  # the summary reads accepting new patients only: the other access facts are not judged at all
        access = {
            npi: [AccessFacts(a.npi, a.evidence, accepting_new_patients=a.accepting_new_patients) for a in rows]
            for npi, rows in access.items()
        }
    return {
        m.npi: fact_statuses(
            locations=locations.get(m.npi, ()),
            access=access.get(m.npi, ()),
            treatments=treatments.get(m.npi, ()),
            credentials=credentials.get(m.npi, ()),
            exclusions=exclusions.get(m.npi, ()),
            memberships=(m,) if full else (),
            treatment_lists=lists,
            today=today,
        )
        for m in batch
    }


# ------------------------------------------------------ stale or contradicted
@dataclass(frozen=True, slots=True)
class ListingIssues:
    npi: str
    display_name: str
    facts: tuple[FactStatus, ...]  # only the stale or contradicted ones


@dataclass(frozen=True, slots=True)
class IssuePage:
    items: tuple[ListingIssues, ...]
    end_cursor: str | None  # the last NPI judged
    has_next_page: bool
    scanned: int


def _flagged(f: FactStatus, stale: bool, contradicted: bool, kinds: set[FactKind] | None) -> bool:
    if kinds is not None and f.kind not in kinds:
        return False
    return (stale and f.stale) or (contradicted and f.agreement is Agreement.CONTRADICTS)


def stale_or_contradicted(
    store: Store,
    network: Network,
    today: date,
    *,
    first: int = 50,
    after: str | None = None,
    stale: bool = True,
    contradicted: bool = True,
    kinds: Iterable[FactKind] | None = None,
) -> IssuePage:
    """Members after ``after`` (NPI order) with a fact not verified within 90
    days (``stale``) or contradicted between sources (``contradicted``), each
    with those facts; at most ``first``, judging at most :data:`SCAN_BUDGET`."""
    if not 1 <= first <= MAX_ISSUES_PAGE:
        raise InputError(f"first must be between 1 and {MAX_ISSUES_PAGE}")
    if after is not None and not is_valid_npi(after.strip()):
        raise InputError("after must be the endCursor of a previous page (an NPI)")
    if not (stale or contradicted):
        raise InputError("ask for stale facts, contradicted facts or both")
    wanted = None if kinds is None else set(kinds)
    lists = treatment_lists(store)
    found: list[ListingIssues] = []
    scanned, last = 0, (after or "").strip()
    stopped = False
    for batch in pages(store, network, last, PAGE_BATCH):
        if len(found) >= first or scanned >= SCAN_BUDGET:
            stopped = True
            break
        judged = _statuses(store, batch, lists, today, full=True)
        flagged = {npi: [f for f in facts if _flagged(f, stale, contradicted, wanted)] for npi, facts in judged.items()}
        names = store.providers([npi for npi, facts in flagged.items() if facts])
        for m in batch:
            scanned += 1
            last = m.npi
            if flagged[m.npi]:
                record = names.get(m.npi)
                found.append(ListingIssues(m.npi, record.display_name if record else "", tuple(flagged[m.npi])))
                if len(found) >= first:
                    break
    more = stopped or bool(store.member_page(network.id, after=last, limit=1))
    return IssuePage(tuple(found), last or None, more, scanned)


# ------------------------------------------------------------------ accuracy
@dataclass(frozen=True, slots=True)
class FieldAccuracy:
    field: str
    listed: int  # listings with the fact on record
    verified: int
    stale: int  # listings with a stale fact of the field
    contradicted: int  # listings with a contradicted fact of the field
    share_verified: float  # verified / listings, 0..1


@dataclass(frozen=True, slots=True)
class Accuracy:
    network: Network
    as_of: date
    listings: int
    fields: tuple[FieldAccuracy, ...]
    fully_verified: int
    share_fully_verified: float


_KINDS = {
    "address": FactKind.ADDRESS,
    "phone": FactKind.PHONE,
    "accepting_new_patients": FactKind.ACCEPTING_NEW_PATIENTS,
    "treatments": FactKind.TREATMENT,
}


def directory_accuracy(store: Store, network: Network, today: date) -> Accuracy:
    """The directory-accuracy summary of the network (definitions in the module docstring)."""
    lists = treatment_lists(store)
    n = 0
    listed: Counter[str] = Counter()
    verified: Counter[str] = Counter()
    stale: Counter[str] = Counter()
    contradicted: Counter[str] = Counter()
    fully = 0
    for batch in pages(store, network):
        n += len(batch)
        for facts in _statuses(store, batch, lists, today, full=False).values():
            ok: dict[str, bool] = {}
            for field, kind in _KINDS.items():
                mine = [f for f in facts if f.kind is kind]
                ok[field] = bool(mine) and all(f.verified for f in mine)
                listed[field] += bool(mine)
                verified[field] += ok[field]
                stale[field] += any(f.stale for f in mine)
                contradicted[field] += any(f.agreement is Agreement.CONTRADICTS for f in mine)
            claims_treatment = any(f.kind is FactKind.TREATMENT for f in facts)
            fully += (
                ok["address"]
                and ok["phone"]
                and ok["accepting_new_patients"]
                and (ok["treatments"] or not claims_treatment)
            )
    share = lambda k: round(k / n, 4) if n else 0.0  # noqa: E731
    fields = tuple(
        FieldAccuracy(f, listed[f], verified[f], stale[f], contradicted[f], share(verified[f])) for f in FIELDS
    )
    return Accuracy(network, today, n, fields, fully, share(fully))
