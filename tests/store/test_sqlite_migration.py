"""The embedded store's version 4 migration: access facts keyed by (NPI,
source) instead of NPI, and a phone on each placement of a provider at an
address. A store is rewound to what version 2 wrote, with data in it, then
opened by this provnet."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import date

from store_records import API, MIDTOWN, ROSTER, individual, npi
from version2 import rewind_to_version_2

from directory.model import AccessFacts, ProviderLocation, SearchCriteria
from directory.store import open_store
from directory.store.sqlite import SQLiteStore
from directory.store.sqlite_schema import SCHEMA_VERSION


def test_a_version_2_store_keeps_its_rows_and_takes_a_second_source_after_the_migration(tmp_path):
    path = tmp_path / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    phoned = dataclasses.replace(MIDTOWN, phone="2125550100")
    store.upsert_providers([individual(npi(1), locations=(phoned,)), individual(npi(2))])
    roster = AccessFacts(npi(1), ROSTER, accepting_new_patients=True, languages=("en",), wait_days=5)
    store.upsert_access([roster])
    store.close()
    raw = sqlite3.connect(path)
    rewind_to_version_2(raw)
    raw.commit()
    assert raw.execute("SELECT count(*) FROM access_facts").fetchone() == (1,)
    raw.close()

    store = open_store(f"sqlite:///{path}")
    try:
        raw = sqlite3.connect(path)
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'access_facts'")}
        raw.close()
        assert {"access_facts_accepting", "access_facts_telehealth", "access_facts_newest"} <= indexes
        assert store.access_for([npi(1)]) == {npi(1): roster}  # the row version 2 held is kept
        (placed,) = store.locations_for([npi(1)])[npi(1)]
        assert placed.location.phone == "2125550100"  # the placement had none: the address's

        # a second source's row for the same NPI is kept beside the first; the newer one is shown
        newer = AccessFacts(npi(1), dataclasses.replace(API, retrieved=date(2024, 9, 1)), accepting_new_patients=False)
        store.upsert_access([newer])
        assert store.access_facts_for([npi(1)]) == {npi(1): [newer, roster]}
        assert store.access_for([npi(1)]) == {npi(1): newer}
        # search filters on the newest row, through the view the migration made again
        # (npi(2) has no access facts: kept, flagged unknown)
        hits = store.search(SearchCriteria(accepting_new_patients=True)).hits
        assert [(h.npi, h.unknown) for h in hits] == [(npi(2), ("accepting_new_patients",))]
        hits = store.search(SearchCriteria(accepting_new_patients=False)).hits
        assert [(h.npi, h.unknown) for h in hits] == [(npi(1), ()), (npi(2), ("accepting_new_patients",))]

        # placements written now keep their own source's phone; one written before has none of its own
        # and reads the address's, which the last writer that knew one set
        other = dataclasses.replace(MIDTOWN, phone="2125559999")
        store.upsert_providers([individual(npi(3), locations=(phoned,))])
        store.replace_secondary_locations(
            {n: [ProviderLocation(other, False, ROSTER)] for n in (npi(1), npi(3))}, ROSTER.source
        )
        phones = store.locations_for([npi(1), npi(3)])
        assert {pl.evidence.source: pl.location.phone for pl in phones[npi(3)]} == {
            "nppes": "2125550100",
            ROSTER.source: "2125559999",
        }
        assert {pl.evidence.source: pl.location.phone for pl in phones[npi(1)]} == {
            "nppes": "2125559999",
            ROSTER.source: "2125559999",
        }
        store.init_schema()  # again: nothing left to migrate
    finally:
        store.close()
