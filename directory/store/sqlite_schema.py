"""Schema of the embedded SQLite store: tables, indexes, triggers.

Every fact row carries its evidence in the columns ``source, retrieved, method,
confidence, reference``. Facts a provider record owns (locations, taxonomies,
other names) also keep ``owner_source``, the source of the record that wrote
them, which is what a newer record of that source replaces. Names live in ``provider_name`` (legal and other names)
with an external-content FTS5 trigram index kept in step by triggers; geocoded
locations are mirrored into an R*Tree by triggers for radius search.
"""

from __future__ import annotations

from . import sqlite_matching_schema as matching

SCHEMA_VERSION = 3

#: Version -> statements that bring a store of the version before it there
#: (after DDL, which creates whatever is missing).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: ("ALTER TABLE ingest_run ADD COLUMN scope TEXT NOT NULL DEFAULT ''",),
    3: matching.BACKFILL,  # the match cards and site index of patient-to-provider matching
}

#: Keep the trigram index in step with provider_name, row by row.
NAME_TRIGGERS: tuple[str, ...] = (
    """CREATE TRIGGER IF NOT EXISTS provider_name_insert AFTER INSERT ON provider_name BEGIN
        INSERT INTO provider_name_fts (rowid, name) VALUES (new.id, new.name);
        END""",
    """CREATE TRIGGER IF NOT EXISTS provider_name_delete AFTER DELETE ON provider_name BEGIN
        INSERT INTO provider_name_fts (provider_name_fts, rowid, name) VALUES ('delete', old.id, old.name);
        END""",
)

#: A bulk load drops the triggers: a national load spent a sixth of its time
#: in row-by-row FTS5 inserts, a rebuild of the whole index takes seconds.
DEFER_NAME_INDEX: tuple[str, ...] = (
    "INSERT OR IGNORE INTO deferred_index (name) VALUES ('provider_name_fts')",
    "DROP TRIGGER IF EXISTS provider_name_insert",
    "DROP TRIGGER IF EXISTS provider_name_delete",
)
DEFERRED_NAME_INDEX = "SELECT 1 FROM deferred_index WHERE name = 'provider_name_fts'"
#: Rebuilt from provider_name (the content table), so any writes made while the
#: triggers were gone, by this process or another, are covered.
REBUILD_NAME_INDEX: tuple[str, ...] = (
    "INSERT INTO provider_name_fts (provider_name_fts) VALUES ('rebuild')",
    *NAME_TRIGGERS,
    "DELETE FROM deferred_index WHERE name = 'provider_name_fts'",
)

#: Run in order inside one transaction; every statement is idempotent.
DDL: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS taxonomy (
        code TEXT PRIMARY KEY, display_name TEXT NOT NULL, grouping TEXT NOT NULL DEFAULT '',
        classification TEXT NOT NULL DEFAULT '', specialization TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS provider (
        npi TEXT PRIMARY KEY, entity_type INTEGER NOT NULL,
        last_name TEXT, first_name TEXT, middle_name TEXT, prefix TEXT, suffix TEXT,
        credential_text TEXT, sex TEXT, sole_proprietor INTEGER,
        organization_name TEXT, is_subpart INTEGER, parent_organization_name TEXT,
        enumeration_date TEXT, last_update TEXT, deactivation_date TEXT, deactivation_reason TEXT,
        reactivation_date TEXT, replacement_npi TEXT,
        display_name TEXT NOT NULL, content_hash TEXT NOT NULL,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        deactivation_evidence TEXT)""",
    "CREATE INDEX IF NOT EXISTS provider_parent ON provider (parent_organization_name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS provider_display ON provider (upper(display_name), npi)",
    """CREATE TABLE IF NOT EXISTS location (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
        line1 TEXT NOT NULL, line2 TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL,
        zip5 TEXT NOT NULL, county TEXT, latitude REAL, longitude REAL, phone TEXT)""",
    "CREATE INDEX IF NOT EXISTS location_state ON location (state)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS location_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon)",
    """CREATE TRIGGER IF NOT EXISTS location_geo_insert AFTER INSERT ON location
        WHEN new.latitude IS NOT NULL AND new.longitude IS NOT NULL BEGIN
        INSERT OR REPLACE INTO location_rtree VALUES (new.id, new.latitude, new.latitude, new.longitude, new.longitude);
        END""",
    """CREATE TRIGGER IF NOT EXISTS location_geo_update AFTER UPDATE OF latitude, longitude ON location
        WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude BEGIN
        DELETE FROM location_rtree WHERE id = old.id;
        INSERT INTO location_rtree SELECT new.id, new.latitude, new.latitude, new.longitude, new.longitude
            WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
        END""",
    """CREATE TRIGGER IF NOT EXISTS location_geo_delete AFTER DELETE ON location BEGIN
        DELETE FROM location_rtree WHERE id = old.id;
        END""",
    """CREATE TABLE IF NOT EXISTS provider_location (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        location_id INTEGER NOT NULL REFERENCES location (id),
        owner_source TEXT NOT NULL, is_primary INTEGER NOT NULL, seq INTEGER NOT NULL,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, owner_source, location_id)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS provider_location_location ON provider_location (location_id, npi)",
    """CREATE TABLE IF NOT EXISTS provider_taxonomy (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        owner_source TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, is_primary INTEGER NOT NULL,
        license_number TEXT, license_state TEXT,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, owner_source, seq)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS provider_taxonomy_code ON provider_taxonomy (code, npi)",
    """CREATE TABLE IF NOT EXISTS other_name (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        owner_source TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, type_code TEXT,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, owner_source, seq)) WITHOUT ROWID""",
    # every name of a provider, the content of the trigram full-text index (detail=none:
    # queries are single trigrams, so positions are not kept)
    """CREATE TABLE IF NOT EXISTS provider_name (
        id INTEGER PRIMARY KEY, npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        name TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS provider_name_npi ON provider_name (npi)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS provider_name_fts USING fts5 (
        name, content='provider_name', content_rowid='id', tokenize='trigram', detail='none')""",
    *NAME_TRIGGERS,
    # a bulk load in progress (or cut off) whose name index is to be rebuilt: see DEFER_NAME_INDEX
    "CREATE TABLE IF NOT EXISTS deferred_index (name TEXT PRIMARY KEY)",
    # Soundex keys of every name's words and word pairs: the typo-tolerant half of the name pre-filter
    """CREATE TABLE IF NOT EXISTS provider_name_key (
        key TEXT NOT NULL, npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        PRIMARY KEY (key, npi)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS provider_name_key_npi ON provider_name_key (npi)",
    """CREATE TABLE IF NOT EXISTS credential (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        key TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
        number TEXT, state TEXT, status TEXT, expires TEXT,
        board TEXT, specialty TEXT, certified_on TEXT,
        retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, key, source)) WITHOUT ROWID""",
    # location_key is '' when unknown so it can be part of the key
    """CREATE TABLE IF NOT EXISTS treatment_offering (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        treatment TEXT NOT NULL, location_key TEXT NOT NULL, source TEXT NOT NULL,
        telehealth INTEGER NOT NULL, detail TEXT,
        retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, treatment, location_key, source)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS treatment_offering_treatment ON treatment_offering (treatment, telehealth, npi)",
    """CREATE TABLE IF NOT EXISTS access_facts (
        npi TEXT PRIMARY KEY REFERENCES provider (npi) ON DELETE CASCADE,
        accepting_new_patients INTEGER, telehealth INTEGER, languages TEXT NOT NULL, wait_days INTEGER,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS access_facts_accepting ON access_facts (accepting_new_patients, npi)",
    "CREATE INDEX IF NOT EXISTS access_facts_telehealth ON access_facts (telehealth, npi)",
    """CREATE TABLE IF NOT EXISTS affiliation (
        individual_npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        organization_npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        source TEXT NOT NULL, role TEXT NOT NULL,
        retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (individual_npi, organization_npi, source)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS affiliation_organization ON affiliation (organization_npi)",
    # list_name is the exclusion list (LEIE, SAM ...); source is the evidence's
    """CREATE TABLE IF NOT EXISTS exclusion (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        list_name TEXT NOT NULL, exclusion_type TEXT NOT NULL, excluded_on TEXT NOT NULL,
        reinstated_on TEXT,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, list_name, exclusion_type, excluded_on)) WITHOUT ROWID""",
    # which exclusion lists were loaded, as of when (one row per list)
    """CREATE TABLE IF NOT EXISTS exclusion_list (
        list_name TEXT PRIMARY KEY, as_of TEXT NOT NULL,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT)""",
    "CREATE TABLE IF NOT EXISTS payer (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS employer (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS network (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, owner_id TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS plan (
        id TEXT PRIMARY KEY, payer_id TEXT NOT NULL, name TEXT NOT NULL, product_type TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS plan_network (
        plan_id TEXT NOT NULL REFERENCES plan (id) ON DELETE CASCADE, network_id TEXT NOT NULL,
        seq INTEGER NOT NULL, PRIMARY KEY (plan_id, network_id)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS network_member (
        network_id TEXT NOT NULL REFERENCES network (id) ON DELETE CASCADE,
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        added_on TEXT,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (network_id, npi)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS network_member_npi ON network_member (npi)",
    """CREATE TABLE IF NOT EXISTS match_decision (
        match_id TEXT PRIMARY KEY, left_ref TEXT NOT NULL, right_ref TEXT NOT NULL,
        probability REAL NOT NULL, match_weight REAL NOT NULL, agreement TEXT NOT NULL,
        status TEXT NOT NULL, decided_by TEXT NOT NULL, decided_at TEXT NOT NULL, npi TEXT)""",
    "CREATE INDEX IF NOT EXISTS match_decision_status ON match_decision (status, probability)",
    "CREATE INDEX IF NOT EXISTS match_decision_left ON match_decision (left_ref)",
    "CREATE INDEX IF NOT EXISTS match_decision_right ON match_decision (right_ref)",
    """CREATE TABLE IF NOT EXISTS ingest_run (
        run_id TEXT PRIMARY KEY, source TEXT NOT NULL, file_name TEXT NOT NULL, file_sha256 TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, counts TEXT NOT NULL,
        resume_line INTEGER NOT NULL DEFAULT 0, scope TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS ingest_run_file ON ingest_run (source, file_sha256, status)",
    """CREATE TABLE IF NOT EXISTS quarantine (
        run_id TEXT NOT NULL, line_number INTEGER NOT NULL, source TEXT NOT NULL,
        reason TEXT NOT NULL, detail TEXT NOT NULL, raw TEXT NOT NULL,
        PRIMARY KEY (run_id, line_number)) WITHOUT ROWID""",
    # patient-to-provider matching: the site index and ranking profiles (sqlite_matching.py)
    *matching.DDL,
)

#: Children before parents; provider_name's trigger empties the FTS index.
WIPE: tuple[str, ...] = (
    "DELETE FROM quarantine",
    "DELETE FROM ingest_run",
    "DELETE FROM match_decision",
    "DELETE FROM network_member",
    "DELETE FROM plan_network",
    "DELETE FROM plan",
    "DELETE FROM network",
    "DELETE FROM employer",
    "DELETE FROM payer",
    "DELETE FROM exclusion",
    "DELETE FROM exclusion_list",
    "DELETE FROM affiliation",
    "DELETE FROM access_facts",
    "DELETE FROM treatment_offering",
    "DELETE FROM credential",
    "DELETE FROM provider_name_key",
    "DELETE FROM provider_name",
    "DELETE FROM other_name",
    "DELETE FROM provider_taxonomy",
    "DELETE FROM provider_location",
    *matching.WIPE,  # emptied by the triggers above but for the treatment codes
    "DELETE FROM location",
    "DELETE FROM provider",
    "DELETE FROM taxonomy",
)

COUNTS = """
SELECT
    (SELECT count(*) FROM provider) AS providers,
    (SELECT count(*) FROM provider WHERE entity_type = 1) AS individuals,
    (SELECT count(*) FROM provider WHERE entity_type = 2) AS organizations,
    (SELECT count(*) FROM provider WHERE deactivation_date IS NOT NULL
        AND (reactivation_date IS NULL OR reactivation_date < deactivation_date)) AS deactivated,
    (SELECT count(*) FROM location) AS locations,
    (SELECT count(*) FROM provider_location) AS provider_locations,
    (SELECT count(*) FROM taxonomy) AS taxonomies,
    (SELECT count(*) FROM provider_taxonomy) AS provider_taxonomies,
    (SELECT count(*) FROM other_name) AS other_names,
    (SELECT count(*) FROM credential) AS credentials,
    (SELECT count(*) FROM treatment_offering) AS treatments,
    (SELECT count(*) FROM access_facts) AS access_facts,
    (SELECT count(*) FROM affiliation) AS affiliations,
    (SELECT count(*) FROM exclusion) AS exclusions,
    (SELECT count(*) FROM exclusion_list) AS exclusion_lists,
    (SELECT count(*) FROM payer) AS payers,
    (SELECT count(*) FROM employer) AS employers,
    (SELECT count(*) FROM network) AS networks,
    (SELECT count(*) FROM plan) AS plans,
    (SELECT count(*) FROM network_member) AS network_members,
    (SELECT count(*) FROM match_decision) AS matches,
    (SELECT count(*) FROM ingest_run) AS ingest_runs,
    (SELECT count(*) FROM quarantine) AS quarantined
"""
