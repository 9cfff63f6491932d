"""Pieces of Cypher that more than one query module splices into its statements
(the statements are checked whole; a piece alone is no statement)."""

# The access row the directory shows and filters on: no row of the provider is newer
# (ties: by source name); the embedded store's access_latest view is the same rule.
LATEST_ACCESS = """NOT EXISTS { MATCH (n)-[:HAS_ACCESS]->(b:Access)
                 WHERE b.retrieved > a.retrieved OR (b.retrieved = a.retrieved AND b.source < a.source) }"""
