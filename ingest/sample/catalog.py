"""Builds the sample's catalog: the facts NPPES does not hold (treatments,
access, credentials, affiliations, exclusions, payers, plans, networks and
their members), each pointing at the evidence it came from.

The output is a plain dict in the format :mod:`ingest.catalog` loads.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from directory.model import Treatment

from .data import ACCELERATED_PROTOCOLS, ECT_DEVICES, LANGUAGES, METROS, TMS_DEVICES
from .population import FILE_DATE, SampleProvider

#: Named evidence every record refers to by id: (source, retrieved, method, confidence, reference).
EVIDENCE: dict[str, tuple[str, str, str, float, str]] = {
    "rems-2026-10": (
        "rems_list",
        "2026-10-15",
        "registry_list",
        0.95,
        "Spravato REMS certified healthcare settings, October 2026",
    ),
    "attestation-2026-09": ("attestation", "2026-09-22", "attestation", 0.7, "provider attestation form"),
    "attestation-2025-11": ("attestation", "2025-11-04", "attestation", 0.7, "provider attestation form"),
    "claims-northwind-2026q3": (
        "claims:northwind",
        "2026-10-05",
        "claims",
        0.9,
        "Northwind paid claims 2026-Q3, CPT 90867/90868, 90870, G2082/G2083",
    ),
    "roster-northwind-2026-10": ("roster:northwind", "2026-10-01", "roster", 0.85, "northwind_roster_2026-10.csv"),
    "roster-fabrikam-2026-09": ("roster:fabrikam", "2026-09-12", "roster", 0.85, "fabrikam_roster_2026-09.xlsx"),
    "roster-ravenmoor-2026-08": ("roster:ravenmoor", "2026-08-03", "roster", 0.8, "ravenmoor_roster_2026-08.csv"),
    "survey-2026-10": ("secret_shopper", "2026-10-12", "phone_survey", 0.8, "access survey, October 2026"),
    "abpn-2026-10": ("abpn", "2026-10-20", "certification_lookup", 0.98, "ABPN verify certification"),
    "aba-2026-10": ("aba", "2026-10-20", "certification_lookup", 0.98, "ABA certification lookup"),
    "abpp-2026-10": ("abpp", "2026-10-20", "certification_lookup", 0.95, "ABPP directory"),
    "leie-2026-10": ("oig_leie", "2026-10-08", "bulk_file", 0.99, "UPDATED.csv, October 2026"),
    "vetting-acme-2026-10": (
        "vetting:acme-robotics",
        "2026-10-28",
        "manual_review",
        0.9,
        "Acme Robotics TRD network review, October 2026",
    ),
}
for _metro in METROS:
    EVIDENCE[f"board-{_metro.state}-2026-10"] = (
        f"state_board:{_metro.state}",
        "2026-10-18",
        "license_lookup",
        0.95,
        f"{_metro.state} licence verification",
    )
    EVIDENCE[f"board-{_metro.neighbour_state}-2026-10"] = (
        f"state_board:{_metro.neighbour_state}",
        "2026-10-18",
        "license_lookup",
        0.95,
        f"{_metro.neighbour_state} licence verification",
    )

PAYERS = (
    ("northwind", "Northwind Health"),
    ("fabrikam", "Fabrikam Mutual Insurance"),
    ("ravenmoor", "Ravenmoor Health Plan"),
)
# (id, name, the payers' plans it offers its employees)
EMPLOYERS = (("acme-robotics", "Acme Robotics", ("northwind-choice-ppo", "fabrikam-open-ppo")),)
# (id, name, kind, owner, metros it covers, share of eligible providers, roster evidence)
NETWORKS = (
    (
        "northwind-choice",
        "Northwind Choice Network",
        "payer",
        "northwind",
        "nyc bos chi den sfb",
        0.65,
        "roster-northwind-2026-10",
    ),
    (
        "northwind-ma",
        "Northwind Medicare Advantage Network",
        "payer",
        "northwind",
        "nyc bos chi den sfb",
        0.4,
        "roster-northwind-2026-10",
    ),
    (
        "fabrikam-open",
        "Fabrikam Open Access Network",
        "payer",
        "fabrikam",
        "nyc bos chi",
        0.6,
        "roster-fabrikam-2026-09",
    ),
    (
        "fabrikam-ma",
        "Fabrikam Medicare Advantage Network",
        "payer",
        "fabrikam",
        "nyc bos chi",
        0.35,
        "roster-fabrikam-2026-09",
    ),
    (
        "ravenmoor-community",
        "Ravenmoor Community Network",
        "payer",
        "ravenmoor",
        "nyc den sfb",
        0.5,
        "roster-ravenmoor-2026-08",
    ),
)
EMPLOYER_NETWORK = ("acme-trd", "Acme Robotics Vetted TRD Network", "employer", "acme-robotics")
PLANS = (
    ("northwind-choice-ppo", "northwind", "Northwind Choice PPO", "PPO", ("northwind-choice",)),
    ("northwind-medicare-hmo", "northwind", "Northwind Medicare Advantage HMO", "MA-HMO", ("northwind-ma",)),
    ("fabrikam-open-ppo", "fabrikam", "Fabrikam Open Access PPO", "PPO", ("fabrikam-open",)),
    ("fabrikam-medicare-ppo", "fabrikam", "Fabrikam Medicare Advantage PPO", "MA-PPO", ("fabrikam-ma",)),
    ("ravenmoor-medicaid", "ravenmoor", "Ravenmoor Medicaid Managed Care", "Medicaid", ("ravenmoor-community",)),
    (
        "ravenmoor-marketplace-hmo",
        "ravenmoor",
        "Ravenmoor Marketplace HMO",
        "Marketplace-HMO",
        ("ravenmoor-community",),
    ),
)

TRD_TREATMENTS = {
    Treatment.TMS_STANDARD,
    Treatment.TMS_ACCELERATED,
    Treatment.ESKETAMINE_REMS,
    Treatment.IV_KETAMINE,
    Treatment.ECT,
}
THERAPISTS = {"psychologist", "clinical_psychologist", "social_worker", "counselor", "addiction_counselor", "mft"}
PRESCRIBERS = {"pmhnp", "psych_cns"}
OUT_OF_SCOPE = {"family_physician"}
BOARDS = {
    "psychiatrist": [("ABPN", "Psychiatry")],
    "child_psychiatrist": [("ABPN", "Psychiatry"), ("ABPN", "Child and Adolescent Psychiatry")],
    "addiction_psychiatrist": [("ABPN", "Psychiatry"), ("ABPN", "Addiction Psychiatry")],
    "geriatric_psychiatrist": [("ABPN", "Psychiatry"), ("ABPN", "Geriatric Psychiatry")],
    "psychosomatic_psychiatrist": [("ABPN", "Psychiatry"), ("ABPN", "Consultation-Liaison Psychiatry")],
    "anesthesiologist": [("ABA", "Anesthesiology")],
    "pain_physician": [("ABA", "Anesthesiology"), ("ABA", "Pain Medicine")],
}
_BOARD_EVIDENCE = {"ABPN": "abpn-2026-10", "ABA": "aba-2026-10", "ABPP": "abpp-2026-10"}


class CatalogBuilder:
    def __init__(self, population: list[SampleProvider], seed: int):
        self.rng = random.Random(f"{seed}:catalog")
        self.people = population
        self.by_npi = {p.npi: p for p in population}
        self.treatments: list[dict] = []
        self.offered: dict[str, set[Treatment]] = {}
        self.rems_ids: dict[str, str] = {}
        self.bad_licence: set[str] = set()
        self.excluded: set[str] = set()
        self.telehealth: set[str] = set()

    def offer(
        self,
        p: SampleProvider,
        treatment: Treatment,
        evidence: str,
        detail: str | None,
        telehealth: bool = False,
        location_key: str | None = None,
    ) -> None:
        record: dict = {"npi": p.npi, "treatment": treatment.value}
        if not telehealth:
            record["location_key"] = location_key or p.address.location_key
        record["telehealth"] = telehealth
        if detail:
            record["detail"] = detail
        record["evidence"] = evidence
        self.treatments.append(record)
        self.offered.setdefault(p.npi, set()).add(treatment)
        if telehealth:
            self.telehealth.add(p.npi)

    def attestation(self, p: SampleProvider) -> str:
        return "attestation-2025-11" if p.deactivated or self.rng.random() < 0.25 else "attestation-2026-09"

    # ------------------------------------------------------------ treatments
    def organization_treatments(self, org: SampleProvider) -> None:
        rng, kind = self.rng, org.kind
        att = self.attestation(org)
        if kind in ("hospital", "hospital_subpart"):
            self.offer(
                org,
                Treatment.ECT,
                att,
                f"{'inpatient and outpatient' if kind == 'hospital' else 'outpatient'} ECT; {rng.choice(ECT_DEVICES)}",
            )
        if kind in ("hospital_subpart", "tms_clinic") or (kind == "hospital" and rng.random() < 0.4):
            self.offer(org, Treatment.TMS_STANDARD, att, f"device: {rng.choice(TMS_DEVICES)}; CPT 90867-90869")
            if rng.random() < 0.5:
                self.offer(
                    org,
                    Treatment.TMS_STANDARD,
                    "claims-northwind-2026q3",
                    f"CPT 90868 billed {rng.randrange(40, 900)} times in 2026-Q3",
                )
        if kind == "hospital_subpart" or (kind == "tms_clinic" and rng.random() < 0.45):
            self.offer(org, Treatment.TMS_ACCELERATED, att, rng.choice(ACCELERATED_PROTOCOLS))
        first_infusion = kind == "infusion_center" and not any(
            o.kind == "infusion_center" and o.metro == org.metro and o.npi in self.rems_ids for o in self.people
        )
        if (
            kind in ("hospital", "hospital_subpart")
            or first_infusion
            or (kind in ("tms_clinic", "mh_clinic") and rng.random() < 0.55)
        ):
            site = f"RS-{org.address.state}-{rng.randrange(100000, 999999)}"
            self.rems_ids[org.npi] = site
            self.offer(
                org,
                Treatment.ESKETAMINE_REMS,
                "rems-2026-10",
                f"Spravato REMS certified healthcare setting, site id {site}; 2-hour monitoring on site",
            )
        if kind in ("infusion_center", "pain_clinic"):
            self.offer(
                org,
                Treatment.IV_KETAMINE,
                att,
                f"0.5 mg/kg over 40 minutes, series of "
                f"{rng.choice((6, 6, 8))} infusions; vital-sign monitoring; PHQ-9 each visit",
            )
        if kind in ("hospital", "mh_clinic", "child_clinic", "group_practice", "tms_clinic"):
            self.offer(org, Treatment.MEDICATION_MANAGEMENT, self.roster_or_attestation(org), None)
        if kind in ("hospital", "mh_clinic", "child_clinic", "group_practice", "agency"):
            evidence = self.roster_or_attestation(org)
            self.offer(org, Treatment.PSYCHOTHERAPY, evidence, "CBT, IPT, behavioural activation")
            if rng.random() < 0.6:
                self.offer(org, Treatment.PSYCHOTHERAPY, evidence, "video visits", telehealth=True)

    def roster_or_attestation(self, p: SampleProvider) -> str:
        return "roster-northwind-2026-10" if self.rng.random() < 0.4 else self.attestation(p)

    def clinician_treatments(self, p: SampleProvider) -> None:
        rng = self.rng
        org = self.by_npi.get(p.org_npi or "")
        at_org = org is not None and "at_org_address" in p.tags
        org_offers = self.offered.get(org.npi, set()) if org else set()
        rems_site = self.rems_ids.get(org.npi) if org else None
        if p.kind.endswith("psychiatrist"):
            self.offer(p, Treatment.MEDICATION_MANAGEMENT, self.roster_or_attestation(p), None)
            if rng.random() < 0.4:
                self.offer(p, Treatment.MEDICATION_MANAGEMENT, self.attestation(p), "video visits", telehealth=True)
            if at_org and org_offers & {Treatment.TMS_STANDARD, Treatment.TMS_ACCELERATED}:
                self.offer(
                    p,
                    Treatment.TMS_STANDARD,
                    self.attestation(p),
                    "prescribes and supervises TMS; motor threshold (CPT 90867)",
                )
            if at_org and Treatment.ESKETAMINE_REMS in org_offers:
                self.offer(p, Treatment.ESKETAMINE_REMS, "rems-2026-10", f"prescriber at REMS site {rems_site}")
            if at_org and Treatment.IV_KETAMINE in org_offers:
                self.offer(p, Treatment.IV_KETAMINE, self.attestation(p), "psychiatric evaluation and follow-up")
        elif p.kind in PRESCRIBERS:
            telehealth_only = rng.random() < 0.3
            if not telehealth_only:
                self.offer(p, Treatment.MEDICATION_MANAGEMENT, self.roster_or_attestation(p), None)
            if telehealth_only or rng.random() < 0.5:
                self.offer(p, Treatment.MEDICATION_MANAGEMENT, self.attestation(p), "video visits", telehealth=True)
            if at_org and Treatment.ESKETAMINE_REMS in org_offers and rng.random() < 0.5:
                self.offer(p, Treatment.ESKETAMINE_REMS, "rems-2026-10", f"prescriber at REMS site {rems_site}")
        elif p.kind in THERAPISTS:
            self.offer(
                p,
                Treatment.PSYCHOTHERAPY,
                self.roster_or_attestation(p),
                rng.choice(("CBT", "CBT, ACT", "IPT", "DBT", "psychodynamic", "EMDR, CBT", "family therapy")),
            )
            if rng.random() < 0.5:
                self.offer(p, Treatment.PSYCHOTHERAPY, self.attestation(p), "video visits", telehealth=True)
        elif p.kind in ("anesthesiologist", "pain_physician", "emergency_physician") and at_org:
            if Treatment.IV_KETAMINE in org_offers:
                self.offer(p, Treatment.IV_KETAMINE, self.attestation(p), "administers and monitors infusions")
            elif Treatment.ECT in org_offers:
                self.offer(p, Treatment.ECT, self.attestation(p), "anesthesia for ECT")

    # ------------------------------------------------------ other facts
    def access(self, p: SampleProvider) -> dict | None:
        rng = self.rng
        if p.entity_type == 1 and rng.random() < 0.15:
            return None
        roll = rng.random()
        accepting = True if roll < 0.62 else False if roll < 0.88 else None
        if p.deactivated and not p.reactivated:
            accepting = None
        tele = p.npi in self.telehealth or rng.random() < 0.2
        languages = ["en"] + sorted(set(rng.sample(LANGUAGES[1:], rng.choice((0, 0, 0, 1, 1, 2)))))
        if p.metro in ("nyc", "chi", "den", "sfb") and rng.random() < 0.25 and "es" not in languages:
            languages.append("es")
        record = {
            "npi": p.npi,
            "accepting_new_patients": accepting,
            "telehealth": tele,
            "languages": languages,
            "wait_days": None if rng.random() < 0.1 else rng.choice((2, 3, 5, 7, 10, 12, 14, 21, 30, 45, 60)),
            "evidence": rng.choice(("survey-2026-10", "roster-northwind-2026-10", "attestation-2026-09")),
        }
        return record

    def credentials(self, p: SampleProvider, flaws: dict[str, str]) -> list[dict]:
        rng = self.rng
        out = []
        for state, number in p.licences:
            status, expires = "active", FILE_DATE + timedelta(days=rng.randrange(60, 1000))
            flaw = flaws.get(p.npi) if state == p.address.state else None
            if flaw == "expired":
                status, expires = "expired", FILE_DATE - timedelta(days=rng.randrange(20, 400))
            elif flaw in ("restricted", "revoked"):
                status = flaw
            out.append(
                {
                    "npi": p.npi,
                    "kind": "state_license",
                    "number": number,
                    "state": state,
                    "status": status,
                    "expires": expires.isoformat(),
                    "evidence": f"board-{state}-2026-10",
                }
            )
        boards = list(BOARDS.get(p.kind, ()))
        if p.kind in ("psychologist", "clinical_psychologist") and rng.random() < 0.2:
            boards = [("ABPP", "Clinical Psychology")]
        if boards and rng.random() < 0.87:
            certified = p.enumerated + timedelta(days=rng.randrange(400, 1800))
            for board, specialty in boards:
                certified = min(certified, FILE_DATE - timedelta(days=30))
                out.append(
                    {
                        "npi": p.npi,
                        "kind": "board_certification",
                        "board": board,
                        "specialty": specialty,
                        "certified_on": certified.isoformat(),
                        "evidence": _BOARD_EVIDENCE[board],
                    }
                )
                certified += timedelta(days=rng.randrange(300, 1500))
        return out


def build_catalog(population: list[SampleProvider], seed: int) -> dict:
    """The catalog of the sample as a JSON-ready dict (sections in load order)."""
    b = CatalogBuilder(population, seed)
    rng = b.rng
    orgs = [p for p in population if p.entity_type == 2]
    people = [p for p in population if p.entity_type == 1]
    for org in orgs:
        b.organization_treatments(org)
    for person in people:
        b.clinician_treatments(person)

    # licence problems and exclusions at fixed picks, so vetting has failures to find
    licensed = [p for p in people if p.licences and p.kind != "family_physician" and not p.deactivated]
    flaws = {
        licensed[5].npi: "expired",
        licensed[211].npi: "expired",
        licensed[480].npi: "expired",
        licensed[97].npi: "restricted",
        licensed[333].npi: "revoked",
    }
    b.bad_licence = set(flaws)
    exclusions = [
        {
            "npi": licensed[333].npi,
            "list": "LEIE",
            "exclusion_type": "1128b4",
            "excluded_on": "2025-03-20",
            "evidence": "leie-2026-10",
        },
        {
            "npi": licensed[150].npi,
            "list": "LEIE",
            "exclusion_type": "1128b1",
            "excluded_on": "2021-07-15",
            "reinstated_on": "2024-09-01",
            "evidence": "leie-2026-10",
        },
    ]
    b.excluded = {licensed[333].npi}

    # out-of-scope providers (a default-scope load filters them) get no catalog facts
    in_scope = [p for p in population if p.kind not in OUT_OF_SCOPE]
    credentials = [c for p in in_scope if p.entity_type == 1 for c in b.credentials(p, flaws)]
    access = [a for p in in_scope if (a := b.access(p)) is not None]
    roles = {
        "hospital": "attending",
        "hospital_subpart": "attending",
        "infusion_center": "infusion physician",
        "pain_clinic": "infusion physician",
    }
    affiliations = []
    for p in people:
        if p.org_npi:
            org = b.by_npi[p.org_npi]
            affiliations.append(
                {
                    "individual_npi": p.npi,
                    "organization_npi": org.npi,
                    "role": roles.get(org.kind, "member"),
                    "evidence": b.roster_or_attestation(p),
                }
            )

    members = []
    for net_id, _name, _kind, _owner, metros, share, evidence in NETWORKS:
        for p in population:
            if p.metro not in metros.split() or p.kind == "peer_specialist" or p.kind in OUT_OF_SCOPE:
                continue
            always = p.kind == "hospital" and net_id.startswith("northwind")
            if always or rng.random() < share:
                members.append(_member(net_id, p, evidence, rng))
    phantom = next(p for p in people if p.deactivation_reason == "DT")  # still listed after death: a stale roster
    if not any(m["npi"] == phantom.npi and m["network_id"] == "northwind-choice" for m in members):
        members.append(_member("northwind-choice", phantom, "roster-northwind-2026-10", rng))
    vetted = [
        p
        for p in population
        if b.offered.get(p.npi, set()) & TRD_TREATMENTS
        and not p.deactivated
        and p.npi not in b.bad_licence
        and p.npi not in b.excluded
    ]
    members += [_member(EMPLOYER_NETWORK[0], p, "vetting-acme-2026-10", rng) for p in vetted if rng.random() < 0.7]

    named_evidence = {
        key: {"source": s, "retrieved": d, "method": m, "confidence": c, "reference": r}
        for key, (s, d, m, c, r) in sorted(EVIDENCE.items())
    }
    return {
        "format": "provnet-catalog",
        "version": 1,
        "evidence": named_evidence,
        "payers": [{"id": i, "name": n} for i, n in PAYERS],
        "employers": [{"id": i, "name": n, "plan_ids": list(plans)} for i, n, plans in EMPLOYERS],
        "networks": [{"id": i, "name": n, "kind": k, "owner_id": o} for i, n, k, o, *_ in NETWORKS]
        + [dict(zip(("id", "name", "kind", "owner_id"), EMPLOYER_NETWORK))],
        "plans": [
            {"id": i, "payer_id": pay, "name": n, "product_type": t, "network_ids": list(nets)}
            for i, pay, n, t, nets in PLANS
        ],
        "credentials": credentials,
        "treatments": b.treatments,
        "access": access,
        "affiliations": affiliations,
        # the whole list was checked, not only the two names it holds
        "exclusion_lists": [{"list": "LEIE", "as_of": "2026-10-01", "evidence": "leie-2026-10"}],
        "exclusions": exclusions,
        "network_members": members,
    }


def _member(network_id: str, p: SampleProvider, evidence: str, rng: random.Random) -> dict:
    earliest = max(p.enumerated, date(2018, 1, 1))
    added = earliest + timedelta(days=rng.randrange(max(1, (date(2026, 9, 30) - earliest).days)))
    return {"network_id": network_id, "npi": p.npi, "added_on": added.isoformat(), "evidence": evidence}
