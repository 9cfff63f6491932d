"""A current embedded store rewound to what version 2 wrote, with its data,
so the migrations of later versions are tested on what they really meet:
version 3 indexed names by word instead of FTS5 trigrams and Soundex keys;
version 4 keyed access facts by (NPI, source) and kept a phone per placement;
version 5 kept a source record's file and link probability with the facts it gives."""

from __future__ import annotations

import sqlite3

VERSION_2_NAME_INDEX = (
    """CREATE VIRTUAL TABLE provider_name_fts USING fts5 (
        name, content='provider_name', content_rowid='id', tokenize='trigram', detail='none')""",
    """CREATE TRIGGER provider_name_insert AFTER INSERT ON provider_name BEGIN
        INSERT INTO provider_name_fts (rowid, name) VALUES (new.id, new.name);
        END""",
    """CREATE TRIGGER provider_name_delete AFTER DELETE ON provider_name BEGIN
        INSERT INTO provider_name_fts (provider_name_fts, rowid, name) VALUES ('delete', old.id, old.name);
        END""",
    "INSERT INTO provider_name_fts (provider_name_fts) VALUES ('rebuild')",
    """CREATE TABLE provider_name_key (
        key TEXT NOT NULL, npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        PRIMARY KEY (key, npi)) WITHOUT ROWID""",
    "CREATE INDEX provider_name_key_npi ON provider_name_key (npi)",
    "INSERT INTO provider_name_key SELECT 'Q412', npi FROM provider",
    # a bulk load of version 2 cut off: its mark
    "INSERT INTO deferred_index (name) VALUES ('provider_name_fts')",
)


#: access_facts as versions 1 and 2 created it: one row per NPI.
V2_ACCESS_FACTS = """CREATE TABLE access_facts (
        npi TEXT PRIMARY KEY REFERENCES provider (npi) ON DELETE CASCADE,
        accepting_new_patients INTEGER, telehealth INTEGER, languages TEXT NOT NULL, wait_days INTEGER,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT) WITHOUT ROWID"""


#: The tables that keep Evidence.file and link_probability since version 5.
VERSION_5_EVIDENCE_TABLES = ("provider_location", "credential", "treatment_offering", "access_facts", "network_member")


def rewind_to_version_4(raw: sqlite3.Connection) -> None:
    """Make a current store what version 4 wrote: facts without a file or link probability."""
    for table in VERSION_5_EVIDENCE_TABLES:
        raw.execute(f"ALTER TABLE {table} DROP COLUMN file")
        raw.execute(f"ALTER TABLE {table} DROP COLUMN link_probability")
    raw.execute("UPDATE schema_version SET version = 4")


def rewind_to_version_2(raw: sqlite3.Connection) -> None:
    """Make a current store what version 2 wrote: names in FTS5 trigrams and Soundex
    keys (with the mark of a cut-off bulk load), access facts keyed by NPI alone
    (rows kept: one per NPI), no phone on a provider's placement at an address."""
    rewind_to_version_4(raw)
    for statement in ("DROP TABLE name_word", "DROP TABLE name_word_pending", *VERSION_2_NAME_INDEX):
        raw.execute(statement)
    raw.execute("DROP VIEW access_latest")
    raw.execute("ALTER TABLE access_facts RENAME TO access_facts_now")
    raw.execute(V2_ACCESS_FACTS)
    raw.execute(
        "INSERT INTO access_facts SELECT npi, accepting_new_patients, telehealth, languages, wait_days, "
        "source, retrieved, method, confidence, reference FROM access_facts_now"
    )
    raw.execute("DROP TABLE access_facts_now")
    raw.execute("CREATE INDEX access_facts_accepting ON access_facts (accepting_new_patients, npi)")
    raw.execute("CREATE INDEX access_facts_telehealth ON access_facts (telehealth, npi)")
    raw.execute("ALTER TABLE provider_location DROP COLUMN phone")
    raw.execute("UPDATE schema_version SET version = 2")
