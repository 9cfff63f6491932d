"""Constant Cypher of the Neo4j name-word index (see :mod:`.names`): each Npi
node links to the words of its legal names, each OtherName node to the words
of its name, ``(:Npi | :OtherName)-[:NAMED]->(:NameWord {word})``; search looks
words up in the index of the ``NameWord.word`` constraint (:mod:`.neo4j_search`).
An other name's words are linked as it is created (``CREATE_OTHER_NAMES`` of
:mod:`.neo4j_cypher`)."""

from __future__ import annotations

#: What schema version 1 searched names with, dropped after SCHEMA (each in its own transaction).
SCHEMA_DROPS: tuple[str, ...] = ("DROP INDEX provider_names IF EXISTS",)

# The words of a provider's legal names (its `names`), replaced on every write.
UNLINK_NAME_WORDS = """
MATCH (n:Npi)-[r:NAMED]->(:NameWord) WHERE n.npi IN $npis
DELETE r"""

LINK_NAME_WORDS = """
UNWIND $worded AS row
MATCH (n:Npi {npi: row.npi})
UNWIND row.words AS word
MERGE (w:NameWord {word: word})
CREATE (n)-[:NAMED]->(w)"""

# Indexing the names a store of schema version 1 holds, a page of NPIs at a time.
NAME_WORD_PAGE = """
MATCH (n:Npi) WHERE n.npi > $after
WITH n ORDER BY n.npi LIMIT $limit
RETURN n.npi AS npi, n.names AS names,
       [(n)-[:ALSO_KNOWN_AS]->(o:OtherName) | o {.owner, .seq, .name}] AS others
ORDER BY npi"""

UNLINK_OTHER_NAME_WORDS = """
MATCH (n:Npi)-[:ALSO_KNOWN_AS]->(:OtherName)-[r:NAMED]->(:NameWord) WHERE n.npi IN $npis
DELETE r"""

LINK_OTHER_NAME_WORDS = """
UNWIND $worded AS row
MATCH (:Npi {npi: row.npi})-[:ALSO_KNOWN_AS]->(o:OtherName {owner: row.owner, seq: row.seq})
UNWIND row.words AS word
MERGE (w:NameWord {word: word})
CREATE (o)-[:NAMED]->(w)"""
