"""Schema of the embedded SQLite store: tables, indexes, triggers.

Every fact row carries its evidence in the columns ``source, retrieved, method,
confidence, reference``. Facts a provider record owns (locations, taxonomies,
other names) also keep ``owner_source``, the source of the record that wrote
them, which is what a newer record of that source replaces. Names live in
``provider_name`` (legal and other names), their words in ``name_word``, the
exact index name search looks words up in (see :mod:`.names`); geocoded
locations are mirrored into an R*Tree by triggers for radius search.

Name words are computed in Python (Unicode folding), through the SQL function
``name_words(name)`` the adapter registers on its connection: this schema is
written and read by provnet only.
"""

from __future__ import annotations

from . import sqlite_matching_schema as matching
from .sqlite_records import RECORD_TABLES, WIPE_RECORDS

SCHEMA_VERSION = 7

#: Every word of every stored name (the migration to version 3). Not sorted
#: first: with the table in the page cache, SQLite's sorter cost more than
#: inserting in any order (a national-size set: 16 s sorted, 9 s not).
_INDEX_ALL_NAME_WORDS = """
INSERT OR IGNORE INTO name_word (word, name_id)
SELECT w.value, n.id FROM provider_name n, json_each(name_words(n.name)) w"""


#: Access facts: one row per (NPI, source), so sources that disagree can be seen;
#: ``access_latest`` is the row the directory shows and search filters on (the
#: newest retrieval, ties by source name), as ``Store.access_for`` reads it.
ACCESS_INDEXES: tuple[str, ...] = (
    "CREATE INDEX IF NOT EXISTS access_facts_accepting ON access_facts (accepting_new_patients, npi)",
    "CREATE INDEX IF NOT EXISTS access_facts_telehealth ON access_facts (telehealth, npi)",
    "CREATE INDEX IF NOT EXISTS access_facts_newest ON access_facts (npi, retrieved, source)",
    """CREATE VIEW IF NOT EXISTS access_latest AS
        SELECT a.* FROM access_facts a
        WHERE NOT EXISTS (SELECT 1 FROM access_facts b WHERE b.npi = a.npi
            AND (b.retrieved > a.retrieved OR (b.retrieved = a.retrieved AND b.source < a.source)))""",
)

#: Version -> statements that bring a store of the version before it there
#: (after DDL, which creates whatever is missing).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: ("ALTER TABLE ingest_run ADD COLUMN scope TEXT NOT NULL DEFAULT ''",),
    # name search by an exact word index instead of FTS5 trigrams and Soundex keys
    3: (
        "DROP TRIGGER IF EXISTS provider_name_insert",
        "DROP TRIGGER IF EXISTS provider_name_delete",
        "DROP TABLE IF EXISTS provider_name_fts",
        "DROP TABLE IF EXISTS provider_name_key",
        "DELETE FROM deferred_index WHERE name = 'provider_name_fts'",
        _INDEX_ALL_NAME_WORDS,
    ),
    # 4: access facts keyed by (npi, source) instead of npi (the one row each NPI had keeps
    # its source); each placement of a provider at an address keeps the phone its source
    # gave (rows written before have none and read the address's phone).
    4: (
        # triggers reading the view below (matching's cards) would stop the table swap; DDL makes them again
        "DROP TRIGGER IF EXISTS match_card_access_insert",
        "DROP TRIGGER IF EXISTS match_card_access_update",
        "DROP TRIGGER IF EXISTS match_card_access_delete",
        """CREATE TABLE access_facts_v4 (
            npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
            accepting_new_patients INTEGER, telehealth INTEGER, languages TEXT NOT NULL, wait_days INTEGER,
            source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
            confidence REAL NOT NULL, reference TEXT,
            PRIMARY KEY (npi, source)) WITHOUT ROWID""",
        """INSERT INTO access_facts_v4 (npi, accepting_new_patients, telehealth, languages, wait_days,
            source, retrieved, method, confidence, reference)
        SELECT npi, accepting_new_patients, telehealth, languages, wait_days,
            source, retrieved, method, confidence, reference FROM access_facts""",
        # the DDL made the view on the old table: a rename refuses to leave a view broken
        "DROP VIEW IF EXISTS access_latest",
        "DROP TABLE access_facts",
        "ALTER TABLE access_facts_v4 RENAME TO access_facts",
        *ACCESS_INDEXES,
        "ALTER TABLE provider_location ADD COLUMN phone TEXT",
    ),
    5: matching.BACKFILL,  # the match cards and site index of patient-to-provider matching
    # 6: networks are curated (issue 10): a status and regions per network, the decision, its
    # note and the last review per member (rows written before have none); the history of
    # events and the plans an employer offers are new tables, which DDL creates
    6: (
        "ALTER TABLE network ADD COLUMN status TEXT NOT NULL DEFAULT 'active'",
        "ALTER TABLE network ADD COLUMN regions TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE network_member ADD COLUMN decision TEXT",
        "ALTER TABLE network_member ADD COLUMN decided_by TEXT",
        "ALTER TABLE network_member ADD COLUMN decided_at TEXT",
        "ALTER TABLE network_member ADD COLUMN note TEXT",
        "ALTER TABLE network_member ADD COLUMN reviewed_seq INTEGER",
        "ALTER TABLE network_member ADD COLUMN reviewed_at TEXT",
    ),
    # 7: facts a source record gives (through entity resolution) keep the record's file and
    # the probability of its link to the provider (Evidence.file, Evidence.link_probability)
    7: (
        "ALTER TABLE provider_location ADD COLUMN file TEXT",
        "ALTER TABLE provider_location ADD COLUMN link_probability REAL",
        "ALTER TABLE credential ADD COLUMN file TEXT",
        "ALTER TABLE credential ADD COLUMN link_probability REAL",
        "ALTER TABLE treatment_offering ADD COLUMN file TEXT",
        "ALTER TABLE treatment_offering ADD COLUMN link_probability REAL",
        "ALTER TABLE access_facts ADD COLUMN file TEXT",
        "ALTER TABLE access_facts ADD COLUMN link_probability REAL",
        "ALTER TABLE network_member ADD COLUMN file TEXT",
        "ALTER TABLE network_member ADD COLUMN link_probability REAL",
    ),
}

#: A bulk load defers the word index: names written meanwhile are listed in
#: name_word_pending and their words inserted in one statement at the end; a
#: national load spent a sixth of its time indexing names batch by batch.
DEFER_NAME_INDEX: tuple[str, ...] = ("INSERT OR IGNORE INTO deferred_index (name) VALUES ('name_word')",)
DEFERRED_NAME_INDEX = "SELECT 1 FROM deferred_index WHERE name = 'name_word'"
#: Also run by the next open after a load that was cut off. The pending ids are
#: committed with their names, by this process or another, so none is missed;
#: an id whose name was deleted since joins nothing.
CATCH_UP_NAME_INDEX: tuple[str, ...] = (
    """INSERT OR IGNORE INTO name_word (word, name_id)
    SELECT w.value, n.id FROM name_word_pending p JOIN provider_name n ON n.id = p.name_id,
        json_each(name_words(n.name)) w""",
    "DELETE FROM name_word_pending",
    "DELETE FROM deferred_index WHERE name = 'name_word'",
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
        confidence REAL NOT NULL, reference TEXT, phone TEXT, file TEXT, link_probability REAL,
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
    # every searchable name of a provider (legal and other names)
    """CREATE TABLE IF NOT EXISTS provider_name (
        id INTEGER PRIMARY KEY, npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        name TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS provider_name_npi ON provider_name (npi)",
    # the words of each name, looked up by exact word and word range; kept per name, not per
    # provider, so a query whose words must all fall in one name is answered here. The words of
    # a name are deleted with it, found again from its text: an index by name_id would double
    # the cost of a national index build
    """CREATE TABLE IF NOT EXISTS name_word (
        word TEXT NOT NULL, name_id INTEGER NOT NULL, PRIMARY KEY (word, name_id)) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS name_word_pending (name_id INTEGER PRIMARY KEY)",
    # a bulk load in progress (or cut off) whose name index is to be caught up: see DEFER_NAME_INDEX
    "CREATE TABLE IF NOT EXISTS deferred_index (name TEXT PRIMARY KEY)",
    """CREATE TABLE IF NOT EXISTS credential (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        key TEXT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
        number TEXT, state TEXT, status TEXT, expires TEXT,
        board TEXT, specialty TEXT, certified_on TEXT,
        retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL, reference TEXT,
        file TEXT, link_probability REAL,
        PRIMARY KEY (npi, key, source)) WITHOUT ROWID""",
    # location_key is '' when unknown so it can be part of the key
    """CREATE TABLE IF NOT EXISTS treatment_offering (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        treatment TEXT NOT NULL, location_key TEXT NOT NULL, source TEXT NOT NULL,
        telehealth INTEGER NOT NULL, detail TEXT,
        retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL, reference TEXT,
        file TEXT, link_probability REAL,
        PRIMARY KEY (npi, treatment, location_key, source)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS treatment_offering_treatment ON treatment_offering (treatment, telehealth, npi)",
    """CREATE TABLE IF NOT EXISTS access_facts (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        accepting_new_patients INTEGER, telehealth INTEGER, languages TEXT NOT NULL, wait_days INTEGER,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT, file TEXT, link_probability REAL,
        PRIMARY KEY (npi, source)) WITHOUT ROWID""",
    *ACCESS_INDEXES,
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
    # the payers' plans an employer offers its employees, in its order
    """CREATE TABLE IF NOT EXISTS employer_plan (
        employer_id TEXT NOT NULL REFERENCES employer (id) ON DELETE CASCADE, plan_id TEXT NOT NULL,
        seq INTEGER NOT NULL, PRIMARY KEY (employer_id, plan_id)) WITHOUT ROWID""",
    # regions: JSON list of {"state"} or {"zip5", "radius_miles"} (directory.store.network_codec)
    """CREATE TABLE IF NOT EXISTS network (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, owner_id TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active', regions TEXT NOT NULL DEFAULT '[]')""",
    # every change of a network, numbered per network from 1 (directory.store.network_books)
    """CREATE TABLE IF NOT EXISTS network_event (
        network_id TEXT NOT NULL REFERENCES network (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        kind TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
        npi TEXT, decision TEXT, note TEXT, detail TEXT NOT NULL,
        PRIMARY KEY (network_id, seq)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS network_event_kind ON network_event (network_id, kind, seq)",
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
        confidence REAL NOT NULL, reference TEXT, file TEXT, link_probability REAL,
        decision TEXT, decided_by TEXT, decided_at TEXT, note TEXT, reviewed_seq INTEGER, reviewed_at TEXT,
        PRIMARY KEY (network_id, npi)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS network_member_npi ON network_member (npi)",
    # vetting criteria per network ('' the default) and results per network and provider, with history
    """CREATE TABLE IF NOT EXISTS vetting_criteria (
        network_id TEXT PRIMARY KEY, criteria TEXT NOT NULL, set_by TEXT NOT NULL, set_on TEXT)""",
    """CREATE TABLE IF NOT EXISTS vetting_result (
        network_id TEXT NOT NULL, npi TEXT NOT NULL, seq INTEGER NOT NULL,
        status TEXT NOT NULL, checks TEXT NOT NULL, fingerprint TEXT NOT NULL, digest TEXT NOT NULL,
        scoring_version TEXT NOT NULL, judged_on TEXT NOT NULL,
        PRIMARY KEY (network_id, npi, seq)) WITHOUT ROWID""",
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
    # API keys, looked up by key_id on every uncached request (WITHOUT ROWID: one b-tree descent);
    # secret_hash is all that is kept of the secret (directory/services/api_keys.py)
    """CREATE TABLE IF NOT EXISTS api_key (
        key_id TEXT PRIMARY KEY, role TEXT NOT NULL, tenant TEXT, label TEXT NOT NULL,
        secret_hash TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT,
        revoked_at TEXT, last_used_at TEXT) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        run_id TEXT NOT NULL, line_number INTEGER NOT NULL, source TEXT NOT NULL,
        reason TEXT NOT NULL, detail TEXT NOT NULL, raw TEXT NOT NULL,
        PRIMARY KEY (run_id, line_number)) WITHOUT ROWID""",
    # the rows of published exclusion lists, matched to a provider or not (see port_exclusions)
    """CREATE TABLE IF NOT EXISTS exclusion_record (
        list_name TEXT NOT NULL, key TEXT NOT NULL, identity TEXT NOT NULL,
        exclusion_type TEXT NOT NULL, excluded_on TEXT NOT NULL, reinstated_on TEXT, last_listed TEXT,
        last_name TEXT NOT NULL, first_name TEXT NOT NULL, middle_name TEXT NOT NULL, business_name TEXT NOT NULL,
        general TEXT NOT NULL, specialty TEXT NOT NULL, upin TEXT NOT NULL, npi TEXT, birth_date TEXT,
        address TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL,
        waiver_date TEXT, waiver_state TEXT NOT NULL,
        source TEXT NOT NULL, retrieved TEXT NOT NULL, method TEXT NOT NULL,
        confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (list_name, key)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS exclusion_record_identity ON exclusion_record (list_name, identity)",
    # exclusions attached from a record are found by their evidence reference (leie:<key>)
    "CREATE INDEX IF NOT EXISTS exclusion_reference ON exclusion (reference)",
    # measurement-based-care aggregates per provider, period and reporting source
    """CREATE TABLE IF NOT EXISTS outcome (
        npi TEXT NOT NULL REFERENCES provider (npi) ON DELETE CASCADE,
        period_start TEXT NOT NULL, period_end TEXT NOT NULL, source TEXT NOT NULL,
        patients INTEGER NOT NULL, phq9_baseline_mean REAL, phq9_latest_mean REAL,
        phq9_response_rate REAL, phq9_remission_rate REAL, gad7_change_mean REAL,
        alliance_instrument TEXT, alliance_mean REAL, dropout_rate REAL,
        retrieved TEXT NOT NULL, method TEXT NOT NULL, confidence REAL NOT NULL, reference TEXT,
        PRIMARY KEY (npi, period_start, period_end, source)) WITHOUT ROWID""",
    # patient-to-provider matching: the site index and ranking profiles (sqlite_matching.py)
    *matching.DDL,
    *RECORD_TABLES,
)

#: Children before parents.
WIPE: tuple[str, ...] = (
    *WIPE_RECORDS,
    "DELETE FROM api_key",
    "DELETE FROM vetting_result",
    "DELETE FROM vetting_criteria",
    "DELETE FROM outcome",
    "DELETE FROM exclusion_record",
    "DELETE FROM quarantine",
    "DELETE FROM ingest_run",
    "DELETE FROM match_decision",
    "DELETE FROM network_member",
    "DELETE FROM network_event",
    "DELETE FROM plan_network",
    "DELETE FROM plan",
    "DELETE FROM network",
    "DELETE FROM employer_plan",
    "DELETE FROM employer",
    "DELETE FROM payer",
    "DELETE FROM exclusion",
    "DELETE FROM exclusion_list",
    "DELETE FROM affiliation",
    "DELETE FROM access_facts",
    "DELETE FROM treatment_offering",
    "DELETE FROM credential",
    "DELETE FROM name_word_pending",
    "DELETE FROM name_word",
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
    (SELECT count(*) FROM exclusion_record) AS exclusion_records,
    (SELECT count(*) FROM outcome) AS outcomes,
    (SELECT count(*) FROM payer) AS payers,
    (SELECT count(*) FROM employer) AS employers,
    (SELECT count(*) FROM network) AS networks,
    (SELECT count(*) FROM plan) AS plans,
    (SELECT count(*) FROM network_member) AS network_members,
    (SELECT count(*) FROM network_event) AS network_events,
    (SELECT count(*) FROM match_decision) AS matches,
    (SELECT count(*) FROM source_record WHERE retired_on IS NULL) AS source_records,
    (SELECT count(*) FROM source_record WHERE retired_on IS NOT NULL) AS retired_records,
    (SELECT count(*) FROM resolution_link) AS resolution_links,
    (SELECT count(*) FROM vetting_criteria) AS vetting_criteria,
    (SELECT count(*) FROM vetting_result) AS vetting_results,
    (SELECT count(*) FROM ingest_run) AS ingest_runs,
    (SELECT count(*) FROM quarantine) AS quarantined
"""
