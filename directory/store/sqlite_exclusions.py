"""Exclusion-list records on the embedded store: the primitives of
:class:`~directory.store.port_exclusions.ExclusionRecords`, mixed into
:class:`~directory.store.sqlite.SQLiteStore`, each one transaction.

The name-candidate read splits names in SQL exactly as
:func:`~directory.store.port_exclusions.name_words` does (:data:`_NORM` is
that function's replace chain): a person's last name and other names into
words with a recursive CTE, after a cheap pass that keeps only individuals
whose first name starts with a first word asked for; an organization's names
to their first word after a leading THE. Both read every provider of the
entity type once per call, so the LEIE loader asks with large batches.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING

from ..model import EntityType, ExclusionRecord, NameCandidate
from .port_exclusions import exclusion_reference
from .sqlite_rows import day, evidence, evidence_params, iso

# name_words(): upper case; ' and . dropped; - , / & ( ) # " ; : read as spaces (port_exclusions)
_NORM_OPEN = "replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(upper("
_NORM_CLOSE = (
    "), '''', ''), '.', ''), '-', ' '), ',', ' '), '/', ' '), '&', ' '), '(', ' '), ')', ' '), '#', ' '), "
    "'\"', ' '), ';', ' '), ':', ' ')"
)


def _norm(column: str) -> str:
    """The SQL of name_words' normalization of ``column`` (a constant column name)."""
    return _NORM_OPEN + column + _NORM_CLOSE


_COLUMNS = (
    "list_name, key, identity, exclusion_type, excluded_on, reinstated_on, last_listed, last_name, first_name, "
    "middle_name, business_name, general, specialty, upin, npi, birth_date, address, city, state, zip, "
    "waiver_date, waiver_state, source, retrieved, method, confidence, reference"
)
UPSERT_RECORD = (
    "INSERT INTO exclusion_record ("
    + _COLUMNS
    + ") VALUES ("
    + ", ".join(":" + c.strip() for c in _COLUMNS.split(","))
    + ") ON CONFLICT (list_name, key) DO UPDATE SET "
    + ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in _COLUMNS.split(",")[2:])
)

RECORDS = """
SELECT * FROM exclusion_record
WHERE list_name = :list_name
  AND (key IN (SELECT value FROM json_each(:keys)) OR identity IN (SELECT value FROM json_each(:identities)))
ORDER BY key"""

RECORD_PAGE = """
SELECT * FROM exclusion_record
WHERE list_name = :list_name AND key > :after
  AND (:before IS NULL OR (reinstated_on IS NULL AND (last_listed IS NULL OR last_listed < :before)))
ORDER BY key
LIMIT :limit"""

REINSTATE_RECORD = """
UPDATE exclusion_record SET reinstated_on = :day
WHERE list_name = :list_name AND key = :key AND reinstated_on IS NOT :day"""

# the exclusions attached from the record: same list, evidence reference <list>:<key>
REINSTATE_ATTACHED = """
UPDATE exclusion SET reinstated_on = :day
WHERE reference = :reference AND list_name = :list_name"""

DETACH = "DELETE FROM exclusion WHERE npi = ? AND reference = ?"

PEOPLE_NAMED = (
    """
WITH RECURSIVE
wanted(pair) AS (SELECT value FROM json_each(:pairs)),
firsts(first) AS (SELECT DISTINCT substr(pair, instr(pair, '|') + 1) FROM wanted),
named(npi, first, last) AS (
    SELECT npi, ltrim("""
    + _norm("first_name")
    + "), "
    + _norm("last_name")
    + """
    FROM provider WHERE entity_type = 1 AND first_name IS NOT NULL AND last_name IS NOT NULL
),
people(npi, first, rest) AS (
    SELECT npi, substr(first, 1, instr(first || ' ', ' ') - 1), last || ' ' FROM named
    WHERE substr(first, 1, instr(first || ' ', ' ') - 1) IN (SELECT first FROM firsts)
),
legal_words(npi, first, word, rest) AS (
    SELECT npi, first, '', rest FROM people
    UNION ALL
    SELECT npi, first, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM legal_words WHERE rest <> ''
),
other(npi, owner, seq, rest) AS (
    SELECT o.npi, o.owner_source, o.seq, """
    + _norm("o.name")
    + """ || ' '
    FROM other_name o JOIN provider p ON p.npi = o.npi WHERE p.entity_type = 1
),
other_words(npi, owner, seq, word, rest) AS (
    SELECT npi, owner, seq, '', rest FROM other
    UNION ALL
    SELECT npi, owner, seq, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
    FROM other_words WHERE rest <> ''
)
SELECT npi FROM legal_words WHERE word <> '' AND word || '|' || first IN (SELECT pair FROM wanted)
UNION
SELECT a.npi FROM other_words a
JOIN other_words b ON b.npi = a.npi AND b.owner = a.owner AND b.seq = a.seq
WHERE a.word <> '' AND b.word <> '' AND a.word || '|' || b.word IN (SELECT pair FROM wanted)"""
)

ORGANIZATIONS_NAMED = (
    """
WITH
wanted(word) AS (SELECT value FROM json_each(:words)),
names(npi, name) AS (
    SELECT npi, ltrim("""
    + _norm("organization_name")
    + """) FROM provider WHERE entity_type = 2 AND organization_name IS NOT NULL
    UNION ALL
    SELECT o.npi, ltrim("""
    + _norm("o.name")
    + """) FROM other_name o JOIN provider p ON p.npi = o.npi WHERE p.entity_type = 2
),
unled(npi, name) AS (
    SELECT npi, CASE WHEN substr(name, 1, 4) = 'THE ' THEN ltrim(substr(name, 5)) ELSE name END FROM names
)
SELECT DISTINCT npi FROM unled WHERE substr(name, 1, instr(name || ' ', ' ') - 1) IN (SELECT word FROM wanted)"""
)

CANDIDATES = """
SELECT npi, entity_type, first_name, middle_name, last_name, organization_name
FROM provider WHERE npi IN (SELECT value FROM json_each(?)) ORDER BY npi"""

CANDIDATE_OTHER_NAMES = """
SELECT npi, name, type_code FROM other_name WHERE npi IN (SELECT value FROM json_each(?))"""

CANDIDATE_STATES = """
SELECT pl.npi AS npi, l.state AS state
FROM provider_location pl JOIN location l ON l.id = pl.location_id
WHERE pl.npi IN (SELECT value FROM json_each(:npis))
UNION
SELECT npi, license_state FROM provider_taxonomy
WHERE npi IN (SELECT value FROM json_each(:npis)) AND license_state IS NOT NULL
UNION
SELECT npi, state FROM credential
WHERE npi IN (SELECT value FROM json_each(:npis)) AND state IS NOT NULL"""


def record_params(r: ExclusionRecord) -> dict:
    return {
        "list_name": r.list_name,
        "key": r.key,
        "identity": r.identity,
        "exclusion_type": r.exclusion_type,
        "excluded_on": r.excluded_on.isoformat(),
        "reinstated_on": iso(r.reinstated_on),
        "last_listed": iso(r.last_listed),
        "last_name": r.last_name,
        "first_name": r.first_name,
        "middle_name": r.middle_name,
        "business_name": r.business_name,
        "general": r.general,
        "specialty": r.specialty,
        "upin": r.upin,
        "npi": r.npi,
        "birth_date": iso(r.birth_date),
        "address": r.address,
        "city": r.city,
        "state": r.state,
        "zip": r.zip,
        "waiver_date": iso(r.waiver_date),
        "waiver_state": r.waiver_state,
        **evidence_params(r.evidence),
    }


def record(row: sqlite3.Row) -> ExclusionRecord:
    return ExclusionRecord(
        list_name=row["list_name"],
        key=row["key"],
        identity=row["identity"],
        exclusion_type=row["exclusion_type"],
        excluded_on=date.fromisoformat(row["excluded_on"]),
        evidence=evidence(row),
        last_name=row["last_name"],
        first_name=row["first_name"],
        middle_name=row["middle_name"],
        business_name=row["business_name"],
        general=row["general"],
        specialty=row["specialty"],
        upin=row["upin"],
        npi=row["npi"],
        birth_date=day(row["birth_date"]),
        address=row["address"],
        city=row["city"],
        state=row["state"],
        zip=row["zip"],
        reinstated_on=day(row["reinstated_on"]),
        waiver_date=day(row["waiver_date"]),
        waiver_state=row["waiver_state"],
        last_listed=day(row["last_listed"]),
    )


class SQLiteExclusionRecords:
    """The exclusion-record primitives of the embedded store (a mixin of SQLiteStore)."""

    if TYPE_CHECKING:

        def _tx(self, write: bool = True) -> AbstractContextManager[sqlite3.Connection]: ...

    def _upsert_exclusion_records(self, records: list[ExclusionRecord]) -> int:
        with self._tx() as conn:
            return conn.executemany(UPSERT_RECORD, [record_params(r) for r in records]).rowcount

    def _exclusion_records(self, list_name: str, keys: list[str], identities: list[str]) -> list[ExclusionRecord]:
        params = {"list_name": list_name, "keys": json.dumps(keys), "identities": json.dumps(identities)}
        with self._tx(write=False) as conn:
            return [record(r) for r in conn.execute(RECORDS, params)]

    def _exclusion_record_page(
        self, list_name: str, after: str, limit: int, listed_before: date | None
    ) -> list[ExclusionRecord]:
        params = {"list_name": list_name, "after": after, "limit": limit, "before": iso(listed_before)}
        with self._tx(write=False) as conn:
            return [record(r) for r in conn.execute(RECORD_PAGE, params)]

    def _reinstate_exclusion_records(self, list_name: str, reinstated: dict[str, date]) -> int:
        changed = 0
        with self._tx() as conn:
            for key, when in reinstated.items():
                params = {"list_name": list_name, "key": key, "day": when.isoformat()}
                changed += conn.execute(REINSTATE_RECORD, params).rowcount
                conn.execute(
                    REINSTATE_ATTACHED,
                    {"list_name": list_name, "day": when.isoformat(), "reference": exclusion_reference(list_name, key)},
                )
        return changed

    def _detach_exclusions(self, links: list[tuple[str, str]]) -> int:
        with self._tx() as conn:
            return conn.executemany(DETACH, links).rowcount

    def _name_candidates(self, pairs: list[str], words: list[str]) -> list[NameCandidate]:
        with self._tx(write=False) as conn:
            cur = conn.cursor()
            cur.row_factory = None  # plain tuples: these reads touch every provider of a kind
            npis: set[str] = set()
            if pairs:
                npis.update(r[0] for r in cur.execute(PEOPLE_NAMED, {"pairs": json.dumps(pairs)}))
            if words:
                npis.update(r[0] for r in cur.execute(ORGANIZATIONS_NAMED, {"words": json.dumps(words)}))
            if not npis:
                return []
            found = json.dumps(sorted(npis))
            others: dict[str, set[tuple[str, str | None]]] = {}
            for npi, name, code in cur.execute(CANDIDATE_OTHER_NAMES, (found,)):
                others.setdefault(npi, set()).add((name, code))
            states: dict[str, set[str]] = {}
            for npi, state in cur.execute(CANDIDATE_STATES, {"npis": found}):
                if state:
                    states.setdefault(npi, set()).add(state)
            return [
                NameCandidate(
                    npi=npi,
                    entity_type=EntityType(entity_type),
                    first_name=first,
                    middle_name=middle,
                    last_name=last,
                    organization_name=organization,
                    other_names=tuple(sorted(others.get(npi, ()), key=lambda o: (o[0], o[1] or ""))),
                    states=tuple(sorted(states.get(npi, ()))),
                )
                for npi, entity_type, first, middle, last, organization in cur.execute(CANDIDATES, (found,))
            ]
