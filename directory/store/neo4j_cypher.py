"""Constant Cypher of the Neo4j adapter. Every value is a ``$parameter``; sets
of rows arrive as one list parameter read with ``UNWIND``. No ``CALL { ... }``
subqueries (their syntax changed in 5.23): only ``EXISTS { ... }`` and pattern
comprehensions, so every query runs unchanged, without deprecation notices, on
every Neo4j 5 release. Dates are ISO ``YYYY-MM-DD`` strings (they order and
compare as dates)."""

from __future__ import annotations

# ----------------------------------------------------------------- schema
#: Each runs in its own transaction (schema and data writes cannot share one).
SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT npi_unique IF NOT EXISTS FOR (n:Npi) REQUIRE n.npi IS UNIQUE",
    "CREATE CONSTRAINT location_key IF NOT EXISTS FOR (l:Location) REQUIRE l.key IS UNIQUE",
    "CREATE CONSTRAINT taxonomy_code IF NOT EXISTS FOR (t:Taxonomy) REQUIRE t.code IS UNIQUE",
    "CREATE CONSTRAINT treatment_code IF NOT EXISTS FOR (t:Treatment) REQUIRE t.code IS UNIQUE",
    "CREATE CONSTRAINT credential_uid IF NOT EXISTS FOR (c:Credential) REQUIRE c.uid IS UNIQUE",
    "CREATE CONSTRAINT access_uid IF NOT EXISTS FOR (a:Access) REQUIRE a.uid IS UNIQUE",
    "CREATE INDEX access_npi_newest IF NOT EXISTS FOR (a:Access) ON (a.npi, a.retrieved)",
    "CREATE CONSTRAINT exclusion_uid IF NOT EXISTS FOR (x:Exclusion) REQUIRE x.uid IS UNIQUE",
    "CREATE CONSTRAINT exclusion_list_name IF NOT EXISTS FOR (l:ExclusionList) REQUIRE l.list_name IS UNIQUE",
    "CREATE CONSTRAINT payer_id IF NOT EXISTS FOR (p:Payer) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT employer_id IF NOT EXISTS FOR (e:Employer) REQUIRE e.id IS UNIQUE",
    "CREATE CONSTRAINT network_id IF NOT EXISTS FOR (w:Network) REQUIRE w.id IS UNIQUE",
    "CREATE CONSTRAINT plan_id IF NOT EXISTS FOR (p:Plan) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT match_id IF NOT EXISTS FOR (m:MatchDecision) REQUIRE m.match_id IS UNIQUE",
    "CREATE CONSTRAINT run_id IF NOT EXISTS FOR (r:IngestRun) REQUIRE r.run_id IS UNIQUE",
    "CREATE CONSTRAINT quarantine_uid IF NOT EXISTS FOR (q:Quarantine) REQUIRE q.uid IS UNIQUE",
    "CREATE CONSTRAINT schema_version_id IF NOT EXISTS FOR (s:SchemaVersion) REQUIRE s.id IS UNIQUE",
    "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.key_id IS UNIQUE",
    "CREATE CONSTRAINT vetting_criteria_network IF NOT EXISTS FOR (c:VettingCriteria) REQUIRE c.network_id IS UNIQUE",
    "CREATE CONSTRAINT vetting_result_uid IF NOT EXISTS FOR (r:VettingResult) REQUIRE r.uid IS UNIQUE",
    "CREATE INDEX vetting_result_provider IF NOT EXISTS FOR (r:VettingResult) ON (r.network_id, r.npi)",
    "CREATE CONSTRAINT network_event_uid IF NOT EXISTS FOR (e:NetworkEvent) REQUIRE e.uid IS UNIQUE",
    "CREATE INDEX network_event_seq IF NOT EXISTS FOR (e:NetworkEvent) ON (e.network_id, e.seq)",
    "CREATE POINT INDEX location_point IF NOT EXISTS FOR (l:Location) ON (l.point)",
    "CREATE INDEX location_state IF NOT EXISTS FOR (l:Location) ON (l.state)",
    "CREATE INDEX network_owner IF NOT EXISTS FOR (w:Network) ON (w.owner_id)",
    "CREATE INDEX plan_payer IF NOT EXISTS FOR (p:Plan) ON (p.payer_id)",
    "CREATE INDEX organization_lbn IF NOT EXISTS FOR (o:Organization) ON (o.lbn_key)",
    "CREATE INDEX organization_parent_lbn IF NOT EXISTS FOR (o:Organization) ON (o.parent_lbn_key)",
    "CREATE INDEX match_status IF NOT EXISTS FOR (m:MatchDecision) ON (m.status)",
    "CREATE INDEX match_left IF NOT EXISTS FOR (m:MatchDecision) ON (m.left_ref)",
    "CREATE INDEX match_right IF NOT EXISTS FOR (m:MatchDecision) ON (m.right_ref)",
    "CREATE INDEX run_file IF NOT EXISTS FOR (r:IngestRun) ON (r.source, r.file_sha256)",
    "CREATE INDEX quarantine_run IF NOT EXISTS FOR (q:Quarantine) ON (q.run_id)",
    # name words, looked up by exact word and word range (see .names); a range index backs the constraint
    "CREATE CONSTRAINT name_word IF NOT EXISTS FOR (w:NameWord) REQUIRE w.word IS UNIQUE",
    "CREATE CONSTRAINT exclusion_record_uid IF NOT EXISTS FOR (r:ExclusionRecord) REQUIRE r.uid IS UNIQUE",
    "CREATE INDEX exclusion_record_identity IF NOT EXISTS FOR (r:ExclusionRecord) ON (r.list_name, r.identity)",
    "CREATE INDEX exclusion_record_key IF NOT EXISTS FOR (r:ExclusionRecord) ON (r.list_name, r.key)",
    "CREATE INDEX exclusion_reference IF NOT EXISTS FOR (x:Exclusion) ON (x.reference)",
    "CREATE CONSTRAINT outcome_uid IF NOT EXISTS FOR (o:Outcome) REQUIRE o.uid IS UNIQUE",
)

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

SCHEMA_VERSION_READ = "OPTIONAL MATCH (s:SchemaVersion {id: 'provnet'}) RETURN s.version AS version"
SCHEMA_VERSION_WRITE = "MERGE (s:SchemaVersion {id: 'provnet'}) SET s.version = $version"

#: Version -> statements (each in its own transaction, after SCHEMA) that bring a
#: store of the version before it there.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 3: one Access node per (NPI, source) instead of per NPI, so sources that disagree can be seen
    3: (
        "DROP CONSTRAINT access_npi IF EXISTS",
        "MATCH (a:Access) WHERE a.uid IS NULL SET a.uid = a.npi + '|' + a.source",
    ),
    # 4: networks are curated (issue 10): each has a status and regions (JSON); memberships written
    # before have no decision, and read as such
    4: ("MATCH (w:Network) WHERE w.status IS NULL SET w.status = 'active', w.regions = coalesce(w.regions, '[]')",),
}

#: One batch of the wipe loop; run until it deletes nothing.
WIPE_BATCH = """
MATCH (n) WHERE any(label IN labels(n) WHERE label IN $labels)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted"""

# --------------------------------------------------------------- reference
UPSERT_TAXONOMIES = """
UNWIND $rows AS row
MERGE (t:Taxonomy {code: row.code})
SET t.display_name = row.display_name, t.grouping = row.grouping,
    t.classification = row.classification, t.specialization = row.specialization
RETURN count(*) AS written"""

# Taxonomy nodes without a display name were created by a provider's unknown code.
TAXONOMIES = """
MATCH (t:Taxonomy)
WHERE t.display_name IS NOT NULL AND ($codes IS NULL OR t.code IN $codes)
RETURN t.code AS code, t.display_name AS display_name, t.grouping AS grouping,
       t.classification AS classification, t.specialization AS specialization
ORDER BY code"""

# --------------------------------------------------------------- providers
STORED_VERSIONS = """
MATCH (n:Npi) WHERE n.npi IN $npis
RETURN n.npi AS npi, n.content_hash AS content_hash, n.last_update AS last_update"""

# `+=` with a null value removes that property, so absent fields stay absent.
MERGE_PROVIDERS = """
UNWIND $rows AS row
MERGE (n:Npi {npi: row.npi})
SET n += row.props
REMOVE n.deactivation_evidence, n.search_name"""

MARK_INDIVIDUALS = "MATCH (n:Npi) WHERE n.npi IN $npis SET n:Provider REMOVE n:Organization"
MARK_ORGANIZATIONS = "MATCH (n:Npi) WHERE n.npi IN $npis SET n:Organization REMOVE n:Provider"

# Facts a record owns are those whose `owner` is the record's evidence source.
DELETE_OWNED_FACTS = """
UNWIND $owned AS own
MATCH (:Npi {npi: own.npi})-[r:PRACTICES_AT|HAS_TAXONOMY]->()
WHERE r.owner = own.owner
DELETE r"""

DELETE_OWNED_OTHER_NAMES = """
UNWIND $owned AS own
MATCH (:Npi {npi: own.npi})-[:ALSO_KNOWN_AS]->(o:OtherName)
WHERE o.owner = own.owner
DETACH DELETE o"""

# A location is shared by providers: keep what is known when a writer knows less.
MERGE_LOCATIONS = """
UNWIND $locations AS row
MERGE (l:Location {key: row.key})
ON CREATE SET l.line1 = row.line1, l.line2 = row.line2, l.city = row.city, l.state = row.state,
              l.zip5 = row.zip5
SET l.county = coalesce(row.county, l.county),
    l.latitude = coalesce(row.latitude, l.latitude),
    l.longitude = coalesce(row.longitude, l.longitude),
    l.phone = coalesce(row.phone, l.phone)
WITH l
SET l.point = CASE WHEN l.latitude IS NULL OR l.longitude IS NULL THEN null
                   ELSE point({latitude: l.latitude, longitude: l.longitude}) END"""

CREATE_PRACTICES_AT = """
UNWIND $placed AS row
MATCH (n:Npi {npi: row.npi})
MATCH (l:Location {key: row.key})
CREATE (n)-[r:PRACTICES_AT]->(l)
SET r = row.fact"""

CREATE_HAS_TAXONOMY = """
UNWIND $coded AS row
MATCH (n:Npi {npi: row.npi})
MERGE (t:Taxonomy {code: row.code})
CREATE (n)-[r:HAS_TAXONOMY]->(t)
SET r = row.fact"""

CREATE_OTHER_NAMES = """
UNWIND $named AS row
MATCH (n:Npi {npi: row.npi})
CREATE (n)-[:ALSO_KNOWN_AS]->(o:OtherName)
SET o = row.props
WITH o, row
UNWIND row.words AS word
MERGE (w:NameWord {word: word})
CREATE (o)-[:NAMED]->(w)"""

# Secondary facts: written by an owner other than the record's source.
KNOWN_NPIS = """
MATCH (n:Npi) WHERE n.npi IN $npis
RETURN collect(n.npi) AS known"""

DELETE_OWNED_LOCATIONS = """
UNWIND $owned AS own
MATCH (:Npi {npi: own.npi})-[r:PRACTICES_AT]->()
WHERE r.owner = own.owner
DELETE r"""

# What a full file no longer lists: the owner's facts from any other file.
SWEEP_OWNED_LOCATIONS = """
MATCH (:Npi)-[r:PRACTICES_AT]->()
WHERE r.owner = $owner AND coalesce(r.reference, '') <> $reference
DELETE r
RETURN count(*) AS removed"""

SWEEP_OWNED_OTHER_NAMES = """
MATCH (:Npi)-[:ALSO_KNOWN_AS]->(o:OtherName)
WHERE o.owner = $owner AND coalesce(o.reference, '') <> $reference
DETACH DELETE o
RETURN count(*) AS removed"""

# Subparts name their parent by legal business name; a subpart is never a parent.
UNLINK_SUBPARTS = """
MATCH (n:Npi)-[r:SUBPART_OF]-() WHERE n.npi IN $npis
WITH DISTINCT r
DELETE r"""

LINK_SUBPARTS_UP = """
MATCH (s:Organization) WHERE s.npi IN $npis AND s.is_subpart = true AND s.parent_lbn_key IS NOT NULL
MATCH (p:Organization {lbn_key: s.parent_lbn_key})
WHERE p.npi <> s.npi AND coalesce(p.is_subpart, false) = false
MERGE (s)-[:SUBPART_OF]->(p)"""

LINK_SUBPARTS_DOWN = """
MATCH (p:Organization) WHERE p.npi IN $npis AND coalesce(p.is_subpart, false) = false AND p.lbn_key IS NOT NULL
MATCH (s:Organization {parent_lbn_key: p.lbn_key})
WHERE s.npi <> p.npi AND s.is_subpart = true
MERGE (s)-[:SUBPART_OF]->(p)"""

CHECKPOINT = """
MATCH (r:IngestRun {run_id: $run_id})
SET r.resume_line = $resume_line, r.counts = $counts
RETURN count(r) AS found"""

DEACTIVATE = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
WHERE n.deactivation_date IS NULL OR n.deactivation_date <> row.day
SET n.deactivation_date = row.day, n.deactivation_evidence = $note
RETURN count(n) AS changed"""

PROVIDERS = "MATCH (n:Npi) WHERE n.npi IN $npis RETURN properties(n) AS props"
NPI_PAGE = "MATCH (n:Npi) WHERE n.npi > $after RETURN n.npi AS npi ORDER BY npi LIMIT $limit"

LOCATIONS_FOR = """
MATCH (n:Npi)-[r:PRACTICES_AT]->(l:Location) WHERE n.npi IN $npis
RETURN n.npi AS npi, properties(r) AS fact,
       l {.line1, .line2, .city, .state, .zip5, .county, .latitude, .longitude, .phone} AS place
ORDER BY npi, r.owner, r.seq"""

TAXONOMIES_FOR = """
MATCH (n:Npi)-[r:HAS_TAXONOMY]->(t:Taxonomy) WHERE n.npi IN $npis
RETURN n.npi AS npi, t.code AS code, t.display_name AS display_name, properties(r) AS fact
ORDER BY npi, r.owner, r.seq"""

OTHER_NAMES_FOR = """
MATCH (n:Npi)-[:ALSO_KNOWN_AS]->(o:OtherName) WHERE n.npi IN $npis
RETURN n.npi AS npi, properties(o) AS props
ORDER BY npi, o.owner, o.seq"""

CREDENTIALS_FOR = """
MATCH (n:Npi)-[:HAS_CREDENTIAL]->(c:Credential) WHERE n.npi IN $npis
RETURN n.npi AS npi, properties(c) AS props
ORDER BY npi, c.key, c.source"""

TREATMENTS_FOR = """
MATCH (n:Npi)-[r:OFFERS]->(t:Treatment) WHERE n.npi IN $npis
RETURN n.npi AS npi, t.code AS treatment, properties(r) AS fact
ORDER BY npi, treatment, r.location_key, r.source"""

# newest first: Store.access_for shows the first (LATEST_ACCESS in neo4j_search is the same rule)
ACCESS_FOR = """
MATCH (n:Npi)-[:HAS_ACCESS]->(a:Access) WHERE n.npi IN $npis
RETURN n.npi AS npi, properties(a) AS props
ORDER BY npi, a.retrieved DESC, a.source"""

NETWORKS_FOR = """
MATCH (n:Npi)-[:IN_NETWORK]->(w:Network) WHERE n.npi IN $npis
RETURN n.npi AS npi, w.id AS id, w.name AS name, w.kind AS kind, w.owner_id AS owner_id, w.status AS status,
       w.regions AS regions
ORDER BY npi, id"""

# Both directions: a row is listed under each of its ends that was asked for.
AFFILIATIONS_FOR = """
UNWIND $npis AS npi
MATCH (:Npi {npi: npi})-[r:AFFILIATED_WITH]-(:Npi)
WITH npi, r, startNode(r) AS i, endNode(r) AS o
RETURN npi, i.npi AS individual_npi, o.npi AS organization_npi, properties(r) AS fact
ORDER BY npi, individual_npi, organization_npi, fact.source"""

EXCLUSIONS_FOR = """
MATCH (n:Npi)-[:EXCLUDED]->(x:Exclusion) WHERE n.npi IN $npis
RETURN n.npi AS npi, properties(x) AS props
ORDER BY npi, x.excluded_on, x.list_name"""

SUBPARTS_OF = """
MATCH (s:Npi)-[:SUBPART_OF]->(o:Npi) WHERE o.npi IN $npis
RETURN o.npi AS npi, s.npi AS subpart_npi
ORDER BY npi, subpart_npi"""

PARENTS_OF = """
MATCH (s:Npi)-[:SUBPART_OF]->(o:Npi) WHERE s.npi IN $npis
RETURN s.npi AS npi, o.npi AS parent_npi
ORDER BY npi, parent_npi"""

# ------------------------------------------------- facts from other sources
# Written only for known NPIs: the MATCH drops the others; `written` counts rows.
UPSERT_CREDENTIALS = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MERGE (c:Credential {uid: row.uid})
SET c = row.props
MERGE (n)-[:HAS_CREDENTIAL]->(c)
RETURN count(*) AS written"""

UPSERT_TREATMENTS = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MERGE (t:Treatment {code: row.treatment})
MERGE (n)-[r:OFFERS {location_key: row.location_key, source: row.source}]->(t)
SET r += row.fact
RETURN count(*) AS written"""

UPSERT_ACCESS = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MERGE (a:Access {uid: row.props.uid})
SET a = row.props
MERGE (n)-[:HAS_ACCESS]->(a)
RETURN count(*) AS written"""

UPSERT_AFFILIATIONS = """
UNWIND $rows AS row
MATCH (i:Npi {npi: row.individual_npi})
MATCH (o:Npi {npi: row.organization_npi})
MERGE (i)-[r:AFFILIATED_WITH {source: row.source}]->(o)
SET r += row.fact
RETURN count(*) AS written"""

UPSERT_EXCLUSIONS = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MERGE (x:Exclusion {uid: row.uid})
SET x = row.props
MERGE (n)-[:EXCLUDED]->(x)
RETURN count(*) AS written"""

# An older file loaded later does not move a list's date back.
UPSERT_EXCLUSION_LISTS = """
UNWIND $rows AS row
MERGE (l:ExclusionList {list_name: row.list_name})
WITH l, row
WHERE l.as_of IS NULL OR row.props.as_of >= l.as_of
SET l += row.props
RETURN count(*) AS written"""

EXCLUSION_LISTS = """
MATCH (l:ExclusionList)
RETURN properties(l) AS props
ORDER BY l.list_name"""

# ------------------------------------------------- payers, plans, networks
UPSERT_PAYERS = """
UNWIND $rows AS row
MERGE (p:Payer {id: row.id})
SET p.name = row.name
RETURN count(*) AS written"""

# plan_ids: the payers' plans the employer offers its employees, in its order
UPSERT_EMPLOYERS = """
UNWIND $rows AS row
MERGE (e:Employer {id: row.id})
SET e.name = row.name, e.plan_ids = row.plan_ids
RETURN count(*) AS written"""

# status and regions are set when a network is created; an upsert keeps the stored ones
UPSERT_NETWORKS = """
UNWIND $rows AS row
MERGE (w:Network {id: row.id})
ON CREATE SET w.status = row.status, w.regions = row.regions
SET w.name = row.name, w.kind = row.kind, w.owner_id = row.owner_id
RETURN count(*) AS written"""

UPSERT_PLANS = """
UNWIND $rows AS row
MERGE (p:Plan {id: row.id})
SET p.payer_id = row.payer_id, p.name = row.name, p.product_type = row.product_type,
    p.network_ids = row.network_ids
RETURN count(*) AS written"""

# Edges follow the id properties whichever side was written first: each upsert
# drops the edges its nodes' ids define and links them again.
LINK_PAYER_NETWORKS = """
MATCH (y:Payer) WHERE y.id IN $ids
MATCH (w:Network {owner_id: y.id}) WHERE w.kind = 'payer'
MERGE (y)-[:OFFERS_NETWORK]->(w)"""

LINK_PAYER_PLANS = """
MATCH (y:Payer) WHERE y.id IN $ids
MATCH (p:Plan {payer_id: y.id})
MERGE (y)-[:OFFERS_PLAN]->(p)"""

LINK_EMPLOYERS = """
MATCH (e:Employer) WHERE e.id IN $ids
MATCH (w:Network {owner_id: e.id}) WHERE w.kind = 'employer'
MERGE (e)-[:OFFERS_NETWORK]->(w)"""

UNLINK_NETWORK_OWNERS = """
MATCH (w:Network)<-[r:OFFERS_NETWORK]-() WHERE w.id IN $ids
DELETE r"""

LINK_NETWORK_OWNERS = """
MATCH (w:Network) WHERE w.id IN $ids
OPTIONAL MATCH (y:Payer {id: w.owner_id})
OPTIONAL MATCH (e:Employer {id: w.owner_id})
WITH w, CASE w.kind WHEN 'payer' THEN y WHEN 'employer' THEN e END AS owner
WHERE owner IS NOT NULL
MERGE (owner)-[:OFFERS_NETWORK]->(w)"""

LINK_NETWORK_PLANS = """
MATCH (p:Plan) WHERE any(network_id IN p.network_ids WHERE network_id IN $ids)
MATCH (w:Network) WHERE w.id IN $ids AND w.id IN p.network_ids
MERGE (p)-[:USES]->(w)"""

UNLINK_PLAN_NETWORKS = """
MATCH (p:Plan)-[r:USES]->() WHERE p.id IN $ids
DELETE r"""

UNLINK_PLAN_PAYERS = """
MATCH (p:Plan)<-[r:OFFERS_PLAN]-() WHERE p.id IN $ids
DELETE r"""

LINK_PLANS = """
MATCH (p:Plan) WHERE p.id IN $ids
UNWIND p.network_ids AS network_id
MATCH (w:Network {id: network_id})
MERGE (p)-[:USES]->(w)"""

LINK_PLANS_TO_PAYERS = """
MATCH (p:Plan) WHERE p.id IN $ids
MATCH (y:Payer {id: p.payer_id})
MERGE (y)-[:OFFERS_PLAN]->(p)"""

PAYERS = "MATCH (p:Payer) RETURN p.id AS id, p.name AS name ORDER BY id"
EMPLOYERS = "MATCH (e:Employer) RETURN e.id AS id, e.name AS name, e.plan_ids AS plan_ids ORDER BY id"

NETWORKS = """
MATCH (w:Network) WHERE $ids IS NULL OR w.id IN $ids
RETURN w.id AS id, w.name AS name, w.kind AS kind, w.owner_id AS owner_id, w.status AS status,
       w.regions AS regions
ORDER BY id"""

PLANS = """
MATCH (p:Plan) WHERE $ids IS NULL OR p.id IN $ids
RETURN p.id AS id, p.payer_id AS payer_id, p.name AS name, p.product_type AS product_type,
       p.network_ids AS network_ids
ORDER BY id"""

MISSING_NETWORKS = """
UNWIND $ids AS network_id
OPTIONAL MATCH (w:Network {id: network_id})
WITH network_id, w WHERE w IS NULL
RETURN collect(network_id) AS missing"""

MISSING_NPIS = """
UNWIND $npis AS npi
OPTIONAL MATCH (n:Npi {npi: npi})
WITH npi, n WHERE n IS NULL
RETURN collect(npi) AS missing"""

COUNT_MEMBERS = """
MATCH (:Npi)-[r:IN_NETWORK]->(w:Network) WHERE w.id IN $ids
RETURN count(r) AS members"""

# an existing member keeps its decision and review: a roster refreshes the evidence only
# (`+=` with a null value removes that property, so the evidence is replaced whole)
UPSERT_MEMBERS = """
UNWIND $rows AS row
MATCH (n:Npi {npi: row.npi})
MATCH (w:Network {id: row.network_id})
MERGE (n)-[r:IN_NETWORK]->(w)
ON CREATE SET r.decision = row.decision, r.decided_by = row.decided_by, r.decided_at = row.decided_at,
    r.note = row.note, r.reviewed_seq = row.reviewed_seq, r.reviewed_at = row.reviewed_at
SET r += row.fact"""

REMOVE_MEMBERS = """
MATCH (n:Npi)-[r:IN_NETWORK]->(:Network {id: $network_id}) WHERE n.npi IN $npis
DELETE r
RETURN count(*) AS removed"""

MEMBERS = """
MATCH (n:Npi)-[r:IN_NETWORK]->(:Network {id: $network_id})
RETURN n.npi AS npi, properties(r) AS fact
ORDER BY npi"""

# ------------------------------------------------------- entity resolution
UPSERT_MATCHES = """
UNWIND $rows AS row
MERGE (m:MatchDecision {match_id: row.match_id})
SET m += row.props
RETURN count(*) AS written"""

MATCHES = """
MATCH (m:MatchDecision)
WHERE ($status IS NULL OR m.status = $status)
  AND ($ids IS NULL OR m.match_id IN $ids)
  AND ($record IS NULL OR m.left_ref = $record OR m.right_ref = $record)
RETURN properties(m) AS props
ORDER BY props.probability DESC, props.match_id
LIMIT $limit"""

DECIDE_MATCH = """
MATCH (m:MatchDecision {match_id: $match_id})
SET m.status = $status, m.decided_by = $decided_by, m.decided_at = $decided_at
RETURN properties(m) AS props"""

# ------------------------------------------------------------- ingest books
UNFINISHED_RUN = """
MATCH (r:IngestRun {source: $source, file_sha256: $file_sha256})
WHERE r.status IN ['running', 'failed']
WITH r ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1
SET r.status = 'running',
    r.scope = CASE WHEN coalesce(r.resume_line, 0) = 0 THEN $scope ELSE r.scope END
REMOVE r.finished_at
RETURN properties(r) AS props"""

CREATE_RUN = "CREATE (r:IngestRun) SET r = $props"

FINISH_RUN = """
MATCH (r:IngestRun {run_id: $run_id})
SET r.status = $status, r.finished_at = $finished_at, r.counts = $counts
RETURN count(r) AS found"""

RUNS = """
MATCH (r:IngestRun) WHERE $source IS NULL OR r.source = $source
RETURN properties(r) AS props
ORDER BY props.started_at, props.run_id"""

COUNT_QUARANTINED = "MATCH (q:Quarantine) WHERE q.uid IN $uids RETURN count(q) AS existing"

QUARANTINE = """
UNWIND $rows AS row
MERGE (q:Quarantine {uid: row.uid})
ON CREATE SET q += row.props"""

QUARANTINED = """
MATCH (q:Quarantine) WHERE $run_id IS NULL OR q.run_id = $run_id
RETURN properties(q) AS props
ORDER BY props.run_id, props.line_number
LIMIT $limit"""

#: (kind, query): one read transaction runs them all; each is a count-store lookup.
COUNTS: tuple[tuple[str, str], ...] = (
    ("providers", "MATCH (n:Npi) RETURN count(n) AS n"),
    ("individuals", "MATCH (n:Provider) RETURN count(n) AS n"),
    ("organizations", "MATCH (n:Organization) RETURN count(n) AS n"),
    (
        "deactivated",
        """MATCH (n:Npi) WHERE n.deactivation_date IS NOT NULL
        AND (n.reactivation_date IS NULL OR n.reactivation_date < n.deactivation_date) RETURN count(n) AS n""",
    ),
    ("locations", "MATCH (l:Location) RETURN count(l) AS n"),
    ("provider_locations", "MATCH ()-[r:PRACTICES_AT]->() RETURN count(r) AS n"),
    ("taxonomies", "MATCH (t:Taxonomy) WHERE t.display_name IS NOT NULL RETURN count(t) AS n"),
    ("provider_taxonomies", "MATCH ()-[r:HAS_TAXONOMY]->() RETURN count(r) AS n"),
    ("other_names", "MATCH (o:OtherName) RETURN count(o) AS n"),
    ("credentials", "MATCH (c:Credential) RETURN count(c) AS n"),
    ("treatments", "MATCH ()-[r:OFFERS]->() RETURN count(r) AS n"),
    ("access_facts", "MATCH (a:Access) RETURN count(a) AS n"),
    ("affiliations", "MATCH ()-[r:AFFILIATED_WITH]->() RETURN count(r) AS n"),
    ("exclusions", "MATCH (x:Exclusion) RETURN count(x) AS n"),
    ("exclusion_lists", "MATCH (l:ExclusionList) RETURN count(l) AS n"),
    ("exclusion_records", "MATCH (r:ExclusionRecord) RETURN count(r) AS n"),
    ("outcomes", "MATCH (o:Outcome) RETURN count(o) AS n"),
    ("payers", "MATCH (p:Payer) RETURN count(p) AS n"),
    ("employers", "MATCH (e:Employer) RETURN count(e) AS n"),
    ("networks", "MATCH (w:Network) RETURN count(w) AS n"),
    ("plans", "MATCH (p:Plan) RETURN count(p) AS n"),
    ("network_members", "MATCH ()-[r:IN_NETWORK]->() RETURN count(r) AS n"),
    ("network_events", "MATCH (e:NetworkEvent) RETURN count(e) AS n"),
    ("matches", "MATCH (m:MatchDecision) RETURN count(m) AS n"),
    ("source_records", "MATCH (r:SourceRecord) WHERE r.retired_on IS NULL RETURN count(r) AS n"),
    ("retired_records", "MATCH (r:SourceRecord) WHERE r.retired_on IS NOT NULL RETURN count(r) AS n"),
    ("resolution_links", "MATCH (l:ResolutionLink) RETURN count(l) AS n"),
    ("vetting_criteria", "MATCH (c:VettingCriteria) RETURN count(c) AS n"),
    ("vetting_results", "MATCH (r:VettingResult) RETURN count(r) AS n"),
    ("ingest_runs", "MATCH (r:IngestRun) RETURN count(r) AS n"),
    ("quarantined", "MATCH (q:Quarantine) RETURN count(q) AS n"),
)
