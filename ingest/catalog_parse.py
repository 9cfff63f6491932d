"""Turns a decoded catalog (see :mod:`ingest.sources.catalog`) into domain records,
collecting every problem with where it is (``treatments[12].treatment``)
instead of stopping at the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from directory.model import (
    AccessFacts,
    Affiliation,
    Credential,
    CredentialKind,
    Employer,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    Plan,
    Treatment,
    TreatmentOffering,
)
from directory.npi import is_valid_npi

FORMAT = "provnet-catalog"
VERSIONS = (1,)
SECTIONS = (
    "payers",
    "employers",
    "networks",
    "plans",
    "credentials",
    "treatments",
    "access",
    "affiliations",
    "exclusion_lists",
    "exclusions",
    "network_members",
)
LICENCE_STATUSES = frozenset({"active", "expired", "restricted", "revoked", "suspended", "inactive", "unknown"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MISSING = object()
#: Stands in while a record with a bad evidence is checked on; never stored.
_NO_EVIDENCE = Evidence("", date.min, "")


@dataclass(slots=True)
class ParsedCatalog:
    payers: list[Payer] = field(default_factory=list)
    employers: list[Employer] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    credentials: list[tuple[str, Credential]] = field(default_factory=list)
    treatments: list[TreatmentOffering] = field(default_factory=list)
    access: list[AccessFacts] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    exclusion_lists: list[ExclusionListLoad] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    network_members: list[NetworkMember] = field(default_factory=list)
    #: (where, npi) of every NPI a record names, to check against the store
    npi_refs: list[tuple[str, str]] = field(default_factory=list)

    def npis(self) -> set[str]:
        return {npi for _, npi in self.npi_refs}


class CatalogParser:
    def __init__(self, today: date):
        self.today = today
        self.problems: list[str] = []
        self.evidence: dict[str, Evidence] = {}
        self.out = ParsedCatalog()

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    # ------------------------------------------------------------ fields
    def text(self, rec: dict, key: str, where: str, required: bool = True) -> str | None:
        value = rec.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(f"{where}.{key}", "missing")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(f"{where}.{key}", f"expected a non-empty string, got {value!r}")
            return None
        return value.strip()

    def flag(self, rec: dict, key: str, where: str, default: bool | None) -> bool | None:
        value = rec.get(key, default)
        if value is not None and not isinstance(value, bool):
            self.problem(f"{where}.{key}", f"expected true, false or null, got {value!r}")
            return default
        return value

    def day(self, rec: dict, key: str, where: str, required: bool = True, future_ok: bool = False) -> date | None:
        value = rec.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "missing")
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.problem(f"{where}.{key}", f"expected a date YYYY-MM-DD, got {value!r}")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.problem(f"{where}.{key}", f"no such date {value!r}")
            return None
        if not future_ok and parsed > self.today:
            self.problem(f"{where}.{key}", f"{value} is in the future")
            return None
        if parsed.year < 1900:
            self.problem(f"{where}.{key}", f"{value} is before 1900")
            return None
        return parsed

    def npi(self, rec: dict, key: str, where: str) -> str | None:
        value = self.text(rec, key, where)
        if value is None:
            return None
        if not is_valid_npi(value):
            self.problem(f"{where}.{key}", f"{value!r} is not a valid NPI (10 digits with a Luhn check digit)")
            return None
        self.out.npi_refs.append((f"{where}.{key}", value))
        return value

    def evidence_of(self, rec: dict, where: str) -> Evidence | None:
        value = rec.get("evidence")
        if isinstance(value, str):
            found = self.evidence.get(value)
            if found is None:
                self.problem(f"{where}.evidence", f"no evidence named {value!r} in the catalog's 'evidence'")
            return found
        if isinstance(value, dict):
            return self.parse_evidence(value, f"{where}.evidence")
        self.problem(f"{where}.evidence", "missing (an evidence id or an evidence object)")
        return None

    def parse_evidence(self, rec: dict, where: str) -> Evidence | None:
        if not isinstance(rec, dict):
            self.problem(where, "expected an object")
            return None
        before = len(self.problems)
        source = self.text(rec, "source", where)
        method = self.text(rec, "method", where)
        retrieved = self.day(rec, "retrieved", where)
        reference = self.text(rec, "reference", where, required=False)
        confidence = rec.get("confidence", 1.0)
        if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
            self.problem(f"{where}.confidence", f"expected a number from 0 to 1, got {confidence!r}")
        if len(self.problems) > before or source is None or method is None or retrieved is None:
            return None
        return Evidence(source, retrieved, method, float(confidence), reference)

    # ------------------------------------------------------------ sections
    def parse(self, data: object) -> ParsedCatalog:
        if not isinstance(data, dict):
            self.problem("catalog", "expected a JSON object")
            return self.out
        if data.get("format") != FORMAT:
            self.problem("format", f"expected {FORMAT!r}, got {data.get('format')!r}")
        if data.get("version") not in VERSIONS:
            self.problem("version", f"expected one of {list(VERSIONS)}, got {data.get('version')!r}")
        unknown = sorted(set(data) - set(SECTIONS) - {"format", "version", "evidence"})
        for key in unknown:
            self.problem(key, f"unknown section (known: evidence, {', '.join(SECTIONS)})")
        evidence = data.get("evidence", {})
        if not isinstance(evidence, dict):
            self.problem("evidence", "expected an object of named evidence")
            evidence = {}
        for name in sorted(evidence):
            parsed = self.parse_evidence(evidence[name], f"evidence[{name!r}]")
            if parsed is not None:
                self.evidence[name] = parsed
        for section in SECTIONS:
            records = data.get(section, [])
            if not isinstance(records, list):
                self.problem(section, "expected a list")
                continue
            parse_one = getattr(self, f"_{section}")
            keys: dict[object, int] = {}
            for i, rec in enumerate(records):
                where = f"{section}[{i}]"
                if not isinstance(rec, dict):
                    self.problem(where, "expected an object")
                    continue
                before = len(self.problems)
                item, key = parse_one(rec, where)
                if len(self.problems) > before or item is None:
                    continue
                if key in keys:
                    self.problem(where, f"repeats {section}[{keys[key]}] (same {section} key {key!r})")
                    continue
                keys[key] = i
                getattr(self.out, section).append(item)
        return self.out

    # Each ``_<section>`` returns (record, key), or (None, None) once a problem
    # is recorded (every field is still checked first, so all problems are listed).
    def _payers(self, rec, where):
        i, n = self.text(rec, "id", where), self.text(rec, "name", where)
        if i is None or n is None:
            return None, None
        return Payer(i, n), i

    def _employers(self, rec, where):
        i, n = self.text(rec, "id", where), self.text(rec, "name", where)
        plans = rec.get("plan_ids", [])  # the payers' plans it offers its employees
        if not isinstance(plans, list) or not all(isinstance(p, str) and p for p in plans):
            self.problem(f"{where}.plan_ids", f"expected a list of plan ids, got {plans!r}")
            return None, None
        if i is None or n is None:
            return None, None
        return Employer(i, n, tuple(plans)), i

    def _networks(self, rec, where):
        i, n, o = self.text(rec, "id", where), self.text(rec, "name", where), self.text(rec, "owner_id", where)
        kind = rec.get("kind")
        try:
            k = NetworkKind(kind)
        except ValueError:
            self.problem(f"{where}.kind", f"expected one of {[x.value for x in NetworkKind]}, got {kind!r}")
            return None, None
        if i is None or n is None or o is None:
            return None, None
        return Network(i, n, k, o), i

    def _plans(self, rec, where):
        i, pay = self.text(rec, "id", where), self.text(rec, "payer_id", where)
        name, product = self.text(rec, "name", where), self.text(rec, "product_type", where)
        nets = rec.get("network_ids", [])
        if not isinstance(nets, list) or not all(isinstance(n, str) and n for n in nets):
            self.problem(f"{where}.network_ids", f"expected a list of network ids, got {nets!r}")
            return None, None
        if i is None or pay is None or name is None or product is None:
            return None, None
        return Plan(i, pay, name, product, tuple(nets)), i

    def _credentials(self, rec, where):
        npi, ev = self.npi(rec, "npi", where), self.evidence_of(rec, where)
        kind = rec.get("kind")
        if kind == CredentialKind.STATE_LICENSE.value:
            state, number = self.text(rec, "state", where), self.text(rec, "number", where)
            if state is not None and not re.fullmatch(r"[A-Z]{2}", state):
                self.problem(f"{where}.state", f"expected a 2-letter state code, got {state!r}")
            status = self.text(rec, "status", where, required=False)
            if status is not None and status.lower() not in LICENCE_STATUSES:
                self.problem(f"{where}.status", f"expected one of {sorted(LICENCE_STATUSES)}, got {status!r}")
            expires = self.day(rec, "expires", where, required=False, future_ok=True)
            cred = Credential(
                CredentialKind.STATE_LICENSE,
                ev or _NO_EVIDENCE,
                number=number,
                state=state,
                status=status.lower() if status else None,
                expires=expires,
            )
        elif kind == CredentialKind.BOARD_CERTIFICATION.value:
            board, specialty = self.text(rec, "board", where), self.text(rec, "specialty", where)
            certified = self.day(rec, "certified_on", where, required=False)
            cred = Credential(
                CredentialKind.BOARD_CERTIFICATION,
                ev or _NO_EVIDENCE,
                board=board,
                specialty=specialty,
                certified_on=certified,
            )
        else:
            self.problem(f"{where}.kind", f"expected 'state_license' or 'board_certification', got {kind!r}")
            return None, None
        if npi is None or ev is None:
            return None, None
        return (npi, cred), (npi, cred.key, ev.source)

    def _treatments(self, rec, where):
        npi, ev = self.npi(rec, "npi", where), self.evidence_of(rec, where)
        code = rec.get("treatment")
        try:
            treatment = Treatment(code)
        except ValueError:
            self.problem(
                f"{where}.treatment", f"unknown treatment {code!r} (known: {', '.join(t.value for t in Treatment)})"
            )
            return None, None
        location_key = self.text(rec, "location_key", where, required=False)
        telehealth = self.flag(rec, "telehealth", where, False)
        detail = self.text(rec, "detail", where, required=False)
        if npi is None or ev is None:
            return None, None
        offering = TreatmentOffering(npi, treatment, ev, location_key, bool(telehealth), detail)
        return offering, (npi, treatment, location_key or "", ev.source)

    def _access(self, rec, where):
        npi, ev = self.npi(rec, "npi", where), self.evidence_of(rec, where)
        languages = rec.get("languages", [])
        if not isinstance(languages, list) or not all(isinstance(x, str) and x for x in languages):
            self.problem(f"{where}.languages", f"expected a list of language codes, got {languages!r}")
            languages = []
        wait = rec.get("wait_days")
        if wait is not None and (isinstance(wait, bool) or not isinstance(wait, int) or wait < 0):
            self.problem(f"{where}.wait_days", f"expected a whole number of days or null, got {wait!r}")
        accepting = self.flag(rec, "accepting_new_patients", where, None)
        telehealth = self.flag(rec, "telehealth", where, None)
        if npi is None or ev is None:
            return None, None
        facts = AccessFacts(
            npi,
            ev,
            accepting,
            telehealth,
            tuple(languages),
            wait,
        )
        return facts, npi

    def _affiliations(self, rec, where):
        ind, org = self.npi(rec, "individual_npi", where), self.npi(rec, "organization_npi", where)
        ev = self.evidence_of(rec, where)
        role = self.text(rec, "role", where, required=False) or "member"
        if ind is None or org is None or ev is None:
            return None, None
        return Affiliation(ind, org, ev, role), (ind, org, ev.source)

    def _exclusion_lists(self, rec, where):
        name, ev = self.text(rec, "list", where), self.evidence_of(rec, where)
        as_of = self.day(rec, "as_of", where)
        if name is None or as_of is None or ev is None:
            return None, None
        return ExclusionListLoad(name, as_of, ev), name

    def _exclusions(self, rec, where):
        npi, ev = self.npi(rec, "npi", where), self.evidence_of(rec, where)
        name, kind = self.text(rec, "list", where), self.text(rec, "exclusion_type", where)
        excluded = self.day(rec, "excluded_on", where)
        reinstated = self.day(rec, "reinstated_on", where, required=False)
        if excluded and reinstated and reinstated < excluded:
            self.problem(f"{where}.reinstated_on", "is before excluded_on")
        if npi is None or name is None or kind is None or excluded is None or ev is None:
            return None, None
        return Exclusion(npi, name, kind, excluded, ev, reinstated), (npi, name, kind, excluded)

    def _network_members(self, rec, where):
        net, npi = self.text(rec, "network_id", where), self.npi(rec, "npi", where)
        ev = self.evidence_of(rec, where)
        added = self.day(rec, "added_on", where, required=False)
        if net is None or npi is None or ev is None:
            return None, None
        return NetworkMember(net, npi, ev, added), (net, npi)
