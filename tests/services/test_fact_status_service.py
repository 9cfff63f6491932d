"""The freshness and agreement of a provider's facts through the service, on
the embedded store on disk: several sources of one fact kind read back apart
and judged (access facts, phones), the REMS list's load date read from the
store, and network memberships shown only for the networks the caller says."""

from __future__ import annotations

from datetime import date, timedelta

from directory.model import (
    AccessFacts,
    EntityType,
    Evidence,
    Location,
    Network,
    NetworkKind,
    NetworkMember,
    ProviderLocation,
    ProviderRecord,
    Treatment,
    TreatmentOffering,
)
from directory.npi import make_npi
from directory.services import fact_status
from scoring import Agreement, FactKind

TODAY = date(2026, 12, 1)
A, B = make_npi("100000051"), make_npi("100000052")
MAIN = Location("1 MAIN ST", "NEW YORK", "NY", "10029", phone="2125550100")


def ev(source, days_old, confidence=0.9):
    return Evidence(source, TODAY - timedelta(days=days_old), "test", confidence, None)


def person(npi):
    nppes = ev("nppes", 20, 1.0)
    placed = [ProviderLocation(MAIN, True, nppes)]
    return ProviderRecord(npi=npi, entity_type=EntityType.INDIVIDUAL, evidence=nppes, last_name="X", locations=placed)


def test_a_provider_s_facts_from_several_sources_are_judged_from_the_store(sqlite_store):
    store = sqlite_store
    store.upsert_providers([person(A), person(B)])
    moved = Location(MAIN.line1, MAIN.city, MAIN.state, MAIN.zip5, phone="2125550999")
    store.replace_secondary_locations({A: [ProviderLocation(moved, True, ev("roster:acme", 5, 0.8))]}, "roster:acme")
    store.upsert_access(
        [
            AccessFacts(A, ev("roster:acme", 5, 0.85), accepting_new_patients=True),
            AccessFacts(A, ev("secret_shopper", 2, 0.8), accepting_new_patients=False),
            AccessFacts(B, ev("roster:acme", 200, 0.85), accepting_new_patients=True),
        ]
    )
    store.upsert_treatments(
        [
            TreatmentOffering(A, Treatment.ESKETAMINE_REMS, ev("attestation", 30, 0.7)),
            TreatmentOffering(B, Treatment.ESKETAMINE_REMS, ev("rems_list", 15, 0.95)),
        ]
    )
    store.upsert_networks(
        [
            Network("acme-trd", "Acme", NetworkKind.EMPLOYER, "acme"),
            Network("northwind-ma", "NW", NetworkKind.PAYER, "northwind"),
        ]
    )
    store.add_network_members([NetworkMember(net, A, ev("roster:x", 10)) for net in ("acme-trd", "northwind-ma")])

    found = fact_status.fact_statuses_of(
        store, [A, B, make_npi("100000069")], TODAY, networks=lambda n: n.id != "acme-trd"
    )
    assert sorted(found) == [A, B]

    def of(npi, kind):
        return [f for f in found[npi] if f.kind is kind]

    [accepting] = of(A, FactKind.ACCEPTING_NEW_PATIENTS)
    assert accepting.agreement is Agreement.CONTRADICTS and {s.source for s in accepting.sources} == {
        "roster:acme",
        "secret_shopper",
    }
    [phone] = of(A, FactKind.PHONE)
    assert phone.agreement is Agreement.CONTRADICTS
    [address] = of(A, FactKind.ADDRESS)
    assert address.agreement is Agreement.AGREES and address.verified
    # the REMS list was loaded (B's listing dates it) and does not name A
    [treatment] = of(A, FactKind.TREATMENT)
    assert treatment.agreement is Agreement.CONTRADICTS
    assert any(s.source == "rems_list" and s.value.startswith("not on rems_list as of") for s in treatment.sources)
    [listed] = of(B, FactKind.TREATMENT)
    assert listed.agreement is Agreement.SINGLE_SOURCE and listed.verified
    [stale] = of(B, FactKind.ACCEPTING_NEW_PATIENTS)
    assert stale.stale and not stale.verified
    # memberships: only the networks the caller admitted
    assert [f.fact for f in of(A, FactKind.NETWORK_MEMBERSHIP)] == ["network northwind-ma"]
    assert fact_status.treatment_lists(store)[0].loaded_on == TODAY - timedelta(days=15)
