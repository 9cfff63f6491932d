"""Entity resolution across sources as named stages: blocking, comparison,
Fellegi-Sunter training (EM), scoring, clustering; review and undo through the store.

    records = [*nppes_records(npidata_path), *(record_from_row(kind, source, row.values)
               for row in ingest.mapping.read_rows(path, load_mapping(mapping_json, kind)))]
    result = resolve(records)            # pure: EntityRecords -> ResolutionResult
    apply(store, result)                 # MERGED and REVIEW pairs with their evidence
    review_queue(store); decide(store, match_id, accept, by); undo(store, match_id, by)
"""

from .evaluate import PairScores, cluster_pairs, pair_scores
from .persist import apply, decide, review_queue, undo
from .pipeline import resolve, resolve_frame
from .presets import provider_settings
from .records import EntityRecord, entity_frame, from_provider, raw_frame
from .result import ResolutionResult, match_id
from .settings import BlockingRule, Comparison, ResolveSettings
from .sources import nppes_records, record_from_row

__all__ = [
    "BlockingRule",
    "Comparison",
    "EntityRecord",
    "PairScores",
    "ResolutionResult",
    "ResolveSettings",
    "apply",
    "cluster_pairs",
    "decide",
    "entity_frame",
    "from_provider",
    "match_id",
    "nppes_records",
    "pair_scores",
    "provider_settings",
    "raw_frame",
    "record_from_row",
    "resolve",
    "resolve_frame",
    "review_queue",
    "undo",
]
