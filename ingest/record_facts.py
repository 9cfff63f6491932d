"""What a source record says about the provider it is linked to, as facts
(issue 9 point 2). Pure: :func:`provider_facts` takes one provider's linked
records of one source and gives the :class:`~directory.source_records.SourceFacts`
that source holds about it.

By kind (canonical fields of ``ingest.mapping``):

* **roster**: the network membership (``network_id``; ``effective_date`` as the
  date it was added; a row whose ``end_date`` lies before the file's date is a
  past contract and gives none; only payers' networks the store holds, see
  ``ingest.materialise``), the access facts (``accepting_new_patients``,
  ``telehealth``: one row per provider and source; rows that disagree give
  true if any says true), the practice location with the roster's phone, as
  the roster's own placement (primary: the roster says the provider practises
  there), and the licence number and state as reported (status unknown);
* **licences**: the state licence (number, issuing state, status, expiry);
* **tms**: TMS at the site's location, standard or accelerated by the
  ``protocols`` column (iTBS, theta burst, SAINT/SNT or "accelerated" make it
  accelerated; any other protocol, or none named, standard; both when both
  are listed), the device and protocols as detail;
* **esketamine_rems**: esketamine at a REMS-certified setting, with the
  setting type and certification date;
* **iv_ketamine**: IV ketamine, with the medical director and the date the
  protocol was attested;
* sites also place the provider at the site's location with the list's phone
  (not primary: a list of sites does not say where else the provider works).

Every fact carries the record's evidence: the source name, the file's as-of
date and method, ``reference`` ``source:record_id``, ``file``, and, when the
link is less than certain, ``link_probability``; its confidence is the
source's times the link's probability. When several records give one fact (a
roster lists a provider once per network), the record with the surest link
(then the smallest reference) speaks for it.

A record's address is the provider's address another source already lists
when the two are the same street address (``ingest.resolve.normalize.address``)
in the same ZIP: the roster's placement then joins NPPES's at one location,
so the two sources' agreement (or their phones' disagreement) shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from directory.geo import zip_centroid
from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    Evidence,
    Location,
    NetworkMember,
    ProviderLocation,
    Treatment,
    TreatmentOffering,
)
from directory.source_records import ResolutionLink, SourceFacts, SourceRecord

from .normalize import normalize_address_line
from .resolve import normalize as nz

#: Protocol words that make a TMS course accelerated.
ACCELERATED = re.compile(r"ITBS|THETA|SAINT|\bSNT\b|ACCELERATED", re.IGNORECASE)
_PROTOCOL_SPLIT = re.compile(r"[;,/|+]| AND ", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Linked:
    """A record and the link that puts it at a provider."""

    record: SourceRecord
    link: ResolutionLink

    @property
    def rank(self) -> tuple:
        return (-self.link.probability, self.record.ref)


def evidence_of(item: Linked) -> Evidence:
    r, link = item.record, item.link
    sure = link.probability >= 1.0
    return Evidence(
        r.source,
        r.evidence.retrieved,
        r.evidence.method,
        round(r.evidence.confidence * (1.0 if sure else link.probability), 4),
        r.ref,
        r.evidence.reference,
        None if sure else round(link.probability, 6),
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _flag(text: str | None) -> bool | None:
    return None if text not in ("true", "false") else text == "true"


def same_place(a: Location, b: Location) -> bool:
    """One street address in one ZIP (or one city, when a ZIP is missing)."""
    if nz.address(a.line1, a.line2) != nz.address(b.line1, b.line2):
        return False
    if a.zip5 and b.zip5:
        return a.zip5 == b.zip5
    return a.city.upper() == b.city.upper() and a.state == b.state


def location_of(fields: Mapping[str, str], phone: str | None, known: Sequence[Location]) -> Location | None:
    """The record's address as a location (None without a street and a ZIP or
    city): one the provider already has when it is the same place, else a new
    one geocoded to its ZIP centroid."""
    line1 = normalize_address_line(fields.get("address_line_1", ""))
    zip5 = fields.get("zip", "")[:5]
    city = normalize_address_line(fields.get("city", ""))
    if not line1 or not (zip5 or city):
        return None
    candidate = Location(
        line1=line1,
        city=city,
        state=fields.get("state", ""),
        zip5=zip5,
        line2=normalize_address_line(fields.get("address_line_2", "")),
        phone=phone,
    )
    for place in known:
        if same_place(candidate, place):
            return Location(
                place.line1,
                place.city,
                place.state,
                place.zip5,
                place.line2,
                place.county,
                place.latitude,
                place.longitude,
                phone,
            )
    found = zip_centroid(zip5) if zip5 else None
    if found is None:
        return candidate
    point, county, _ = found
    return Location(
        candidate.line1,
        candidate.city,
        candidate.state,
        candidate.zip5,
        candidate.line2,
        county,
        point.latitude,
        point.longitude,
        phone,
    )


def tms_treatments(protocols: str) -> list[Treatment]:
    """Standard, accelerated or both, from a protocols cell ("Standard; iTBS")."""
    named = [p.strip() for p in _PROTOCOL_SPLIT.split(protocols or "") if p.strip()]
    fast = [p for p in named if ACCELERATED.search(p)]
    out = []
    if not named or len(fast) < len(named):
        out.append(Treatment.TMS_STANDARD)
    if fast:
        out.append(Treatment.TMS_ACCELERATED)
    return out


def _detail(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


class _Facts:
    """One provider's facts from one source, gathered record by record."""

    def __init__(self, npi: str, known: Sequence[Location], networks: set[str]):
        self.npi, self.known = npi, known
        self.networks = networks
        self.credentials: dict[str, Credential] = {}
        self.treatments: dict[tuple[Treatment, str], TreatmentOffering] = {}
        self.memberships: dict[str, NetworkMember] = {}
        self.locations: dict[str, ProviderLocation] = {}
        self.accepting: list[tuple[bool, Evidence]] = []
        self.telehealth: list[tuple[bool, Evidence]] = []
        self.skipped: dict[str, int] = {}

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def place(self, fields: Mapping[str, str], ev: Evidence, primary: bool) -> Location | None:
        where = location_of(fields, fields.get("phone") or None, self.known)
        if where is not None and where.key not in self.locations:
            self.locations[where.key] = ProviderLocation(where, primary, ev)
        return where

    def add(self, item: Linked) -> None:
        r, ev = item.record, evidence_of(item)
        f = r.fields
        if r.kind == "roster":
            self.place(f, ev, primary=True)
            network = f.get("network_id")
            ended = _day(f.get("end_date"))
            if network and ended is not None and ended < r.evidence.retrieved:
                self.skip("membership ended")
            elif network and network not in self.networks:
                self.skip(f"no payer network: {network}")
            elif network and network not in self.memberships:
                self.memberships[network] = NetworkMember(network, self.npi, ev, _day(f.get("effective_date")))
            if (accepting := _flag(f.get("accepting_new_patients"))) is not None:
                self.accepting.append((accepting, ev))
            if (tele := _flag(f.get("telehealth"))) is not None:
                self.telehealth.append((tele, ev))
            if f.get("license_number"):
                self.licence(Credential(CredentialKind.STATE_LICENSE, ev, f["license_number"], f.get("license_state")))
        elif r.kind == "licences":
            status = (f.get("status") or "").strip().lower() or None
            expires = _day(f.get("expiration_date"))
            self.licence(
                Credential(CredentialKind.STATE_LICENSE, ev, f["license_number"], f.get("state"), status, expires)
            )
        elif r.kind in ("tms", "esketamine_rems", "iv_ketamine"):
            where = self.place(f, ev, primary=False)
            key = where.key if where is not None else ""
            for treatment, detail in _site_treatments(r):
                if (treatment, key) not in self.treatments:
                    self.treatments[(treatment, key)] = TreatmentOffering(
                        self.npi, treatment, ev, key or None, False, detail
                    )

    def licence(self, c: Credential) -> None:
        self.credentials.setdefault(c.key, c)

    def result(self) -> SourceFacts:
        access: tuple[AccessFacts, ...] = ()
        said = self.accepting + self.telehealth
        if said:
            ev = said[0][1]  # the surest record that said anything (records come surest first)
            accepting = any(v for v, _ in self.accepting) if self.accepting else None
            tele = any(v for v, _ in self.telehealth) if self.telehealth else None
            access = (AccessFacts(self.npi, ev, accepting_new_patients=accepting, telehealth=tele),)
        return SourceFacts(
            credentials=tuple(self.credentials[k] for k in sorted(self.credentials)),
            treatments=tuple(self.treatments[k] for k in sorted(self.treatments, key=lambda k: (k[0].value, k[1]))),
            access=access,
            memberships=tuple(self.memberships[k] for k in sorted(self.memberships)),
            locations=tuple(self.locations[k] for k in sorted(self.locations)),
        )


def _site_treatments(r: SourceRecord) -> list[tuple[Treatment, str | None]]:
    f = r.fields
    if r.kind == "tms":
        detail = _detail(
            f.get("device") and f"device: {f['device']}", f.get("protocols") and f"protocols: {f['protocols']}"
        )
        return [(t, detail) for t in tms_treatments(f.get("protocols", ""))]
    if r.kind == "esketamine_rems":
        detail = _detail(
            f"REMS-certified healthcare setting {r.record_id}",
            f.get("setting_type") and f"setting: {f['setting_type']}",
            f.get("certification_date") and f"certified {f['certification_date']}",
        )
        return [(Treatment.ESKETAMINE_REMS, detail)]
    detail = _detail(
        f.get("medical_director") and f"medical director: {f['medical_director']}",
        f.get("protocol_attested_on") and f"protocol attested {f['protocol_attested_on']}",
    )
    return [(Treatment.IV_KETAMINE, detail)]


def provider_facts(
    npi: str, linked: Iterable[Linked], known: Sequence[Location], networks: set[str]
) -> tuple[SourceFacts, dict[str, int]]:
    """The facts one source's records linked to ``npi`` give, and what was left
    out and why (``no payer network: X``, ``membership ended``).
    ``known``: the provider's locations from other sources; ``networks``: the
    ids of the networks the store holds."""
    gathered = _Facts(npi, known, networks)
    for item in sorted(linked, key=lambda i: i.rank):
        gathered.add(item)
    return gathered.result(), gathered.skipped
