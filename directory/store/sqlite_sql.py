"""Constant SQL statements of the embedded store (every value a parameter;
sets of ids arrive as one JSON array read with ``json_each``)."""

from __future__ import annotations

_EV = "source, retrieved, method, confidence, reference"
_EV_SET = """source = excluded.source, retrieved = excluded.retrieved, method = excluded.method,
    confidence = excluded.confidence, reference = excluded.reference"""
#: Facts a source record can give (schema version 5) also keep the record's file
#: and the probability of its link to the provider.
_EVL = _EV + ", file, link_probability"
_EVL_VALUES = ":source, :retrieved, :method, :confidence, :reference, :file, :link_probability"
_EVL_SET = _EV_SET + ", file = excluded.file, link_probability = excluded.link_probability"

# ---------------------------------------------------------------- reference
UPSERT_TAXONOMY = """
INSERT INTO taxonomy (code, display_name, grouping, classification, specialization) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (code) DO UPDATE SET display_name = excluded.display_name, grouping = excluded.grouping,
    classification = excluded.classification, specialization = excluded.specialization"""

TAXONOMIES = """
SELECT * FROM taxonomy
WHERE :codes IS NULL OR code IN (SELECT value FROM json_each(:codes)) ORDER BY code"""

# ---------------------------------------------------------------- providers
STORED_VERSIONS = """
SELECT npi, content_hash, last_update FROM provider WHERE npi IN (SELECT value FROM json_each(?))"""

UPSERT_PROVIDER = (
    """
INSERT INTO provider (npi, entity_type, last_name, first_name, middle_name, prefix, suffix, credential_text,
    sex, sole_proprietor, organization_name, is_subpart, parent_organization_name, enumeration_date,
    last_update, deactivation_date, deactivation_reason, reactivation_date, replacement_npi, display_name,
    content_hash, source, retrieved, method, confidence, reference)
VALUES (:npi, :entity_type, :last_name, :first_name, :middle_name, :prefix, :suffix, :credential_text,
    :sex, :sole_proprietor, :organization_name, :is_subpart, :parent_organization_name, :enumeration_date,
    :last_update, :deactivation_date, :deactivation_reason, :reactivation_date, :replacement_npi,
    :display_name, :content_hash, :source, :retrieved, :method, :confidence, :reference)
ON CONFLICT (npi) DO UPDATE SET entity_type = excluded.entity_type, last_name = excluded.last_name,
    first_name = excluded.first_name, middle_name = excluded.middle_name, prefix = excluded.prefix,
    suffix = excluded.suffix, credential_text = excluded.credential_text, sex = excluded.sex,
    sole_proprietor = excluded.sole_proprietor, organization_name = excluded.organization_name,
    is_subpart = excluded.is_subpart, parent_organization_name = excluded.parent_organization_name,
    enumeration_date = excluded.enumeration_date, last_update = excluded.last_update,
    deactivation_date = excluded.deactivation_date, deactivation_reason = excluded.deactivation_reason,
    reactivation_date = excluded.reactivation_date, replacement_npi = excluded.replacement_npi,
    display_name = excluded.display_name, content_hash = excluded.content_hash,
    deactivation_evidence = NULL, """
    + _EV_SET
)

# A location is shared by providers: keep what is known when a writer knows less. (Each
# placement keeps the phone its own source gave, so sources that disagree can be seen.)
UPSERT_LOCATION = """
INSERT INTO location (key, line1, line2, city, state, zip5, county, latitude, longitude, phone)
VALUES (:key, :line1, :line2, :city, :state, :zip5, :county, :latitude, :longitude, :phone)
ON CONFLICT (key) DO UPDATE SET county = coalesce(excluded.county, county),
    latitude = coalesce(excluded.latitude, latitude), longitude = coalesce(excluded.longitude, longitude),
    phone = coalesce(excluded.phone, phone)
WHERE coalesce(excluded.county, county) IS NOT county OR coalesce(excluded.phone, phone) IS NOT phone
    OR coalesce(excluded.latitude, latitude) IS NOT latitude
    OR coalesce(excluded.longitude, longitude) IS NOT longitude"""

DELETE_OWNED_LOCATIONS = "DELETE FROM provider_location WHERE npi = ? AND owner_source = ?"
DELETE_OWNED_TAXONOMIES = "DELETE FROM provider_taxonomy WHERE npi = ? AND owner_source = ?"
DELETE_OWNED_OTHER_NAMES = "DELETE FROM other_name WHERE npi = ? AND owner_source = ?"

INSERT_PROVIDER_LOCATION = (
    """
INSERT INTO provider_location (npi, location_id, owner_source, is_primary, seq, phone, """
    + _EVL
    + """)
SELECT :npi, id, :owner, :is_primary, :seq, :phone, """
    + _EVL_VALUES
    + """
FROM location WHERE key = :key"""
)

INSERT_PROVIDER_TAXONOMY = (
    """
INSERT INTO provider_taxonomy (npi, owner_source, seq, code, is_primary, license_number, license_state, """
    + _EV
    + """)
VALUES (:npi, :owner, :seq, :code, :is_primary, :license_number, :license_state,
    :source, :retrieved, :method, :confidence, :reference)"""
)

INSERT_OTHER_NAME = (
    """
INSERT INTO other_name (npi, owner_source, seq, name, type_code, """
    + _EV
    + """)
VALUES (:npi, :owner, :seq, :name, :type_code, :source, :retrieved, :method, :confidence, :reference)"""
)

OTHER_NAMES_OF = """
SELECT npi, name FROM other_name WHERE npi IN (SELECT value FROM json_each(?)) ORDER BY npi, owner_source, seq"""
DELETE_NAMES = "DELETE FROM provider_name WHERE npi IN (SELECT value FROM json_each(?))"
# by (word, name_id), the primary key: words a name no longer yields (a fold changed by a new
# Unicode version) would stay, matching nothing the base class accepts
DELETE_NAME_WORDS = """
DELETE FROM name_word WHERE (word, name_id) IN (
    SELECT w.value, n.id FROM provider_name n, json_each(name_words(n.name)) w
    WHERE n.npi IN (SELECT value FROM json_each(?)))"""
INSERT_NAME = "INSERT INTO provider_name (npi, name) VALUES (?, ?)"
# the words of the names of some NPIs: now, or listed for the end of a bulk load
INSERT_NAME_WORDS = """
INSERT OR IGNORE INTO name_word (word, name_id)
SELECT w.value, n.id FROM provider_name n, json_each(name_words(n.name)) w
WHERE n.npi IN (SELECT value FROM json_each(?))"""
PEND_NAME_WORDS = """
INSERT OR IGNORE INTO name_word_pending (name_id)
SELECT id FROM provider_name WHERE npi IN (SELECT value FROM json_each(?))"""

# secondary facts a full file no longer lists (owner, reference kept)
SWEPT_NAME_NPIS = "SELECT DISTINCT npi FROM other_name WHERE owner_source = ? AND coalesce(reference, '') <> ?"
SWEEP_LOCATIONS = "DELETE FROM provider_location WHERE owner_source = ? AND coalesce(reference, '') <> ?"
SWEEP_OTHER_NAMES = "DELETE FROM other_name WHERE owner_source = ? AND coalesce(reference, '') <> ?"

CHECKPOINT = "UPDATE ingest_run SET resume_line = ?, counts = ? WHERE run_id = ?"

DEACTIVATE = """
UPDATE provider SET deactivation_date = :day, deactivation_evidence = :note
WHERE npi = :npi AND deactivation_date IS NOT :day"""

PROVIDERS = "SELECT * FROM provider WHERE npi IN (SELECT value FROM json_each(?))"
NPI_PAGE = "SELECT npi FROM provider WHERE npi > ? ORDER BY npi LIMIT ?"
PROVIDER_NPIS = "SELECT npi FROM provider WHERE npi IN (SELECT value FROM json_each(?))"

LOCATIONS_FOR = """
SELECT pl.npi, pl.is_primary, pl.source, pl.retrieved, pl.method, pl.confidence, pl.reference,
    pl.file, pl.link_probability, l.line1, l.line2, l.city, l.state, l.zip5, l.county, l.latitude, l.longitude,
    coalesce(pl.phone, l.phone) AS phone
FROM provider_location pl JOIN location l ON l.id = pl.location_id
WHERE pl.npi IN (SELECT value FROM json_each(?))
ORDER BY pl.npi, pl.owner_source, pl.seq"""

TAXONOMIES_FOR = """
SELECT pt.*, t.display_name FROM provider_taxonomy pt LEFT JOIN taxonomy t ON t.code = pt.code
WHERE pt.npi IN (SELECT value FROM json_each(?))
ORDER BY pt.npi, pt.owner_source, pt.seq"""

OTHER_NAMES_FOR = """
SELECT * FROM other_name WHERE npi IN (SELECT value FROM json_each(?)) ORDER BY npi, owner_source, seq"""

CREDENTIALS_FOR = """
SELECT * FROM credential WHERE npi IN (SELECT value FROM json_each(?)) ORDER BY npi, key, source"""

TREATMENTS_FOR = """
SELECT * FROM treatment_offering WHERE npi IN (SELECT value FROM json_each(?))
ORDER BY npi, treatment, location_key, source"""

# newest first: Store.access_for shows the first, as the access_latest view does
ACCESS_FOR = """
SELECT * FROM access_facts WHERE npi IN (SELECT value FROM json_each(?)) ORDER BY npi, retrieved DESC, source"""

NETWORKS_FOR = """
SELECT m.npi, n.* FROM network_member m JOIN network n ON n.id = m.network_id
WHERE m.npi IN (SELECT value FROM json_each(?)) ORDER BY m.npi, n.id"""

# both directions: a row is listed under each of its ends that was asked for
AFFILIATIONS_FOR = """
WITH asked AS (SELECT value AS npi FROM json_each(?))
SELECT asked.npi AS npi, a.* FROM asked JOIN affiliation a ON a.individual_npi = asked.npi
UNION ALL
SELECT asked.npi AS npi, a.* FROM asked JOIN affiliation a ON a.organization_npi = asked.npi
ORDER BY 1, 2, 3, 4"""

EXCLUSIONS_FOR = """
SELECT * FROM exclusion WHERE npi IN (SELECT value FROM json_each(?)) ORDER BY npi, excluded_on, list_name"""

# subparts name their parent by its legal business name; a subpart is never a parent
SUBPARTS_OF = """
SELECT o.npi AS npi, s.npi AS subpart_npi
FROM provider o JOIN provider s
    ON s.parent_organization_name = o.organization_name COLLATE NOCASE
WHERE o.npi IN (SELECT value FROM json_each(?)) AND o.entity_type = 2 AND coalesce(o.is_subpart, 0) = 0
    AND s.is_subpart = 1 AND s.npi <> o.npi
ORDER BY o.npi, s.npi"""

PARENTS_OF = """
SELECT s.npi AS npi, o.npi AS parent_npi
FROM provider s JOIN provider o
    ON s.parent_organization_name = o.organization_name COLLATE NOCASE
WHERE s.npi IN (SELECT value FROM json_each(?)) AND s.is_subpart = 1
    AND o.entity_type = 2 AND coalesce(o.is_subpart, 0) = 0 AND o.npi <> s.npi
ORDER BY s.npi, o.npi"""

# ------------------------------------------------ facts from other sources
# Written only for known NPIs: the WHERE EXISTS drops the others.
UPSERT_CREDENTIAL = (
    """
INSERT INTO credential (npi, key, kind, number, state, status, expires, board, specialty, certified_on, """
    + _EVL
    + """)
SELECT :npi, :key, :kind, :number, :state, :status, :expires, :board, :specialty, :certified_on, """
    + _EVL_VALUES
    + """
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = :npi)
ON CONFLICT (npi, key, source) DO UPDATE SET kind = excluded.kind, number = excluded.number,
    state = excluded.state, status = excluded.status, expires = excluded.expires, board = excluded.board,
    specialty = excluded.specialty, certified_on = excluded.certified_on, retrieved = excluded.retrieved,
    method = excluded.method, confidence = excluded.confidence, reference = excluded.reference,
    file = excluded.file, link_probability = excluded.link_probability"""
)

UPSERT_TREATMENT = (
    """
INSERT INTO treatment_offering (npi, treatment, location_key, telehealth, detail, """
    + _EVL
    + """)
SELECT :npi, :treatment, :location_key, :telehealth, :detail, """
    + _EVL_VALUES
    + """
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = :npi)
ON CONFLICT (npi, treatment, location_key, source) DO UPDATE SET telehealth = excluded.telehealth,
    detail = excluded.detail, retrieved = excluded.retrieved, method = excluded.method,
    confidence = excluded.confidence, reference = excluded.reference, file = excluded.file,
    link_probability = excluded.link_probability"""
)

UPSERT_ACCESS = (
    """
INSERT INTO access_facts (npi, accepting_new_patients, telehealth, languages, wait_days, """
    + _EVL
    + """)
SELECT :npi, :accepting, :telehealth, :languages, :wait_days, """
    + _EVL_VALUES
    + """
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = :npi)
ON CONFLICT (npi, source) DO UPDATE SET accepting_new_patients = excluded.accepting_new_patients,
    telehealth = excluded.telehealth, languages = excluded.languages, wait_days = excluded.wait_days,
    retrieved = excluded.retrieved, method = excluded.method, confidence = excluded.confidence,
    reference = excluded.reference, file = excluded.file, link_probability = excluded.link_probability"""
)

UPSERT_AFFILIATION = (
    """
INSERT INTO affiliation (individual_npi, organization_npi, role, """
    + _EV
    + """)
SELECT :individual_npi, :organization_npi, :role, :source, :retrieved, :method, :confidence, :reference
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = :individual_npi)
    AND EXISTS (SELECT 1 FROM provider WHERE npi = :organization_npi)
ON CONFLICT (individual_npi, organization_npi, source) DO UPDATE SET role = excluded.role,
    retrieved = excluded.retrieved, method = excluded.method, confidence = excluded.confidence,
    reference = excluded.reference"""
)

UPSERT_EXCLUSION = (
    """
INSERT INTO exclusion (npi, list_name, exclusion_type, excluded_on, reinstated_on, """
    + _EV
    + """)
SELECT :npi, :list_name, :exclusion_type, :excluded_on, :reinstated_on,
    :source, :retrieved, :method, :confidence, :reference
WHERE EXISTS (SELECT 1 FROM provider WHERE npi = :npi)
ON CONFLICT (npi, list_name, exclusion_type, excluded_on) DO UPDATE SET reinstated_on = excluded.reinstated_on, """
    + _EV_SET
)

# ------------------------------------------------ payers, plans, networks
UPSERT_PAYER = "INSERT INTO payer (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name"
UPSERT_EMPLOYER = "INSERT INTO employer (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name"
# status and regions are set when a network is created; an upsert keeps the stored ones
UPSERT_NETWORK = """
INSERT INTO network (id, name, kind, owner_id, status, regions) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, owner_id = excluded.owner_id"""
DELETE_EMPLOYER_PLANS = "DELETE FROM employer_plan WHERE employer_id IN (SELECT value FROM json_each(?))"
INSERT_EMPLOYER_PLAN = "INSERT INTO employer_plan (employer_id, plan_id, seq) VALUES (?, ?, ?)"
UPSERT_PLAN = """
INSERT INTO plan (id, payer_id, name, product_type) VALUES (?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET payer_id = excluded.payer_id, name = excluded.name,
    product_type = excluded.product_type"""
DELETE_PLAN_NETWORKS = "DELETE FROM plan_network WHERE plan_id IN (SELECT value FROM json_each(?))"
INSERT_PLAN_NETWORK = "INSERT INTO plan_network (plan_id, network_id, seq) VALUES (?, ?, ?)"

PAYERS = "SELECT id, name FROM payer ORDER BY id"
EMPLOYERS = """
SELECT e.id, e.name, (SELECT json_group_array(plan_id)
                      FROM (SELECT plan_id FROM employer_plan WHERE employer_id = e.id ORDER BY seq)) AS plan_ids
FROM employer e ORDER BY e.id"""
NETWORKS = """
SELECT * FROM network WHERE :ids IS NULL OR id IN (SELECT value FROM json_each(:ids)) ORDER BY id"""
PLANS = """
SELECT p.*, (SELECT json_group_array(network_id)
             FROM (SELECT network_id FROM plan_network WHERE plan_id = p.id ORDER BY seq)) AS network_ids
FROM plan p WHERE :ids IS NULL OR p.id IN (SELECT value FROM json_each(:ids)) ORDER BY p.id"""

NETWORK_IDS = "SELECT id FROM network WHERE id IN (SELECT value FROM json_each(?))"
COUNT_MEMBERS = "SELECT count(*) FROM network_member WHERE network_id IN (SELECT value FROM json_each(?))"
# an existing member keeps its decision and review: a roster refreshes the evidence only
UPSERT_MEMBER = (
    """
INSERT INTO network_member (network_id, npi, added_on, """
    + _EVL
    + """, decision, decided_by, decided_at, note, reviewed_seq, reviewed_at)
VALUES (:network_id, :npi, :added_on, """
    + _EVL_VALUES
    + """,
    :decision, :decided_by, :decided_at, :note, :reviewed_seq, :reviewed_at)
ON CONFLICT (network_id, npi) DO UPDATE SET added_on = excluded.added_on, """
    + _EVL_SET
)
DELETE_MEMBERS = """
DELETE FROM network_member WHERE network_id = ? AND npi IN (SELECT value FROM json_each(?))"""
MEMBERS = "SELECT * FROM network_member WHERE network_id = ? ORDER BY npi"

# ------------------------------------------------------ entity resolution
UPSERT_MATCH = """
INSERT INTO match_decision (match_id, left_ref, right_ref, probability, match_weight, agreement, status,
    decided_by, decided_at, npi)
VALUES (:match_id, :left_ref, :right_ref, :probability, :match_weight, :agreement, :status,
    :decided_by, :decided_at, :npi)
ON CONFLICT (match_id) DO UPDATE SET left_ref = excluded.left_ref, right_ref = excluded.right_ref,
    probability = excluded.probability, match_weight = excluded.match_weight, agreement = excluded.agreement,
    status = excluded.status, decided_by = excluded.decided_by, decided_at = excluded.decided_at,
    npi = excluded.npi"""

MATCHES = """
SELECT * FROM match_decision
WHERE (:status IS NULL OR status = :status)
    AND (:ids IS NULL OR match_id IN (SELECT value FROM json_each(:ids)))
    AND (:record IS NULL OR left_ref = :record OR right_ref = :record)
ORDER BY probability DESC, match_id
LIMIT :limit"""

DECIDE_MATCH = "UPDATE match_decision SET status = ?, decided_by = ?, decided_at = ? WHERE match_id = ?"
MATCH_BY_ID = "SELECT * FROM match_decision WHERE match_id = ?"

# ------------------------------------------------------------ ingest books
UNFINISHED_RUN = """
SELECT * FROM ingest_run WHERE source = ? AND file_sha256 = ? AND status IN ('running', 'failed')
ORDER BY started_at DESC, run_id DESC LIMIT 1"""
# a run reopened before its first checkpoint starts over, so it takes the new scope
RESUME_RUN = """
UPDATE ingest_run SET status = 'running', finished_at = NULL,
    scope = CASE WHEN resume_line = 0 THEN ? ELSE scope END
WHERE run_id = ?"""
RUN_BY_ID = "SELECT * FROM ingest_run WHERE run_id = ?"
INSERT_RUN = """
INSERT INTO ingest_run (run_id, source, file_name, file_sha256, started_at, finished_at, status, counts,
    resume_line, scope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
FINISH_RUN = "UPDATE ingest_run SET status = ?, finished_at = ?, counts = ? WHERE run_id = ?"
RUNS = "SELECT * FROM ingest_run WHERE :source IS NULL OR source = :source ORDER BY started_at, run_id"

QUARANTINE = """
INSERT OR IGNORE INTO quarantine (run_id, line_number, source, reason, detail, raw) VALUES (?, ?, ?, ?, ?, ?)"""
QUARANTINED = """
SELECT * FROM quarantine WHERE :run_id IS NULL OR run_id = :run_id ORDER BY run_id, line_number LIMIT :limit"""

# An older file loaded later does not move a list's date back.
UPSERT_EXCLUSION_LIST = """
INSERT INTO exclusion_list (list_name, as_of, source, retrieved, method, confidence, reference)
VALUES (:list_name, :as_of, :source, :retrieved, :method, :confidence, :reference)
ON CONFLICT (list_name) DO UPDATE SET as_of = excluded.as_of, source = excluded.source,
    retrieved = excluded.retrieved, method = excluded.method, confidence = excluded.confidence,
    reference = excluded.reference
WHERE excluded.as_of >= exclusion_list.as_of"""

EXCLUSION_LISTS = "SELECT * FROM exclusion_list ORDER BY list_name"
