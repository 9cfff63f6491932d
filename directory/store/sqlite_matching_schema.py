"""Schema of patient-to-provider matching on the embedded store: the site
index, the match cards and the ranking profiles, and the triggers that keep
them in step with the facts. See :mod:`.sqlite_matching` for how they are read.

**Site index.** ``match_site`` holds, for every provider offering a treatment in
person, each location where it counts: the offering's own location when the
provider practises there, otherwise every location of the provider (telehealth
offerings have no site), with the location's key and point copied in.
``match_site_rtree`` indexes each site in three dimensions, (treatment code,
latitude, longitude), so "TMS within 25 miles" is one R*Tree range query that
touches only the TMS sites in the box, however many other providers practise
there. A change of a provider's offerings or locations rebuilds its sites.

**Match cards.** ``match_card`` holds, one short row per provider, everything
ranking reads of a candidate: name, kind, whether active, access facts, and the
numbers of its ranking profile. A dense metro has close to a thousand
candidates for a common treatment: reading one card per site instead of the
provider, access and profile rows (and the location) cut the read by more than
half. Triggers on ``provider``, ``access_facts`` and ``ranking_profile`` copy
what changes, so a card is never behind its sources.

**Ranking profiles.** ``ranking_profile`` keeps what the matching service
computed per provider. Triggers delete a provider's row when a fact it was made
from is written (record, locations, taxonomies, credentials, exclusions,
treatments), so a row that exists is never older than the facts. A recompute
first *claims* its rows (a row with ``computed_on`` NULL and a token); a fact
written meanwhile deletes the claim, and the write keeps only rows still
claimed with its token.

No trigger body uses ``OR IGNORE``: the conflict clause of an outer UPSERT
would override it.
"""

from __future__ import annotations

# Inserting an NPI into the view match_rebuild rebuilds that provider's sites:
# the rule is written once, here, and the triggers call it.
REBUILD: tuple[str, ...] = (
    "CREATE VIEW IF NOT EXISTS match_rebuild AS SELECT NULL AS npi WHERE 0",
    """CREATE TRIGGER IF NOT EXISTS match_rebuild_sites INSTEAD OF INSERT ON match_rebuild BEGIN
        DELETE FROM match_site WHERE npi = new.npi;
        INSERT INTO match_treatment (treatment)
            SELECT DISTINCT o.treatment FROM treatment_offering o
            WHERE o.npi = new.npi AND o.telehealth = 0
              AND NOT EXISTS (SELECT 1 FROM match_treatment t WHERE t.treatment = o.treatment);
        INSERT INTO match_site (npi, treatment, location_id, key, latitude, longitude)
            SELECT DISTINCT o.npi, o.treatment, pl.location_id, l.key, l.latitude, l.longitude
            FROM treatment_offering o
            JOIN provider_location pl ON pl.npi = o.npi
            JOIN location l ON l.id = pl.location_id
            WHERE o.npi = new.npi AND o.telehealth = 0
              AND (l.key = o.location_key OR NOT EXISTS (
                    SELECT 1 FROM provider_location p2 JOIN location l2 ON l2.id = p2.location_id
                    WHERE p2.npi = o.npi AND l2.key = o.location_key));
        END""",
)

#: Offerings and locations rebuild a provider's sites and forget its profile; the
#: other facts a profile is made from forget it. Only providers with an offering
#: have sites, so an NPPES load pays one index probe per location row.
SITE_TRIGGERS: tuple[str, ...] = (
    """CREATE TRIGGER IF NOT EXISTS match_offering_insert AFTER INSERT ON treatment_offering BEGIN
        INSERT INTO match_rebuild (npi) VALUES (new.npi); DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_offering_update AFTER UPDATE ON treatment_offering BEGIN
        INSERT INTO match_rebuild (npi) VALUES (new.npi); DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_offering_delete AFTER DELETE ON treatment_offering BEGIN
        INSERT INTO match_rebuild (npi) VALUES (old.npi); DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_place_insert AFTER INSERT ON provider_location BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi;
        INSERT INTO match_rebuild (npi)
            SELECT new.npi WHERE EXISTS (SELECT 1 FROM treatment_offering WHERE npi = new.npi); END""",
    """CREATE TRIGGER IF NOT EXISTS match_place_delete AFTER DELETE ON provider_location BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi;
        INSERT INTO match_rebuild (npi)
            SELECT old.npi WHERE EXISTS (SELECT 1 FROM treatment_offering WHERE npi = old.npi); END""",
    """CREATE TRIGGER IF NOT EXISTS match_site_insert AFTER INSERT ON match_site
        WHEN new.latitude IS NOT NULL AND new.longitude IS NOT NULL BEGIN
        INSERT INTO match_site_rtree
            SELECT new.id, t.code, t.code, new.latitude, new.latitude, new.longitude, new.longitude
            FROM match_treatment t WHERE t.treatment = new.treatment;
        END""",
    """CREATE TRIGGER IF NOT EXISTS match_site_delete AFTER DELETE ON match_site BEGIN
        DELETE FROM match_site_rtree WHERE id = old.id;
        END""",
    """CREATE TRIGGER IF NOT EXISTS match_site_moved AFTER UPDATE OF latitude, longitude ON location
        WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude BEGIN
        UPDATE match_site SET latitude = new.latitude, longitude = new.longitude WHERE location_id = new.id;
        DELETE FROM match_site_rtree WHERE id IN (SELECT id FROM match_site WHERE location_id = new.id);
        INSERT INTO match_site_rtree
            SELECT s.id, t.code, t.code, new.latitude, new.latitude, new.longitude, new.longitude
            FROM match_site s JOIN match_treatment t ON t.treatment = s.treatment
            WHERE s.location_id = new.id AND new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
        END""",
)

#: The facts a profile is made from, other than offerings and locations, forget it.
PROFILE_TRIGGERS: tuple[str, ...] = (
    """CREATE TRIGGER IF NOT EXISTS match_credential_insert AFTER INSERT ON credential BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_credential_update AFTER UPDATE ON credential BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_credential_delete AFTER DELETE ON credential BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_exclusion_insert AFTER INSERT ON exclusion BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_exclusion_update AFTER UPDATE ON exclusion BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_exclusion_delete AFTER DELETE ON exclusion BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_taxonomy_insert AFTER INSERT ON provider_taxonomy BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_taxonomy_delete AFTER DELETE ON provider_taxonomy BEGIN
        DELETE FROM ranking_profile WHERE npi = old.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_provider_update AFTER UPDATE ON provider BEGIN
        DELETE FROM ranking_profile WHERE npi = new.npi; END""",
)

# active: never deactivated, or reactivated on or after the deactivation (as search has it)
_CARD_OF_PROVIDER = """
        INSERT INTO match_card (npi, display_name, entity_type, active)
        VALUES (new.npi, new.display_name, new.entity_type,
                new.deactivation_date IS NULL OR coalesce(new.reactivation_date >= new.deactivation_date, 0))
        ON CONFLICT (npi) DO UPDATE SET display_name = excluded.display_name,
            entity_type = excluded.entity_type, active = excluded.active;"""

# Access facts are one row per (NPI, source): the card copies the row the directory
# shows (the access_latest view: the newest retrieval), whichever row changed.
# str.format fills in only the constant trigger variable (new.npi or old.npi).
_CARD_ACCESS = """
        UPDATE match_card SET has_access = EXISTS (SELECT 1 FROM access_facts WHERE npi = {npi}),
            (accepting, telehealth, languages, wait_days) = (
                SELECT accepting_new_patients, telehealth, languages, wait_days FROM access_latest WHERE npi = {npi})
        WHERE npi = {npi};"""

#: Copy what ranking reads into the card of each provider.
CARD_TRIGGERS: tuple[str, ...] = (
    "CREATE TRIGGER IF NOT EXISTS match_card_provider_insert AFTER INSERT ON provider BEGIN"
    + _CARD_OF_PROVIDER
    + " END",
    "CREATE TRIGGER IF NOT EXISTS match_card_provider_update AFTER UPDATE ON provider BEGIN"
    + _CARD_OF_PROVIDER
    + " END",
    """CREATE TRIGGER IF NOT EXISTS match_card_provider_delete AFTER DELETE ON provider BEGIN
        DELETE FROM match_card WHERE npi = old.npi; END""",
    "CREATE TRIGGER IF NOT EXISTS match_card_access_insert AFTER INSERT ON access_facts BEGIN"
    + _CARD_ACCESS.format(npi="new.npi")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS match_card_access_update AFTER UPDATE ON access_facts BEGIN"
    + _CARD_ACCESS.format(npi="new.npi")
    + " END",
    "CREATE TRIGGER IF NOT EXISTS match_card_access_delete AFTER DELETE ON access_facts BEGIN"
    + _CARD_ACCESS.format(npi="old.npi")
    + " END",
    """CREATE TRIGGER IF NOT EXISTS match_card_profile_insert AFTER INSERT ON ranking_profile BEGIN
        UPDATE match_card SET computed_on = new.computed_on, basis = new.basis, vetting = new.vetting,
            expertise = new.expertise, base_points = new.base_points, treatment_points = new.treatment_points
        WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_card_profile_update AFTER UPDATE ON ranking_profile BEGIN
        UPDATE match_card SET computed_on = new.computed_on, basis = new.basis, vetting = new.vetting,
            expertise = new.expertise, base_points = new.base_points, treatment_points = new.treatment_points
        WHERE npi = new.npi; END""",
    """CREATE TRIGGER IF NOT EXISTS match_card_profile_delete AFTER DELETE ON ranking_profile BEGIN
        UPDATE match_card SET computed_on = NULL, basis = NULL, vetting = NULL, expertise = NULL,
            base_points = NULL, treatment_points = NULL WHERE npi = old.npi; END""",
)

DDL: tuple[str, ...] = (
    # small integer codes of treatments: the first dimension of the site R*Tree
    "CREATE TABLE IF NOT EXISTS match_treatment (code INTEGER PRIMARY KEY, treatment TEXT NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS match_site (
        id INTEGER PRIMARY KEY, npi TEXT NOT NULL, treatment TEXT NOT NULL, location_id INTEGER NOT NULL,
        key TEXT NOT NULL, latitude REAL, longitude REAL,
        UNIQUE (npi, treatment, location_id))""",
    "CREATE INDEX IF NOT EXISTS match_site_location ON match_site (location_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS match_site_rtree
        USING rtree (id, min_t, max_t, min_lat, max_lat, min_lon, max_lon)""",
    """CREATE TABLE IF NOT EXISTS ranking_profile (
        npi TEXT PRIMARY KEY REFERENCES provider (npi) ON DELETE CASCADE,
        claim TEXT, computed_on TEXT, basis TEXT, vetting TEXT, expertise REAL, base_points REAL,
        treatment_points TEXT, detail TEXT) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS match_card (
        npi TEXT PRIMARY KEY, display_name TEXT NOT NULL, entity_type INTEGER NOT NULL, active INTEGER NOT NULL,
        has_access INTEGER NOT NULL DEFAULT 0, accepting INTEGER, telehealth INTEGER, languages TEXT,
        wait_days INTEGER, computed_on TEXT, basis TEXT, vetting TEXT, expertise REAL, base_points REAL,
        treatment_points TEXT) WITHOUT ROWID""",
    *REBUILD,
    *SITE_TRIGGERS,
    *PROFILE_TRIGGERS,
    *CARD_TRIGGERS,
)

#: A store made before matching: its cards and sites, built once (the cards first:
#: they are what profiles and access facts are copied into).
BACKFILL: tuple[str, ...] = (
    """INSERT INTO match_card (npi, display_name, entity_type, active, has_access, accepting, telehealth,
                               languages, wait_days)
        SELECT p.npi, p.display_name, p.entity_type,
               p.deactivation_date IS NULL OR coalesce(p.reactivation_date >= p.deactivation_date, 0),
               a.npi IS NOT NULL, a.accepting_new_patients, a.telehealth, a.languages, a.wait_days
        FROM provider p LEFT JOIN access_latest a ON a.npi = p.npi
        WHERE true
        ON CONFLICT (npi) DO NOTHING""",
    """UPDATE match_card SET computed_on = rp.computed_on, basis = rp.basis, vetting = rp.vetting,
            expertise = rp.expertise, base_points = rp.base_points, treatment_points = rp.treatment_points
        FROM ranking_profile rp WHERE rp.npi = match_card.npi""",
    "INSERT INTO match_rebuild (npi) SELECT DISTINCT npi FROM treatment_offering",
)

#: Before the tables they copy from (see sqlite_schema.WIPE): deleting those fires
#: the triggers above row by row, which leaves these empty but for treatment codes.
WIPE: tuple[str, ...] = (
    "DELETE FROM ranking_profile",
    "DELETE FROM match_site",
    "DELETE FROM match_treatment",
    "DELETE FROM match_card",
)
