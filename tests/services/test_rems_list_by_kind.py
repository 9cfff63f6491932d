"""The esketamine REMS list is authoritative for esketamine whatever name it
is loaded under: a site list of kind esketamine_rems counts as the list as of
its newest file, its offerings and the catalog's `rems_list` ones both name a
provider, and a provider claiming esketamine that neither names is contradicted."""

from __future__ import annotations

from datetime import date, timedelta

from directory.model import EntityType, Evidence, ProviderRecord, Treatment, TreatmentOffering
from directory.npi import make_npi
from directory.services import fact_status
from directory.source_records import SourceRecord
from directory.store.hashing import record_hash
from scoring import Agreement, FactKind

TODAY = date(2026, 12, 1)
A, B, C = make_npi("100000061"), make_npi("100000062"), make_npi("100000063")
LIST_FILE = Evidence("spravato-2026-11", date(2026, 11, 20), "site_list", 0.95, "rems_settings.tsv")


def ev(source, days_old, confidence=0.9, reference=None):
    return Evidence(source, TODAY - timedelta(days=days_old), "test", confidence, reference)


def test_a_site_list_of_kind_esketamine_rems_is_the_rems_list_whatever_its_name(sqlite_store):
    store = sqlite_store
    nppes = ev("nppes", 20, 1.0)
    store.upsert_providers([ProviderRecord(n, EntityType.ORGANIZATION, nppes, organization_name=n) for n in (A, B, C)])
    assert fact_status.treatment_lists(store) == []  # no list loaded: an absence means nothing
    fields = {"site_name": "HARBOR TMS"}
    store.upsert_source_records(
        [
            SourceRecord(
                "spravato-2026-11", "RS1", "esketamine_rems", fields, LIST_FILE, record_hash("esketamine_rems", fields)
            )
        ]
    )
    store.upsert_treatments(
        [
            TreatmentOffering(A, Treatment.ESKETAMINE_REMS, ev("spravato-2026-11", 11, 0.95, "spravato-2026-11:RS1")),
            TreatmentOffering(A, Treatment.ESKETAMINE_REMS, ev("attestation", 30, 0.7)),
            TreatmentOffering(B, Treatment.ESKETAMINE_REMS, ev("rems_list", 45, 0.95)),  # the catalog's list
            TreatmentOffering(C, Treatment.ESKETAMINE_REMS, ev("attestation", 30, 0.7)),
        ]
    )
    (rems,) = fact_status.treatment_lists(store)
    assert (rems.source, rems.loaded_on, rems.same_list) == ("spravato-2026-11", LIST_FILE.retrieved, ("rems_list",))
    found = fact_status.fact_statuses_of(store, [A, B, C], TODAY)

    def esketamine(npi):
        return next(s for s in found[npi] if s.kind is FactKind.TREATMENT)

    assert esketamine(A).agreement is Agreement.AGREES
    assert esketamine(B).agreement is Agreement.SINGLE_SOURCE  # named by the catalog's load of the list
    c = esketamine(C)
    assert c.agreement is Agreement.CONTRADICTS
    assert any(s.source == "spravato-2026-11" and s.value.startswith("not on spravato-2026-11") for s in c.sources)
