"""Transaction functions of the Neo4j adapter: each runs inside one managed
transaction (``session.execute_read``/``execute_write``), which the driver
retries on transient errors, so they must be safe to run again."""

from __future__ import annotations

from ..errors import NotFound
from . import neo4j_cypher as q
from . import neo4j_names as qn
from . import neo4j_rows as rows


def data(tx, query: str, params: dict) -> list[dict]:
    return tx.run(query, params).data()


def one(tx, query: str, params: dict) -> dict | None:
    found = tx.run(query, params).data()
    return found[0] if found else None


def execute(tx, query: str, params: dict) -> None:
    tx.run(query, params).consume()


def statements(tx, statements: list[tuple[str, dict]]) -> None:
    """Several statements in one transaction."""
    for query, params in statements:
        execute(tx, query, params)


def written(tx, query: str, params: dict) -> int:
    row = one(tx, query, params)
    return int(row["written"]) if row else 0


def grouped(found: list[dict], convert) -> dict[str, list]:
    out: dict[str, list] = {}
    for row in found:
        out.setdefault(row["npi"], []).append(convert(row))
    return out


# -------------------------------------------------- transaction functions
def write_batch(tx, batch: dict, checkpoint: dict | None) -> None:
    """A batch of provider records and its checkpoint, in one transaction."""
    npis = batch["npis"]
    if npis:
        execute(tx, q.MERGE_PROVIDERS, {"rows": batch["providers"]})
        execute(tx, q.MARK_INDIVIDUALS, {"npis": batch["individuals"]})
        execute(tx, q.MARK_ORGANIZATIONS, {"npis": batch["organizations"]})
        execute(tx, q.DELETE_OWNED_FACTS, {"owned": batch["owned"]})
        execute(tx, q.DELETE_OWNED_OTHER_NAMES, {"owned": batch["owned"]})
        if batch["locations"]:
            execute(tx, q.MERGE_LOCATIONS, {"locations": batch["locations"]})
            execute(tx, q.CREATE_PRACTICES_AT, {"placed": batch["placed"]})
        if batch["coded"]:
            execute(tx, q.CREATE_HAS_TAXONOMY, {"coded": batch["coded"]})
        if batch["named"]:
            execute(tx, q.CREATE_OTHER_NAMES, {"named": batch["named"]})
        execute(tx, qn.UNLINK_NAME_WORDS, {"npis": npis})
        if batch["worded"]:
            execute(tx, qn.LINK_NAME_WORDS, {"worded": batch["worded"]})
        execute(tx, q.UNLINK_SUBPARTS, {"npis": npis})
        execute(tx, q.LINK_SUBPARTS_UP, {"npis": npis})
        execute(tx, q.LINK_SUBPARTS_DOWN, {"npis": npis})
    if checkpoint is not None:
        found = one(tx, q.CHECKPOINT, checkpoint)
        if not found or not found["found"]:
            raise NotFound(f"no ingest run {checkpoint['run_id']!r} to checkpoint")


def replace_owned(tx, delete_query: str, batch: dict, checkpoint: dict | None) -> int:
    """Replace one owner's secondary facts of the NPIs the store holds, and
    checkpoint, in one transaction; returns how many NPIs were written."""
    found = one(tx, q.KNOWN_NPIS, {"npis": batch["npis"]}) if batch["npis"] else None
    known = found["known"] if found else []
    if known:
        execute(tx, delete_query, {"owned": batch["owned"]})
        if batch["locations"]:
            execute(tx, q.MERGE_LOCATIONS, {"locations": batch["locations"]})
        if batch["placed"]:
            execute(tx, q.CREATE_PRACTICES_AT, {"placed": batch["placed"]})
        if batch["named"]:
            execute(tx, q.CREATE_OTHER_NAMES, {"named": batch["named"]})
    if checkpoint is not None:
        found = one(tx, q.CHECKPOINT, checkpoint)
        if not found or not found["found"]:
            raise NotFound(f"no ingest run {checkpoint['run_id']!r} to checkpoint")
    return len(known)


def sweep(tx, params: dict) -> int:
    removed = 0
    for query in (q.SWEEP_OWNED_LOCATIONS, q.SWEEP_OWNED_OTHER_NAMES):
        found = one(tx, query, params)
        removed += int(found["removed"]) if found else 0
    return removed


def index_name_words(tx, after: str, limit: int) -> str | None:
    """Link the names of the next page of NPIs after ``after`` to their words
    (replacing any links they have); returns the page's last NPI, None at the
    end. Indexes the names a store of schema version 1 holds."""
    found = data(tx, qn.NAME_WORD_PAGE, {"after": after, "limit": limit})
    if not found:
        return None
    npis = [row["npi"] for row in found]
    worded, others = rows.name_word_rows(found)
    execute(tx, qn.UNLINK_NAME_WORDS, {"npis": npis})
    execute(tx, qn.UNLINK_OTHER_NAME_WORDS, {"npis": npis})
    if worded:
        execute(tx, qn.LINK_NAME_WORDS, {"worded": worded})
    if others:
        execute(tx, qn.LINK_OTHER_NAME_WORDS, {"worded": others})
    return npis[-1]


def count_of(tx, query: str, params: dict, field: str) -> int:
    """The count a one-row counting query returns (0 when it returns no row)."""
    row = one(tx, query, params)
    return int(row[field]) if row else 0


def missing_keys(tx, query: str, params: dict) -> list[str]:
    row = one(tx, query, params)
    return sorted(row["missing"]) if row else []


def require_networks(tx, network_ids: list[str]) -> None:
    missing = missing_keys(tx, q.MISSING_NETWORKS, {"ids": network_ids})
    if missing:
        raise NotFound(f"no network {', '.join(missing)}")


def add_members(tx, members: list[dict]) -> int:
    network_ids = sorted({m["network_id"] for m in members})
    require_networks(tx, network_ids)
    missing = missing_keys(tx, q.MISSING_NPIS, {"npis": sorted({m["npi"] for m in members})})
    if missing:
        raise NotFound(f"no provider with NPI {', '.join(missing[:10])}")
    before = count_of(tx, q.COUNT_MEMBERS, {"ids": network_ids}, "members")
    execute(tx, q.UPSERT_MEMBERS, {"rows": members})
    return count_of(tx, q.COUNT_MEMBERS, {"ids": network_ids}, "members") - before


def remove_members(tx, network_id: str, npis: list[str]) -> int:
    require_networks(tx, [network_id])
    row = one(tx, q.REMOVE_MEMBERS, {"network_id": network_id, "npis": npis})
    return int(row["removed"]) if row else 0


def members(tx, network_id: str) -> list[dict]:
    require_networks(tx, [network_id])
    return data(tx, q.MEMBERS, {"network_id": network_id})


def start_run(tx, props: dict) -> dict | None:
    """The unfinished run of the same file, reopened; else None after creating ``props``."""
    found = one(
        tx, q.UNFINISHED_RUN, {"source": props["source"], "file_sha256": props["file_sha256"], "scope": props["scope"]}
    )
    if found is not None:
        return found["props"]
    execute(tx, q.CREATE_RUN, {"props": props})
    return None


def counts(tx) -> dict[str, int]:
    return {kind: count_of(tx, query, {}, "n") for kind, query in q.COUNTS}


def quarantine(tx, rows_: list[dict]) -> int:
    uids = [r["uid"] for r in rows_]
    existing = count_of(tx, q.COUNT_QUARANTINED, {"uids": uids}, "existing")
    execute(tx, q.QUARANTINE, {"rows": rows_})
    return len(uids) - existing
