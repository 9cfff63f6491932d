"""A current embedded store rewound to what version 2 wrote, with its data,
so the migrations of later versions are tested on what they really meet:
version 3 indexed names by word instead of FTS5 trigrams and Soundex keys;
version 4 keyed access facts by (NPI, source) and kept a phone per placement;
version 5 added matching's cards and site index; version 6 gave networks a
status and regions, memberships a decision and a review, and added the history
of events and the plans employers offer; version 7 kept a source record's file
and link probability with the facts it gives."""

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


def drop_matching(raw: sqlite3.Connection) -> None:
    """What version 5 added: matching's cards, site index and ranking profiles with their triggers."""
    made = raw.execute(
        "SELECT type, name FROM sqlite_master WHERE (name LIKE 'match%' OR name = 'ranking_profile') "
        "AND type IN ('trigger', 'view', 'table')"
    ).fetchall()
    for kind in ("trigger", "view", "table"):
        for found, name in made:
            if found == kind and not name.startswith("match_site_rtree_"):  # the R*Tree's own shadow tables
                raw.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')


#: The tables that keep Evidence.file and link_probability since version 7.
VERSION_7_EVIDENCE_TABLES = ("provider_location", "credential", "treatment_offering", "access_facts", "network_member")


def rewind_record_evidence(raw: sqlite3.Connection) -> None:
    """Undo version 7: facts without a file or link probability."""
    for table in VERSION_7_EVIDENCE_TABLES:
        raw.execute(f"ALTER TABLE {table} DROP COLUMN file")
        raw.execute(f"ALTER TABLE {table} DROP COLUMN link_probability")


def rewind_to_version_2(raw: sqlite3.Connection) -> None:
    """Make a current store what version 2 wrote: names in FTS5 trigrams and Soundex
    keys (with the mark of a cut-off bulk load), access facts keyed by NPI alone
    (rows kept: one per NPI), no phone on a provider's placement at an address."""
    rewind_record_evidence(raw)
    drop_matching(raw)
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
    rewind_network_curation(raw)
    raw.execute("UPDATE schema_version SET version = 2")


#: What version 6 added to tables that existed before it.
VERSION_6_COLUMNS = {
    "network": ("status", "regions"),
    "network_member": ("decision", "decided_by", "decided_at", "note", "reviewed_seq", "reviewed_at"),
}


def rewind_network_curation(raw: sqlite3.Connection) -> None:
    """Undo version 6: the new columns of network and network_member, and its new tables."""
    for table, columns in VERSION_6_COLUMNS.items():
        for column in columns:
            raw.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    raw.execute("DROP TABLE network_event")
    raw.execute("DROP TABLE employer_plan")
