"""The embedded store's version 7 migration: the tables of facts a source
record can give gain the record's file and link probability. A store is
rewound to what version 6 wrote, with data in it, then opened by this provnet."""

from __future__ import annotations

import sqlite3
from datetime import date

from store_records import BROOKLYN, NPPES, ROSTER, individual, npi
from version2 import VERSION_7_EVIDENCE_TABLES, rewind_record_evidence

from directory.model import AccessFacts, Credential, CredentialKind, Evidence, ProviderLocation
from directory.store import open_store
from directory.store.sqlite import SQLiteStore
from directory.store.sqlite_schema import SCHEMA_VERSION


def test_a_version_6_store_keeps_its_facts_and_takes_the_file_and_link_of_new_ones(tmp_path):
    path = tmp_path / "provnet.db"
    store = SQLiteStore(path)
    store.init_schema()
    store.upsert_providers([individual(npi(1))])
    old = Credential(CredentialKind.STATE_LICENSE, ROSTER, "L-1", "NY", "active")
    store.upsert_credentials([(npi(1), old)])
    store.upsert_access([AccessFacts(npi(1), ROSTER, accepting_new_patients=True)])
    store.close()
    raw = sqlite3.connect(path)
    rewind_record_evidence(raw)
    raw.execute("UPDATE schema_version SET version = 6")
    raw.commit()
    assert "file" not in {r[1] for r in raw.execute("PRAGMA table_info(credential)")}
    raw.close()

    store = open_store(f"sqlite:///{path}")
    try:
        raw = sqlite3.connect(path)
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)] == [(7,)]
        for table in VERSION_7_EVIDENCE_TABLES:
            assert {"file", "link_probability"} <= {r[1] for r in raw.execute(f"PRAGMA table_info({table})")}
        raw.close()
        assert store.credentials_for([npi(1)]) == {npi(1): [old]}  # what version 6 held reads as it was
        assert store.locations_for([npi(1)])[npi(1)][0].evidence == NPPES
        linked = Evidence("acme-roster", date(2026, 2, 28), "roster", 0.8, "acme-roster:R1", "acme.csv", 0.93)
        store.replace_secondary_locations({npi(1): [ProviderLocation(BROOKLYN, True, linked)]}, "acme-roster")
        assert {pl.evidence for pl in store.locations_for([npi(1)])[npi(1)]} == {NPPES, linked}
        store.init_schema()  # again: nothing left to migrate
    finally:
        store.close()
