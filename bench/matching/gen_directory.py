"""Generate the matching benchmark's directory: a national-size embedded store
(deterministic, seed 20261206) written through the store port, then every
ranking profile computed by the matching service (``refresh_profiles``).

    python bench/matching/gen_directory.py --providers 1000000 --db bench/out/match_1m.db

The mix, per provider:

* 80 % individuals, 20 % organizations, each with real NUCC codes in
  behavioural-health proportions (social workers, counsellors, psychologists,
  psychiatrists, psychiatric NPs, MFTs, anesthesiology and pain medicine for
  ketamine; mental-health clinics, group practices, agencies, infusion and pain
  clinics, psychiatric hospitals);
* a primary location at a real ZIP centroid (``zipcodes``: active STANDARD ZIPs
  of the 50 states and DC), ZIPs drawn with weight sqrt(ZIPs in the same 0.25
  degree cell), a proxy for population density (dense cities have many small
  ZIPs); 15 % have a second location at another ZIP;
* treatments by kind of provider: medication management (most prescribers,
  40 % by telehealth), psychotherapy (most therapists, 55 % by telehealth),
  and the TRD treatments at realistic rarity: TMS (about 1.2 % of providers,
  a fifth of them accelerated too), esketamine at REMS sites (about 1.3 %), IV
  ketamine (about 0.8 %), ECT (about 0.3 %), in person only; half the offerings
  name their site;
* access facts for 65 % (accepting new patients 60 % yes, wait days with a
  long tail, unknown for a fifth; English, Spanish for 18 %, a few others);
  state licences for 55 % of individuals (4 % expired), ABPN certification for
  60 % of psychiatrists; 0.05 % on the LEIE, which is recorded as loaded;
* 6 payers, 12 networks (three national, nine regional), 12 plans of one or
  two networks; about 2.5 memberships per provider; 1 % deactivated.

The generator prints counts and timings; it takes about 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import zipcodes

from directory.model import (
    AccessFacts,
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    Payer,
    Plan,
    ProviderLocation,
    ProviderRecord,
    ProviderTaxonomy,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.reference import nucc_taxonomies
from directory.services.matching import refresh_profiles
from directory.store.sqlite import SQLiteStore

SEED = 20261206
BATCH = 25_000
NPPES = Evidence("nppes", date(2026, 11, 9), "bulk_file", 1.0, "npidata_pfile_20050523-20261109.csv")
STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
}  # fmt: skip

#: (code, weight, kind) of individuals; kind decides the treatments
INDIVIDUALS = (
    ("1041C0700X", 25, "therapist"),  # clinical social worker
    ("101YM0800X", 14, "therapist"),  # mental health counselor
    ("101YP2500X", 8, "therapist"),  # professional counselor
    ("103TC0700X", 9, "therapist"),  # clinical psychologist
    ("103T00000X", 6, "therapist"),  # psychologist
    ("106H00000X", 8, "therapist"),  # marriage & family therapist
    ("2084P0800X", 9, "psychiatrist"),
    ("2084P0804X", 2, "psychiatrist"),  # child & adolescent
    ("2084P0802X", 1, "psychiatrist"),  # addiction
    ("363LP0808X", 10, "pmhnp"),
    ("207L00000X", 3, "anesthesiology"),
    ("208VP0000X", 1, "pain"),
    ("101YA0400X", 3, "counsellor"),  # addiction counselor
    ("175T00000X", 1, "peer"),
)
ORGANIZATIONS = (
    ("261QM0801X", 38, "clinic"),
    ("193200000X", 25, "group"),
    ("251S00000X", 15, "agency"),
    ("261QM0850X", 8, "clinic"),
    ("261QI0500X", 5, "infusion"),
    ("261QP3300X", 5, "pain_clinic"),
    ("283Q00000X", 4, "hospital"),
)
#: kind -> treatment -> share offering it
TREATS: dict[str, dict[Treatment, float]] = {
    "therapist": {Treatment.PSYCHOTHERAPY: 0.9},
    "counsellor": {Treatment.PSYCHOTHERAPY: 0.7},
    "peer": {},
    "psychiatrist": {
        Treatment.MEDICATION_MANAGEMENT: 0.85,
        Treatment.PSYCHOTHERAPY: 0.2,
        Treatment.TMS_STANDARD: 0.05,
        Treatment.ESKETAMINE_REMS: 0.05,
        Treatment.IV_KETAMINE: 0.01,
        Treatment.ECT: 0.015,
    },
    "pmhnp": {Treatment.MEDICATION_MANAGEMENT: 0.85, Treatment.ESKETAMINE_REMS: 0.01, Treatment.TMS_STANDARD: 0.01},
    "anesthesiology": {Treatment.IV_KETAMINE: 0.08},
    "pain": {Treatment.IV_KETAMINE: 0.1},
    "clinic": {
        Treatment.MEDICATION_MANAGEMENT: 0.6,
        Treatment.PSYCHOTHERAPY: 0.7,
        Treatment.TMS_STANDARD: 0.06,
        Treatment.ESKETAMINE_REMS: 0.06,
        Treatment.IV_KETAMINE: 0.01,
    },
    "group": {Treatment.PSYCHOTHERAPY: 0.7, Treatment.MEDICATION_MANAGEMENT: 0.3, Treatment.TMS_STANDARD: 0.03},
    "agency": {Treatment.PSYCHOTHERAPY: 0.6, Treatment.MEDICATION_MANAGEMENT: 0.4},
    "infusion": {Treatment.IV_KETAMINE: 0.6, Treatment.ESKETAMINE_REMS: 0.3},
    "pain_clinic": {Treatment.IV_KETAMINE: 0.1},
    "hospital": {
        Treatment.MEDICATION_MANAGEMENT: 0.9,
        Treatment.ECT: 0.6,
        Treatment.TMS_STANDARD: 0.2,
        Treatment.ESKETAMINE_REMS: 0.25,
    },
}
TELEHEALTH_SHARE = {Treatment.MEDICATION_MANAGEMENT: 0.4, Treatment.PSYCHOTHERAPY: 0.55}
SOURCES = (  # evidence of treatment offerings: (source, method, confidence)
    ("rems_list", "bulk_file", 0.95),
    ("roster:northwind", "attestation", 0.8),
    ("roster:southwind", "attestation", 0.8),
    ("device_registry", "bulk_file", 0.9),
    ("claims:2026q3", "claims", 0.85),
)
LANGUAGES = (("es", 0.18), ("zh", 0.03), ("ru", 0.02), ("vi", 0.02), ("fr", 0.01))
REGIONS = {
    "northeast": {"ME", "NH", "VT", "MA", "RI", "CT", "NY", "NJ", "PA"},
    "southeast": {"DE", "MD", "DC", "VA", "WV", "NC", "SC", "GA", "FL", "AL", "TN", "KY", "MS"},
    "midwest": {"OH", "IN", "IL", "MI", "WI", "MN", "IA", "MO", "ND", "SD", "NE", "KS"},
    "south": {"TX", "OK", "AR", "LA"},
    "west": {"WA", "OR", "CA", "NV", "ID", "MT", "WY", "UT", "CO", "AZ", "NM", "AK", "HI"},
}
SYLLABLES = "an bel cor dan el fa gor han is jo ka lin mar nor ol pe qui ra sol ta ul vin wes xan yo zen".split()


def zips(rng: random.Random) -> tuple[list[dict], list[float]]:
    found = [
        z
        for z in zipcodes.list_all()
        if z["zip_code_type"] == "STANDARD" and z["active"] and z["lat"] and z["long"] and z["state"] in STATES
    ]
    cells = Counter((round(float(z["lat"]) * 4), round(float(z["long"]) * 4)) for z in found)
    weights = [math.sqrt(cells[(round(float(z["lat"]) * 4), round(float(z["long"]) * 4))]) for z in found]
    return found, list(itertools.accumulate(weights))


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def org_name(rng: random.Random, kind: str) -> str:
    what = {"infusion": "Infusion", "hospital": "Psychiatric Hospital"}.get(kind, "Behavioral Health")
    return f"{name(rng)} {name(rng)} {what} {rng.choice(('LLC', 'Inc', 'PC', 'Center'))}".upper()


def location(z: dict, rng: random.Random, n: int) -> Location:
    return Location(
        f"{rng.randint(1, 9999)} {name(rng)} St",
        z["city"],
        z["state"],
        z["zip_code"],
        f"Suite {n}",
        z.get("county"),
        float(z["lat"]),
        float(z["long"]),
    )


def evidence(rng: random.Random, today: date) -> Evidence:
    source, method, confidence = rng.choice(SOURCES)
    return Evidence(
        source, today - timedelta(days=rng.randint(5, 700)), method, confidence, f"{source}#{rng.randint(1, 10**6)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("bench/out/match_1m.db"))
    args = parser.parse_args()
    if args.db.exists():
        raise SystemExit(f"{args.db} exists: remove it first")
    rng = random.Random(SEED)
    today = datetime.now(UTC).date()
    started = time.monotonic()
    all_zips, cumulative = zips(rng)
    store = SQLiteStore(args.db)
    store.init_schema()
    store.upsert_taxonomies(list(nucc_taxonomies()))
    payers = [Payer(f"payer-{i}", f"Payer {name(rng)} Health") for i in range(6)]
    networks = [Network(f"national-{i}", f"National network {i}", NetworkKind.PAYER, payers[i].id) for i in range(3)]
    regional = list(REGIONS)
    networks += [
        Network(f"{regional[i % 5]}-{i}", f"{regional[i % 5].title()} network {i}", NetworkKind.PAYER, payers[i % 6].id)
        for i in range(9)
    ]
    share = {n.id: (0.45 if n.id.startswith("national") else 0.35) for n in networks}
    plans = [
        Plan(f"plan-{i}", networks[i].owner_id, f"Plan {i}", rng.choice(("PPO", "HMO", "MA-HMO")), (networks[i].id,))
        for i in range(12)
    ]
    plans = [
        p if i % 3 else Plan(p.id, p.payer_id, p.name, p.product_type, (p.network_ids[0], networks[(i + 4) % 12].id))
        for i, p in enumerate(plans)
    ]
    store.upsert_payers(payers)
    store.upsert_networks(networks)
    store.upsert_plans(plans)
    counts: Counter = Counter()
    excluded: list[Exclusion] = []
    for start in range(0, args.providers, BATCH):
        records, offers, access, credentials, members = [], [], [], [], []
        for i in range(start, min(start + BATCH, args.providers)):
            number = make_npi(f"1{i:08d}")
            organization = rng.random() < 0.2
            code, _, kind = rng.choices(
                ORGANIZATIONS if organization else INDIVIDUALS,
                [w for _, w, _ in (ORGANIZATIONS if organization else INDIVIDUALS)],
            )[0]
            home = rng.choices(all_zips, cum_weights=cumulative)[0]
            places = [location(home, rng, 1)]
            if rng.random() < 0.15:
                places.append(location(rng.choices(all_zips, cum_weights=cumulative)[0], rng, 2))
            state = home["state"]
            record = ProviderRecord(
                npi=number,
                entity_type=EntityType.ORGANIZATION if organization else EntityType.INDIVIDUAL,
                evidence=NPPES,
                organization_name=org_name(rng, kind) if organization else None,
                first_name=None if organization else name(rng),
                last_name=None if organization else name(rng),
                credential_text=None if organization else {"psychiatrist": "MD", "pmhnp": "PMHNP-BC"}.get(kind, "LCSW"),
                enumeration_date=date(2005, 5, 23) + timedelta(days=rng.randint(0, 7000)),
                last_update=date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)),
                deactivation_date=date(2026, 3, 1) if rng.random() < 0.01 else None,
                locations=[ProviderLocation(p, j == 0, NPPES) for j, p in enumerate(places)],
                taxonomies=[
                    ProviderTaxonomy(
                        code, True, None if organization else f"L{i}", None if organization else state, NPPES
                    )
                ],
            )
            records.append(record)
            counts["organizations" if organization else "individuals"] += 1
            for treatment, chance in TREATS[kind].items():
                if rng.random() >= chance:
                    continue
                counts[treatment.value] += 1
                site = places[0].key if rng.random() < 0.5 else None
                offers.append(TreatmentOffering(number, treatment, evidence(rng, today), site, False, None))
                if rng.random() < TELEHEALTH_SHARE.get(treatment, 0.0):
                    offers.append(TreatmentOffering(number, treatment, evidence(rng, today), None, True, None))
                if treatment is Treatment.TMS_STANDARD and rng.random() < 0.2:
                    counts[Treatment.TMS_ACCELERATED.value] += 1
                    offers.append(TreatmentOffering(number, Treatment.TMS_ACCELERATED, evidence(rng, today), site))
            if rng.random() < 0.65:
                languages = ("en",) + tuple(lang for lang, p in LANGUAGES if rng.random() < p)
                wait = None if rng.random() < 0.2 else min(180, int(rng.expovariate(1 / 18)))
                accepting = None if rng.random() < 0.1 else rng.random() < 0.6
                access.append(
                    AccessFacts(number, evidence(rng, today), accepting, rng.random() < 0.45, languages, wait)
                )
            if not organization and rng.random() < 0.55:
                expired = rng.random() < 0.04
                credentials.append(
                    (
                        number,
                        Credential(
                            CredentialKind.STATE_LICENSE,
                            evidence(rng, today),
                            number=f"L{i}",
                            state=state,
                            status="expired" if expired else "active",
                            expires=today + timedelta(days=-30 if expired else rng.randint(30, 900)),
                        ),
                    )
                )
            if kind == "psychiatrist" and rng.random() < 0.6:
                credentials.append(
                    (
                        number,
                        Credential(
                            CredentialKind.BOARD_CERTIFICATION,
                            evidence(rng, today),
                            board="ABPN",
                            specialty="Psychiatry",
                            certified_on=date(1995, 1, 1) + timedelta(days=rng.randint(0, 10000)),
                        ),
                    )
                )
            if rng.random() < 0.0005:
                excluded.append(Exclusion(number, "LEIE", "1128b4", date(2025, 6, 1), evidence(rng, today)))
            for n in networks:
                region = REGIONS.get(n.id.split("-")[0])
                if (region is None or state in region) and rng.random() < share[n.id]:
                    members.append(NetworkMember(n.id, number, evidence(rng, today), date(2026, 1, 1)))
        store.upsert_providers(records)
        store.upsert_treatments(offers)
        store.upsert_access(access)
        store.upsert_credentials(credentials)
        store.add_network_members(members)
        counts["offerings"] += len(offers)
        counts["memberships"] += len(members)
        print(f"{start + len(records):>9,} providers  {time.monotonic() - started:7.1f} s", flush=True)
    store.upsert_exclusions(excluded)
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2026, 11, 1), NPPES)])
    written = time.monotonic() - started
    report = refresh_profiles(store, today)
    profiled = time.monotonic() - started - written
    print(dict(sorted(counts.items())))
    print(f"written in {written:.1f} s; {report.computed:,} ranking profiles in {profiled:.1f} s ({today})")
    print(store.counts())
    store.close()


if __name__ == "__main__":
    main()
