"""The domain model: backend-neutral records that cross the store port.

Every adapter takes and returns these dataclasses, never its driver's rows.
A fact that came from a source carries an :class:`Evidence` (source, retrieval
date, method, confidence) so the API can say where it came from.
"""

from __future__ import annotations

import enum
import sys
from dataclasses import dataclass, field, is_dataclass
from datetime import date, datetime

from .pickling import fast_pickling


class EntityType(enum.Enum):
    INDIVIDUAL = 1  # NPPES Entity Type Code 1
    ORGANIZATION = 2  # NPPES Entity Type Code 2


class Treatment(enum.Enum):
    """Controlled vocabulary of TRD-relevant services. No NUCC code says TMS or
    ketamine, so capability is modelled as evidence-backed offerings."""

    TMS_STANDARD = "tms_standard"
    TMS_ACCELERATED = "tms_accelerated"  # iTBS / SAINT-style accelerated courses
    ESKETAMINE_REMS = "esketamine_rems"  # Spravato, only at a REMS-certified site
    IV_KETAMINE = "iv_ketamine"
    ECT = "ect"
    PSYCHOTHERAPY = "psychotherapy"
    MEDICATION_MANAGEMENT = "medication_management"


class NetworkKind(enum.Enum):
    PAYER = "payer"  # a payer's contracted network
    EMPLOYER = "employer"  # an employer's vetted network


class NetworkStatus(enum.Enum):
    ACTIVE = "active"
    ARCHIVED = "archived"  # keeps its members and history, takes no changes


class MemberDecision(enum.Enum):
    """Why a curator added a provider to a network or removed one from it."""

    ADDED_AFTER_REVIEW = "added_after_review"
    ADDED_WITH_OVERRIDE = "added_with_override"  # despite failing the network's vetting criteria; needs a note
    ADDED_OTHER = "added_other"  # e.g. a contract signed (payer networks)
    REMOVED_NO_LONGER_MEETS_CRITERIA = "removed_no_longer_meets_criteria"
    REMOVED_OTHER = "removed_other"  # needs a note

    @property
    def adds(self) -> bool:
        return self.value.startswith("added")


class NetworkEventKind(enum.Enum):
    """What a network's history records."""

    CREATED = "created"
    RENAMED = "renamed"
    REGIONS_CHANGED = "regions_changed"
    CRITERIA_CHANGED = "criteria_changed"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    REVIEWED = "reviewed"
    ARCHIVED = "archived"


class CredentialKind(enum.Enum):
    STATE_LICENSE = "state_license"
    BOARD_CERTIFICATION = "board_certification"


#: Metadata of a field added after content hashes were stored: left out of the
#: hash while it is None, so the hashes of records written before it stay valid
#: (``directory.store.hashing``).
HASH_OMITS_NONE = {"hash_omits_none": True}


@dataclass(frozen=True, slots=True)
class Evidence:
    """Provenance of one fact.

    A fact taken from a source record through entity resolution (a roster
    row's network membership, a site list's treatment) also names the file the
    record came from and, when the record's link to the provider is less than
    certain, the link's probability (``confidence`` already includes it)."""

    source: str  # e.g. "nppes", "npi_registry_api", "roster:acme", "rems_list"
    retrieved: date  # when the source said it (file date, response date)
    method: str  # e.g. "bulk_file", "api", "attestation", "entity_resolution"
    confidence: float = 1.0  # 0..1
    reference: str | None = None  # file name, URL or row id the fact came from ("source:record_id")
    file: str | None = field(default=None, metadata=HASH_OMITS_NONE)  # the file of a source record
    link_probability: float | None = field(default=None, metadata=HASH_OMITS_NONE)  # below 1 only


@dataclass(frozen=True, slots=True)
class Location:
    line1: str
    city: str
    state: str
    zip5: str
    line2: str = ""
    county: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None

    @property
    def key(self) -> str:
        """Stable identity of an address, so re-ingesting never duplicates it."""
        parts = (self.line1, self.line2, self.city, self.state, self.zip5)
        return "|".join(p.upper() for p in parts)


@dataclass(frozen=True, slots=True)
class ProviderLocation:
    location: Location
    primary: bool
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Taxonomy:
    code: str
    display_name: str
    grouping: str = ""
    classification: str = ""
    specialization: str = ""


@dataclass(frozen=True, slots=True)
class ProviderTaxonomy:
    code: str
    primary: bool
    license_number: str | None
    license_state: str | None
    evidence: Evidence
    display_name: str | None = None  # filled on read from the NUCC table


@dataclass(frozen=True, slots=True)
class Credential:
    kind: CredentialKind
    evidence: Evidence
    # state licence
    number: str | None = None
    state: str | None = None
    status: str | None = None  # active, expired, restricted, revoked, unknown
    expires: date | None = None
    # board certification
    board: str | None = None
    specialty: str | None = None
    certified_on: date | None = None

    @property
    def key(self) -> str:
        if self.kind is CredentialKind.STATE_LICENSE:
            return f"L|{self.state or ''}|{self.number or ''}"
        return f"B|{self.board or ''}|{self.specialty or ''}"


@dataclass(frozen=True, slots=True)
class OtherName:
    name: str
    type_code: str | None  # NPPES: 1 former, 2 professional, 3 DBA, 4 former LBN, 5 other
    evidence: Evidence


@dataclass(slots=True)
class ProviderRecord:
    """One NPI as ingest produces it and the store keeps it."""

    npi: str
    entity_type: EntityType
    evidence: Evidence
    # individuals
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    credential_text: str | None = None  # normalized, e.g. "MD", "PMHNP-BC"
    sex: str | None = None
    sole_proprietor: bool | None = None
    # organizations
    organization_name: str | None = None
    is_subpart: bool | None = None
    parent_organization_name: str | None = None
    # lifecycle
    enumeration_date: date | None = None
    last_update: date | None = None
    deactivation_date: date | None = None
    deactivation_reason: str | None = None
    reactivation_date: date | None = None
    replacement_npi: str | None = None
    # owned facts, replaced as a whole when a newer record of the same source arrives
    locations: list[ProviderLocation] = field(default_factory=list)
    taxonomies: list[ProviderTaxonomy] = field(default_factory=list)
    other_names: list[OtherName] = field(default_factory=list)

    @property
    def is_active(self) -> bool:
        if self.deactivation_date is None:
            return True
        return self.reactivation_date is not None and self.reactivation_date >= self.deactivation_date

    @property
    def display_name(self) -> str:
        if self.entity_type is EntityType.ORGANIZATION:
            return self.organization_name or ""
        name = " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)
        return f"{name}, {self.credential_text}" if self.credential_text else name


@dataclass(frozen=True, slots=True)
class AccessFacts:
    """What a patient needs to know to book: kept apart from the NPPES record
    because it comes from rosters and attestations, and NPPES re-ingest must not
    erase it. None means unknown."""

    npi: str
    evidence: Evidence
    accepting_new_patients: bool | None = None
    telehealth: bool | None = None
    languages: tuple[str, ...] = ()
    wait_days: int | None = None  # days to a routine appointment


@dataclass(frozen=True, slots=True)
class TreatmentOffering:
    npi: str
    treatment: Treatment
    evidence: Evidence
    location_key: str | None = None  # where it is offered, if known
    telehealth: bool = False
    detail: str | None = None  # device, protocol, REMS site id ...


@dataclass(frozen=True, slots=True)
class Affiliation:
    """An individual practising at or with an organization."""

    individual_npi: str
    organization_npi: str
    evidence: Evidence
    role: str = "member"


@dataclass(frozen=True, slots=True)
class Payer:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Employer:
    id: str
    name: str
    plan_ids: tuple[str, ...] = ()  # the plans it offers its employees (payers' plans)


@dataclass(frozen=True, slots=True)
class Region:
    """Where a vetted network looks for candidates: a whole state, or the
    circle of ``radius_miles`` around a ZIP code's centroid (one or the other)."""

    state: str | None = None
    zip5: str | None = None
    radius_miles: float | None = None


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    name: str
    kind: NetworkKind
    owner_id: str  # the payer's or employer's id
    status: NetworkStatus = NetworkStatus.ACTIVE
    regions: tuple[Region, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    payer_id: str
    name: str
    product_type: str  # e.g. "MA-HMO", "PPO", "Commercial"
    network_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkMember:
    """A provider's membership of a network. A curator's change records who
    decided, when (UTC), the decision and its note; ``reviewed_seq`` is the
    member's vetting result (its ``seq``) the last review saw, at ``reviewed_at``."""

    network_id: str
    npi: str
    evidence: Evidence
    added_on: date | None = None
    decision: MemberDecision | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    reviewed_seq: int | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NetworkEvent:
    """One entry of a network's history. ``seq`` numbers a network's events
    from 1 (0 until stored); ``at`` is UTC."""

    network_id: str
    kind: NetworkEventKind
    at: datetime
    actor: str
    npi: str | None = None
    decision: MemberDecision | None = None
    note: str | None = None
    detail: str = ""  # what changed, e.g. "renamed 'Old' -> 'New'"
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Exclusion:
    npi: str
    source: str  # "LEIE", "SAM", state Medicaid list
    exclusion_type: str
    excluded_on: date
    evidence: Evidence
    reinstated_on: date | None = None


@dataclass(frozen=True, slots=True)
class ExclusionListLoad:
    """That an exclusion list was loaded, and as of when. Absence from a list
    means something only once the list has been loaded: vetting needs this,
    because a list rarely names anyone in the directory."""

    list_name: str  # "LEIE", "SAM", a state Medicaid list
    as_of: date  # the date the list speaks for (file or supplement date)
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class ExclusionRecord:
    """One row of a published exclusion list (the OIG LEIE), kept whether or not
    it names anyone in the directory, so that a later load, a re-match after an
    NPPES load or a reviewer can still link it. The :class:`Exclusion` facts on
    providers are attached from these (their evidence reference is
    ``<list>:<key>``, see ``directory.store.port_exclusions.exclusion_reference``).

    ``key`` identifies the row (names, date of birth, NPI, exclusion type and
    date, address); ``identity`` is the same without the address, which a
    profile correction may change between the exclusion and its reinstatement.
    Text fields are as published, stripped; an unknown NPI or date is None."""

    list_name: str  # "LEIE"
    key: str
    identity: str
    exclusion_type: str  # EXCLTYPE, e.g. 1128a1, 1128b4
    excluded_on: date
    evidence: Evidence  # the latest file that listed the row
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    business_name: str = ""
    general: str = ""  # GENERAL: the kind of party (e.g. "IND- LIC HC SERV PRO", "OTHER BUSINESS")
    specialty: str = ""
    upin: str = ""
    npi: str | None = None
    birth_date: date | None = None
    address: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    reinstated_on: date | None = None
    waiver_date: date | None = None
    waiver_state: str = ""
    #: The date of the latest file that listed the row in force (None: only a
    #: reinstatement supplement has named it).
    last_listed: date | None = None

    @property
    def is_business(self) -> bool:
        return not (self.last_name or self.first_name)


@dataclass(frozen=True, slots=True)
class NameCandidate:
    """A provider whose names may be those of an exclusion record: what the
    matching rules read (``directory.services.exclusions``)."""

    npi: str
    entity_type: EntityType
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    organization_name: str | None = None
    other_names: tuple[tuple[str, str | None], ...] = ()  # (name, NPPES type code), sorted
    #: Practice-location states, taxonomy licence states and credential states, sorted.
    states: tuple[str, ...] = ()
    #: No source of the directory records a date of birth yet (NPPES publishes
    #: none); the rules use it when one does.
    birth_date: date | None = None


class AllianceInstrument(enum.Enum):
    WAI_SR = "WAI-SR"  # Working Alliance Inventory, short revised: 12 items of 1..5, total 12..60
    SRS = "SRS"  # Session Rating Scale: 4 items of 0..10, total 0..40


@dataclass(frozen=True, slots=True)
class OutcomeMeasures:
    """Measurement-based-care aggregates of one provider over one period, as a
    practice reported them: never patient-level. A cell of fewer than
    ``directory.services.outcomes.MIN_PATIENTS`` patients is stored as reported
    but never shown or used (see that module). None: not measured."""

    npi: str
    period_start: date
    period_end: date
    patients: int
    evidence: Evidence
    phq9_baseline_mean: float | None = None  # PHQ-9 0..27
    phq9_latest_mean: float | None = None
    phq9_response_rate: float | None = None  # share with a drop of 50 % or more, 0..1
    phq9_remission_rate: float | None = None  # share under 5, 0..1
    gad7_change_mean: float | None = None  # GAD-7 latest minus baseline, -21..21
    alliance_instrument: AllianceInstrument | None = None
    alliance_mean: float | None = None  # WAI-SR 12..60, SRS 0..40
    dropout_rate: float | None = None  # 0..1


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float


class SearchOrder(enum.Enum):
    """How search results are ordered. Within each, a result whose fact a filter
    asked about is unknown (accepting new patients) comes after those where it is
    known, and distance (none last), name and NPI break the remaining ties."""

    RELEVANCE = "relevance"  # name match first (when a name is searched)
    DISTANCE = "distance"  # nearest first
    EXPERTISE = "expertise"  # TRD expertise, highest first (directory.services.matching.search_providers)


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    treatments: tuple[Treatment, ...] = ()  # any of these
    taxonomy_codes: tuple[str, ...] = ()  # any of these
    near: GeoPoint | None = None
    radius_miles: float | None = None
    include_telehealth: bool = False  # telehealth offerings match regardless of distance
    plan_id: str | None = None
    network_id: str | None = None
    accepting_new_patients: bool | None = None  # known to differ: out; unknown: kept, ranked lower, flagged
    entity_type: EntityType | None = None
    state: str | None = None
    name: str | None = None  # typo tolerant
    include_deactivated: bool = False
    limit: int = 20
    after: str | None = None  # opaque cursor from a previous page
    order_by: SearchOrder = SearchOrder.RELEVANCE


@dataclass(frozen=True, slots=True)
class SearchHit:
    npi: str
    display_name: str
    entity_type: EntityType
    distance_miles: float | None
    name_score: float | None  # 0..100 when a name was asked for
    nearest_location_key: str | None = None
    unknown: tuple[str, ...] = ()  # facts a filter asked about that no source gives, e.g. "accepting_new_patients"
    expertise: float | None = None  # TRD expertise, when ordered by it


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    total: int
    end_cursor: str | None
    has_next_page: bool


@dataclass(frozen=True, slots=True)
class UpsertStats:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertStats) -> UpsertStats:
        return UpsertStats(
            self.inserted + other.inserted,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    run_id: str
    source: str
    line_number: int
    reason: str  # a ReasonCode value
    detail: str
    raw: str  # the row as read, so nothing is lost


@dataclass(frozen=True, slots=True)
class IngestRun:
    run_id: str
    source: str
    file_name: str
    file_sha256: str
    started_at: str
    finished_at: str | None
    status: str  # running, completed, failed
    counts: dict[str, int]
    resume_line: int = 0  # rows before this line are committed
    scope: str = ""  # what the run keeps (ingest.scope signature); resuming needs the same


class MatchStatus(enum.Enum):
    MERGED = "merged"  # the two records are one entity
    REVIEW = "review"  # uncertain band: waits for a person
    REJECTED = "rejected"  # decided: not the same entity
    UNDONE = "undone"  # a merge that was reversed


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One pairwise entity-resolution decision and the evidence behind it."""

    match_id: str  # stable for the pair, see ingest.resolve
    left: str  # record reference "source:id", e.g. "nppes:1234567893", "npi_api:1234567893"
    right: str
    probability: float  # 0..1 match probability
    match_weight: float  # log2 Bayes factor summed over comparisons
    agreement: dict[str, str]  # comparison -> level label and weight, e.g. {"name": "fuzzy>=0.92 (+6.1)"}
    status: MatchStatus
    decided_by: str  # "model" or the person who decided
    decided_at: str  # ISO 8601 timestamp
    npi: str | None = None  # the NPI the pair resolves to, when known


class Role(enum.Enum):
    """What a caller of the API may do; the rules are in schema/auth.py."""

    NAVIGATOR = "navigator"  # searches and reads the public directory
    EMPLOYER = "employer"  # curates its tenant's vetted networks
    PAYER = "payer"  # curates its tenant's payer networks
    ADMIN = "admin"  # everything, including the review queue


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored API key: who it speaks for and when it works. The secret itself
    is never kept, only ``secret_hash`` (see directory/services/api_keys.py).
    Times are timezone-aware UTC."""

    key_id: str  # public: the lookup half of the key, shown by `provnet token list`
    role: Role
    tenant: str | None  # the employer or payer it acts for; None for navigator and admin
    label: str
    secret_hash: str  # "<scheme>$<hex digest>"
    created_at: datetime
    expires_at: datetime | None = None  # stops working at this instant
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None  # to the minute, see api_keys.LAST_USED_EVERY

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True, slots=True)
class CoverageQuery:
    """What network adequacy reads: the providers holding any of ``taxonomy_codes``
    with a geocoded location inside ``bbox`` (min_lat, max_lat, min_lon, max_lon;
    None: anywhere), plus every member of the network holding one of the codes,
    located or not (a telehealth-only provider has no location)."""

    network_id: str
    taxonomy_codes: tuple[str, ...]
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class CoverageSite:
    """A geocoded practice location of a provider, as adequacy measures it."""

    key: str
    latitude: float
    longitude: float
    zip5: str
    state: str
    county: str | None = None
    line1: str = ""
    line2: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class CoverageProvider:
    """An active provider as network adequacy sees it: the listed taxonomies it
    holds, every geocoded location, the states it is licensed in, whether it
    offers telehealth (an access fact or a telehealth treatment offering) and
    whether it is in the network asked about."""

    npi: str
    display_name: str
    entity_type: EntityType
    taxonomy_codes: tuple[str, ...]  # sorted, only codes of the query
    license_states: tuple[str, ...]  # sorted, of every taxonomy on record
    sites: tuple[CoverageSite, ...]  # sorted by key
    telehealth: bool
    in_network: bool


class VettingStatus(enum.Enum):
    """A provider's standing against a set of vetting criteria."""

    VERIFIED = "verified"  # every required check passes on evidence young enough
    NEEDS_REVIEW = "needs_review"  # nothing required fails, but something required is not known
    FAILED = "failed"  # a required check fails (an exclusion in force always does)


@dataclass(frozen=True, slots=True)
class VettingCriteria:
    """What a network requires of its providers (issue 9 point 4); the JSON
    format is documented in ``directory.services.criteria``. ``network_id`` is
    ``""`` for the default criteria, which apply where a network has none."""

    required_checks: tuple[str, ...]  # names of the vetting checklist's checks
    accepted_license_statuses: tuple[str, ...] = ("active",)
    required_exclusion_lists: tuple[str, ...] = ()  # e.g. ("LEIE", "SAM"): each must have been loaded
    min_trd_expertise: float = 0.0  # 0..100; above 0 the trd_expertise check is required
    max_fact_age_days: int | None = 90  # older evidence cannot verify anything; None: no limit
    network_id: str = ""
    set_by: str = ""
    set_on: date | None = None


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """Which fact a judgment relied on, and where and when it came from."""

    fact: str  # e.g. "licence NY 602145", "exclusion LEIE 1128b4 2025-03-20"
    source: str
    retrieved: date
    method: str
    confidence: float


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check of a provider's vetting under criteria, with the evidence behind it."""

    name: str
    status: str  # "pass", "fail" or "unknown" (scoring.CheckStatus values)
    required: bool  # whether the criteria require it (only required checks decide the status)
    reason: str
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class VettingRecord:
    """A provider's vetting for one network (``network_id`` ``""``: the default
    criteria) as judged on ``judged_on`` by ``scoring_version``. ``fingerprint``
    digests everything the judgment read (facts with their evidence, criteria,
    reference data, rules); ``digest`` digests the outcome (status and checks).
    History is kept: ``seq`` numbers a provider's results for a network from 1
    (0 until stored)."""

    network_id: str
    npi: str
    status: VettingStatus
    checks: tuple[CheckResult, ...]
    fingerprint: str
    digest: str
    scoring_version: str
    judged_on: date
    seq: int = 0


# records cross from the reading process to the writer in a parallel load
for _cls in list(vars(sys.modules[__name__]).values()):
    if isinstance(_cls, type) and is_dataclass(_cls) and _cls.__module__ == __name__:
        fast_pickling(_cls)
del _cls
