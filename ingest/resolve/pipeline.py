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

from . import blocking, em, scoring
from .clustering import cluster
from .comparison import ColumnCache, gamma_matrix
from .result import MERGED, NONE, REVIEW, ResolutionResult
from .settings import ResolveSettings

log = logging.getLogger(__name__)
#: Fewer records than this say nothing reliable about m and u.
MIN_TRAINING_RECORDS = 100


def prepare(frame: pd.DataFrame, settings: ResolveSettings) -> pd.DataFrame:
    if "ref" not in frame.columns:
        raise InputError("records need a 'ref' column")
    needed = {c.column for c in settings.comparisons} | {c.alternates for c in settings.comparisons if c.alternates}
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
    for column in needed | ({"entity_type", "source_dataset"} & set(frame.columns)):
        values = frame[column]
        if values.dtype != object or values.isna().any():
            frame[column] = values.fillna("").astype(str)
    _drop_misattributed_npis(frame, settings)
    return frame


def _drop_misattributed_npis(frame: pd.DataFrame, settings: ResolveSettings) -> None:
    """Blank an NPI that the authoritative sources give to the other entity type."""
    npi_column = next((c.column for c in settings.comparisons if c.kind == "npi"), None)
    if npi_column is None or not {"entity_type", "source_dataset"} <= set(frame.columns):
        return
    npi, etype = frame[npi_column], frame["entity_type"]
    authoritative = frame["source_dataset"].isin(settings.authoritative_sources)
    owners = frame.loc[authoritative & (npi != "") & (etype != ""), [npi_column, "entity_type"]]
    owner_type = npi.map(owners.drop_duplicates(npi_column).set_index(npi_column)["entity_type"])
    wrong = ~authoritative & (npi != "") & (etype != "") & owner_type.notna() & (owner_type != etype)
    if wrong.any():
        log.info(
            "ignoring %d NPI(s) that belong to the other entity type (e.g. a group NPI on a person's row)",
            int(wrong.sum()),
        )
        frame.loc[wrong, npi_column] = ""


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

    cross_type, npi_conflict, npi_codes = _npi_rules(frame, settings, cache, left, right)
    gamma = gamma_matrix(cache, settings.comparisons, left, right, cross_type)
    lap("comparison")

    if train if train is not None else not settings.trained:
        if n < MIN_TRAINING_RECORDS or len(left) == 0:
            raise InputError(
                f"{n} records and {len(left)} candidate pairs are too few to train on; train on a "
                "larger batch and pass its trained settings (ResolveSettings.to_json)"
            )
        _train(settings, frame, cache, dataset, per_rule, left, right, gamma)
    elif not settings.trained:
        raise InputError("settings are untrained; resolve with train=True first")
    lap("training")

    partials = scoring.partial_weights(settings, cache, gamma, left, right)
    weight = scoring.prior_weight(settings) + partials.sum(axis=1, dtype=np.float64)
    prob = scoring.probability(weight)
    lap("scoring")

    forced_merge, forbidden = _decided(frame, decisions, left, right)
    capped = cross_type | npi_conflict
    merge = ((prob >= settings.merge_threshold) & ~capped & ~forbidden) | forced_merge
    labels, refused = cluster(
        n,
        left[merge],
        right[merge],
        prob[merge],
        npi_codes if npi_codes is not None and npi_codes.max(initial=-1) >= 0 else None,
        forced_merge[merge],
    )
    status = np.full(len(left), NONE, dtype=np.int8)
    merged_idx = np.flatnonzero(merge)[~refused]
    status[merged_idx] = MERGED
    same_cluster = labels[left] == labels[right]
    review = (prob >= settings.review_threshold) & (status != MERGED) & ~forbidden & ~same_cluster
    review &= ~_settled_elsewhere(labels, npi_codes, left, right, npi_conflict)
    review &= ~(capped & _names_disagree(settings, gamma))
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
    )


def _names_disagree(settings: ResolveSettings, gamma: np.ndarray) -> np.ndarray:
    """Pairs where a comparison of ``conflict_review_requires`` has both values and
    falls to its "else" level."""
    out = np.zeros(len(gamma), dtype=bool)
    names = [c.name for c in settings.comparisons]
    for name in settings.conflict_review_requires:
        out |= gamma[:, names.index(name)] == 0
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


def _npi_rules(frame, settings, cache, left, right):
    """(cross-type mask, differing-NPI mask, npi code per record or None)."""
    cross = np.zeros(len(left), dtype=bool)
    if "entity_type" in frame.columns:
        et = cache.codes("entity_type")
        cross = (et[left] >= 0) & (et[right] >= 0) & (et[left] != et[right])
    conflict = np.zeros(len(left), dtype=bool)
    npi_codes = None
    if any(c.kind == "npi" for c in settings.comparisons):
        column = next(c.column for c in settings.comparisons if c.kind == "npi")
        npi_codes = cache.codes(column)
        a, b = npi_codes[left], npi_codes[right]
        conflict = (a >= 0) & (b >= 0) & (a != b) & ~cross
    return cross, conflict, npi_codes


def _train(settings, frame, cache, dataset, per_rule, left, right, gamma) -> None:
    n_levels = [c.n_levels for c in settings.comparisons]
    rng = np.random.default_rng(settings.seed)
    rl, rr = _random_pairs(len(frame), settings, dataset, rng)
    u = em.u_from_random_pairs(gamma_matrix(cache, settings.comparisons, rl, rr), n_levels)
    union_codes = left << 32 | right
    sessions = []
    for rule in settings.blocking_rules:
        rule_left, rule_right = per_rule[rule.name]
        rows = np.searchsorted(union_codes, rule_left << 32 | rule_right)
        if len(rows) > settings.em_max_pairs:
            rows = rng.choice(rows, settings.em_max_pairs, replace=False)
        blocked = {k.partition(":")[0] for k in rule.keys}
        active = [c.column not in blocked for c in settings.comparisons]
        sessions.append((rule.name, gamma[rows], active))
    given = [np.asarray(c.m) if c.fix_m else None for c in settings.comparisons]
    m = em.train_m(sessions, n_levels, u, settings.em_max_iterations, settings.em_tolerance, given)
    prior = em.train_prior(gamma, n_levels, m, u, settings.em_max_iterations, settings.em_tolerance)
    for c, mj, uj in zip(settings.comparisons, m, u):
        c.m = [float(x) for x in mj]
        c.u = [float(x) for x in uj]
    settings.probability_two_random_records_match = float(prior)
    log.info("trained: prior among candidate pairs %.5f", prior)


def _random_pairs(n, settings, dataset, rng):
    size = settings.u_sample_pairs
    if settings.link_type == "link_only" and dataset is not None:
        names = pd.unique(dataset)
        first = np.flatnonzero(dataset == names[0])
        rest = np.flatnonzero(dataset != names[0])
        left, right = rng.choice(first, size), rng.choice(rest, size)
    else:
        left, right = rng.integers(0, n, size), rng.integers(0, n, size)
    keep = left != right
    return left[keep], right[keep]


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
