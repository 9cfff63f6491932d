"""What a linked source record says about its provider, as facts (the rules of
ingest.record_facts): each kind's facts, the evidence they carry, one fact from
several records, and a record's address joining the provider's own."""

from __future__ import annotations

from datetime import date

from directory.model import CredentialKind, Evidence, Location, Treatment
from directory.source_records import LinkStatus, ResolutionLink, SourceRecord
from directory.store.hashing import record_hash
from ingest.record_facts import Linked, provider_facts, tms_treatments

NPI = "1234567893"
AS_OF = date(2026, 2, 28)
NPPES_PLACE = Location("255 PEACHTREE HWY", "ATLANTA", "GA", "30303", "STE 8C", "Fulton", 33.75, -84.39, "4045550100")


def rec(kind: str, record_id: str, source="acme", **fields) -> SourceRecord:
    ev = Evidence(source, AS_OF, "roster" if kind == "roster" else "list", 0.9, f"{source}.csv")
    return SourceRecord(source, record_id, kind, fields, ev, record_hash(kind, fields), 2, "run")


def linked(record: SourceRecord, p: float = 1.0, method: str = "model") -> Linked:
    return Linked(record, ResolutionLink(record.ref, NPI, NPI, LinkStatus.LINKED, p, method, "2026-03-01T00:00:00Z"))


def test_tms_protocols_make_standard_accelerated_or_both():
    assert tms_treatments("") == [Treatment.TMS_STANDARD]
    assert tms_treatments("Standard") == [Treatment.TMS_STANDARD]
    assert tms_treatments("iTBS") == [Treatment.TMS_ACCELERATED]
    assert tms_treatments("SAINT") == [Treatment.TMS_ACCELERATED]
    assert tms_treatments("accelerated theta burst") == [Treatment.TMS_ACCELERATED]
    assert tms_treatments("Standard; iTBS") == [Treatment.TMS_STANDARD, Treatment.TMS_ACCELERATED]
    assert tms_treatments("Standard; Deep TMS") == [Treatment.TMS_STANDARD]


def test_a_roster_gives_membership_access_location_and_licence_with_the_records_evidence():
    row = rec(
        "roster",
        "R1",
        network_id="acme-ppo",
        effective_date="2024-07-01",
        accepting_new_patients="true",
        telehealth="false",
        address_line_1="255 Peachtree Hwy",
        address_line_2="Ste. 8C",
        city="Atlanta",
        state="GA",
        zip="30303",
        phone="4045559999",
        license_number="GA-12345",
        license_state="GA",
    )
    facts, skipped = provider_facts(NPI, [linked(row, 0.97)], [NPPES_PLACE], {"acme-ppo"})
    assert skipped == {}
    (member,) = facts.memberships
    assert member.network_id == "acme-ppo" and member.added_on == date(2024, 7, 1)
    ev = member.evidence
    assert (ev.source, ev.retrieved, ev.method, ev.reference, ev.file) == (
        "acme",
        AS_OF,
        "roster",
        "acme:R1",
        "acme.csv",
    )
    assert ev.link_probability == 0.97 and ev.confidence == round(0.9 * 0.97, 4)
    (access,) = facts.access
    assert access.accepting_new_patients is True and access.telehealth is False
    # the same street address as NPPES's ("Ste. 8C" is "STE 8C"): NPPES's location, with the roster's phone
    (place,) = facts.locations
    assert place.location.key == NPPES_PLACE.key and place.location.phone == "4045559999" and place.primary
    (licence,) = facts.credentials
    assert (licence.kind, licence.number, licence.state, licence.status) == (
        CredentialKind.STATE_LICENSE,
        "GA-12345",
        "GA",
        None,
    )


def test_a_roster_listing_a_provider_twice_gives_one_fact_each_from_the_surest_record():
    a = rec("roster", "R1", network_id="ppo", accepting_new_patients="false", address_line_1="1 Elm St", zip="02139")
    b = rec("roster", "R2", network_id="ppo", accepting_new_patients="true", address_line_1="9 Oak St", zip="02139")
    c = rec("roster", "R3", network_id="gone", end_date="2025-12-31", telehealth="true")
    d = rec("roster", "R4", network_id="unknown-net")
    facts, skipped = provider_facts(NPI, [linked(a, 0.96), linked(b, 0.99), linked(c), linked(d)], [], {"ppo", "gone"})
    (member,) = facts.memberships
    assert member.evidence.reference == "acme:R2"  # the surer of the two rows in ppo speaks for it
    assert facts.access[0].accepting_new_patients is True and facts.access[0].telehealth is True
    assert len(facts.locations) == 2 and all(pl.location.latitude for pl in facts.locations)  # geocoded by ZIP
    assert skipped == {"membership ended": 1, "no payer network: unknown-net": 1}


def test_a_licence_row_gives_the_state_licence_with_status_and_expiry():
    row = rec("licences", "L1", license_number="0012345", state="MA", status="active", expiration_date="2027-06-30")
    facts, _ = provider_facts(NPI, [linked(row, 1.0, "registry")], [], set())
    (c,) = facts.credentials
    assert (c.number, c.state, c.status, c.expires) == ("0012345", "MA", "active", date(2027, 6, 30))
    assert c.evidence.link_probability is None and c.evidence.confidence == 0.9  # a sure link: the source's own


def test_site_lists_give_their_treatment_at_the_sites_location():
    tms = rec(
        "tms",
        "T1",
        site_name="Bright TMS",
        address_line_1="1 Elm St",
        zip="02139",
        city="Cambridge",
        state="MA",
        phone="6175550000",
        device="NeuroStar",
        protocols="Standard; SAINT",
    )
    rems = rec(
        "esketamine_rems",
        "RS9",
        source="rems",
        site_name="X",
        setting_type="Outpatient",
        certification_date="2024-07-18",
    )
    iv = rec(
        "iv_ketamine",
        "K1",
        source="iv",
        site_name="Y",
        medical_director="Dr A Smith",
        protocol_attested_on="2025-01-02",
    )
    facts, _ = provider_facts(NPI, [linked(tms)], [], set())
    (place,) = facts.locations
    assert not place.primary and place.location.phone == "6175550000"
    assert [(t.treatment, t.location_key, t.detail) for t in facts.treatments] == [
        (Treatment.TMS_ACCELERATED, place.location.key, "device: NeuroStar; protocols: Standard; SAINT"),
        (Treatment.TMS_STANDARD, place.location.key, "device: NeuroStar; protocols: Standard; SAINT"),
    ]
    (offer,) = provider_facts(NPI, [linked(rems)], [], set())[0].treatments
    assert offer.treatment is Treatment.ESKETAMINE_REMS and offer.location_key is None
    assert offer.detail == "REMS-certified healthcare setting RS9; setting: Outpatient; certified 2024-07-18"
    (offer,) = provider_facts(NPI, [linked(iv)], [], set())[0].treatments
    assert offer.detail == "medical director: Dr A Smith; protocol attested 2025-01-02"
