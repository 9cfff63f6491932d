"""The resolve pipeline over a prepared frame: block, compare, train, score, cluster.

``resolve_frame`` is pure: it reads a frame (one row per record, a unique ``ref``
column, comparison columns as strings with "" for empty) and returns a
:class:`ResolutionResult`; nothing is written anywhere.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Iterable

import numpy as np
import pandas as pd

from directory.errors import InputError
from directory.model import MatchRecord, MatchStatus

from . import blocking, scoring
from .clustering import cluster
from .comparison import ColumnCache, gamma_matrix
from .result import MERGED, NONE, REVIEW, ResolutionResult
from .rules import drop_inconsistent_npis, npi_column, pair_rules
from .settings import ResolveSettings
from .training import train as train_model

log = logging.getLogger(__name__)
#: Fewer records than this say nothing reliable about m and u.
MIN_TRAINING_RECORDS = 100


def prepare(frame: pd.DataFrame, settings: ResolveSettings) -> pd.DataFrame:
    if "ref" not in frame.columns:
        raise InputError("records need a 'ref' column")
    needed = {c.column for c in settings.comparisons} | {c.alternates for c in settings.comparisons if c.alternates}
    needed |= {x for c in settings.comparisons for x in c.context}
    needed |= {k.partition(":")[0] for r in settings.blocking_rules for k in r.keys}
    if settings.link_type != "dedupe_only":
        needed.add("source_dataset")
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise InputError(f"records lack columns the settings use: {missing}")
    frame = frame.reset_index(drop=True)
    if frame["ref"].duplicated().any():
        dupes = frame.loc[frame["ref"].duplicated(), "ref"].head(3).tolist()
        raise InputError(f"record refs must be unique, repeated: {dupes}")
    for column in needed | ({"entity_type", "source_dataset", "source_kind"} & set(frame.columns)):
        values = frame[column]
        if values.dtype != object or values.isna().any():
            frame[column] = values.fillna("").astype(str)
    drop_inconsistent_npis(frame, settings)
    return frame


def resolve_frame(
    frame: pd.DataFrame, settings: ResolveSettings, *, train: bool | None = None, decisions: Iterable[MatchRecord] = ()
) -> ResolutionResult:
    """Resolve one prepared frame. ``train`` defaults to "when the settings are
    untrained"; ``decisions`` are people's earlier decisions, which win over the model."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    settings = copy.deepcopy(settings)
    frame = prepare(frame, settings)
    n = len(frame)
    cache = ColumnCache(frame)
    lap("prepare")
    dataset = frame["source_dataset"].to_numpy() if "source_dataset" in frame.columns else None
    per_rule = blocking.block(frame, settings.blocking_rules, settings.link_type, dataset)
    left, right = blocking.union(per_rule)
    lap("blocking")

    gamma = gamma_matrix(cache, settings.comparisons, left, right, None, settings.transposable)
    rules = pair_rules(settings, frame, cache, gamma, left, right)
    j_npi = next((j for j, c in enumerate(settings.comparisons) if c.kind == "npi"), None)
    if j_npi is not None:
        gamma[rules["cross_type"], j_npi] = -1  # an NPI never links a person to an organization
    lap("comparison")

    warnings: list[str] = []
    if train if train is not None else not settings.trained:
        if n < MIN_TRAINING_RECORDS or len(left) == 0:
            raise InputError(
                f"{n} records and {len(left)} candidate pairs are too few to train on; train on a "
                "larger batch and pass its trained settings (ResolveSettings.to_json)"
            )
        warnings = train_model(settings, frame, cache, dataset, per_rule, left, right, gamma)
    elif not settings.trained:
        raise InputError("settings are untrained; resolve with train=True first")
    lap("training")

    partials = scoring.partial_weights(settings, cache, gamma, left, right)
    types = cache.values("entity_type") if "entity_type" in frame.columns else None
    weight = scoring.pair_prior_weights(settings, types, left, right) + partials.sum(axis=1, dtype=np.float64)
    prob = scoring.probability(weight)
    lap("scoring")

    forced_merge, forbidden = _decided(frame, decisions, left, right)
    capped = rules["cross_type"] | rules["npi_conflict"]
    barred = rules["never"] | rules["needs_identifier"]
    merge = ((prob >= settings.merge_threshold) & ~capped & ~barred & ~forbidden) | forced_merge
    column = npi_column(settings)
    npi_codes = cache.codes(column) if column is not None else None
    type_codes = cache.codes("entity_type") if "entity_type" in frame.columns else None
    # Only names that all differ keep two records apart through any chain of merges; a pair
    # that merely lacks an identifier to settle one differing name may still meet through
    # better evidence (a roster's transposed name and a board's former name, both with the NPI).
    apart = rules["never"] & ~forced_merge
    labels, refused = cluster(
        n,
        left[merge],
        right[merge],
        weight[merge],
        npi_codes if npi_codes is not None and npi_codes.max(initial=-1) >= 0 else None,
        forced_merge[merge],
        type_codes=type_codes,
        cannot_left=left[apart],
        cannot_right=right[apart],
    )
    status = np.full(len(left), NONE, dtype=np.int8)
    merged_idx = np.flatnonzero(merge)[~refused]
    status[merged_idx] = MERGED
    same_cluster = labels[left] == labels[right]
    review = (prob >= settings.review_threshold) & (status != MERGED) & ~forbidden & ~same_cluster
    review &= ~_settled_elsewhere(labels, npi_codes, left, right, rules["npi_conflict"])
    review &= ~(capped & rules["names_disagree"])
    # a person could not tell better than the rule: names that all differ, or one that
    # differs with nothing but the place to go on (colleagues, spouses, father and son)
    review &= ~barred
    review = _one_per_cluster_pair(review, labels, left, right, weight)
    status[review] = REVIEW
    lap("clustering")

    keep = status != NONE
    log.info(
        "resolved %d records: %d candidate pairs, %d merged, %d for review, %d clusters",
        n,
        len(left),
        int((status == MERGED).sum()),
        int(review.sum()),
        int(labels.max(initial=-1) + 1),
    )
    return ResolutionResult(
        settings=settings,
        refs=frame["ref"].to_numpy(dtype=object),
        npis=frame["npi"].to_numpy(dtype=object) if "npi" in frame.columns else None,
        left=left,
        right=right,
        probability=prob,
        match_weight=weight,
        status=status,
        clusters=labels,
        gamma_kept=gamma[keep],
        partials_kept=partials[keep],
        kept_index=np.flatnonzero(keep),
        capped=capped,
        timings=timings,
        warnings=warnings,
    )


def _one_per_cluster_pair(review: np.ndarray, labels, left, right, weight) -> np.ndarray:
    """Only the strongest review pair between two clusters: accepting it joins them, so
    the others ask the same question again (a roster lists one provider per location
    and network, and each of those rows would otherwise come up against one record)."""
    idx = np.flatnonzero(review)
    if len(idx) == 0:
        return review
    a, b = labels[left[idx]], labels[right[idx]]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((-weight[idx], hi, lo))
    key = (lo[order] << 32) | hi[order]
    first = np.r_[True, key[1:] != key[:-1]]
    out = np.zeros_like(review)
    out[idx[order[first]]] = True
    return out


def _settled_elsewhere(labels, npi_codes, left, right, npi_conflict) -> np.ndarray:
    """Pairs whose records already sit in clusters of two different NPIs: accepting
    them could never merge, so they are not worth a person's time. A direct NPI
    conflict (two NPIs that look like one provider) is still worth it."""
    if npi_codes is None or len(left) == 0:
        return np.zeros(len(left), dtype=bool)
    cluster_npi = np.full(int(labels.max()) + 1, -1, dtype=np.int64)
    has = npi_codes >= 0
    cluster_npi[labels[has]] = npi_codes[has]
    a, b = cluster_npi[labels[left]], cluster_npi[labels[right]]
    return (a >= 0) & (b >= 0) & (a != b) & ~npi_conflict


def _decided(frame, decisions, left, right):
    forced = np.zeros(len(left), dtype=bool)
    forbidden = np.zeros(len(left), dtype=bool)
    decisions = [d for d in decisions if d.decided_by != "model"]
    if not decisions or len(left) == 0:
        return forced, forbidden
    position = pd.Series(np.arange(len(frame)), index=frame["ref"])
    codes = left << 32 | right
    for d in decisions:
        if d.left not in position.index or d.right not in position.index:
            continue
        a, b = sorted((int(position[d.left]), int(position[d.right])))
        i = int(np.searchsorted(codes, a << 32 | b))
        if i < len(codes) and codes[i] == (a << 32 | b):
            if d.status is MatchStatus.MERGED:
                forced[i] = True
            elif d.status in (MatchStatus.REJECTED, MatchStatus.UNDONE):
                forbidden[i] = True
    return forced, forbidden


def resolve(
    records,
    settings: ResolveSettings | None = None,
    *,
    train: bool | None = None,
    decisions: Iterable[MatchRecord] = (),
) -> ResolutionResult:
    """Resolve EntityRecords (see records.py) with the provider model unless
    other settings are given. Pure: nothing is stored (see persist.apply)."""
    from .presets import provider_settings
    from .records import entity_frame, raw_frame

    return resolve_frame(
        entity_frame(raw_frame(records)), settings or provider_settings(), train=train, decisions=decisions
    )
