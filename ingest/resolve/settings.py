"""Settings of one entity-resolution model, serialisable to JSON.

A :class:`ResolveSettings` names the blocking rules, the comparisons and their
levels, the decision thresholds, and (after training) the m and u probabilities
of every level, so ``ResolveSettings.from_json(s.to_json())`` reproduces a run
exactly.

Comparison kinds (levels are listed weakest first; level 0 is "else", and a
pair where either side is empty gets the null level, which carries no weight):

* ``exact``            else, exact
* ``similarity``       else, score >= t for each threshold (ascending), exact.
                       ``scorer`` is ``jaro_winkler``, ``token_sort`` or ``ratio``;
                       ``alternates`` names a column of "|"-separated other values
                       (other names, DBAs) and the best score over all of them counts.
* ``levenshtein``      else, distance <= d for each threshold (descending), exact
* ``prefix``           else, first n characters equal for each n (ascending), exact
* ``any_equal``        else, any shared value ("|"-separated sets: phones, licences)
* ``npi``              different, typo, equal; null across entity types, so an
                       NPI never links an individual to an organization. Only
                       NPIs that pass their check digit are compared; ``typo``
                       is an NPI that fails it (``context[0]``, the column of
                       those) one edit (a digit changed, dropped, or two swapped)
                       from the other side's NPI.
* ``licence``          else, the same number where one side does not say the
                       state, the same state and number ("|"-separated
                       ``STATE:NUMBER`` keys; one number in two states is else).
* ``location``         another state, the same state, the same ZIP3, the same
                       ZIP, then street similarity >= t for each threshold, exact
                       street, the street levels only within one ZIP (or where a
                       side has no ZIP). ``column`` is the street, ``context``
                       the ZIP and state columns. One comparison, because the
                       state, ZIP and street of a place are one piece of
                       evidence, not three that happen to agree.

A comparison's ``group`` names evidence it shares with others (phone and
location are both "where"): an EM session blocked on one of them leaves the
whole group out, because pairs that agree on one agree on the rest by
construction, match or not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

from directory.errors import ConfigurationError

KINDS = ("exact", "similarity", "levenshtein", "prefix", "any_equal", "npi", "licence", "location")
SCORERS = ("jaro_winkler", "token_sort", "ratio")
LINK_TYPES = ("dedupe_only", "link_only", "link_and_dedupe")


@dataclass
class BlockingRule:
    """Pairs whose keys are all equal and non-empty. A key is a column name, or
    ``column:n`` for its first n characters; "|"-separated values in the first key
    are exploded so any shared value (phone, licence, any name) makes a pair."""

    name: str
    keys: list[str]
    max_block_size: int = 500  # larger blocks (a shared switchboard number) are skipped
    # Comparisons this rule's keys decide (agree by construction within its blocks), for
    # the EM session of the rule. Empty: the comparisons whose columns are among the keys.
    covers: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    name: str
    column: str
    kind: str
    thresholds: list[float] = field(default_factory=list)
    scorer: str = "jaro_winkler"
    alternates: str | None = None
    context: list[str] = field(default_factory=list)  # further columns a kind reads (npi, location)
    group: str | None = None  # correlated comparisons share a group (see the module docstring)
    tf_adjust: bool = False  # term-frequency adjustment of the exact level
    fix_m: bool = False  # keep the given m through training (near-deterministic fields such as NPI)
    # keep the given u: for an identifier, two different entities agree far less often
    # than a sample of random pairs can measure (it would floor u at one pair in the sample)
    fix_u: bool = False
    # trained parameters, weakest level first (None until trained)
    m: list[float] | None = None
    u: list[float] | None = None

    @property
    def labels(self) -> list[str]:
        if self.kind == "exact":
            return ["else", "exact"]
        if self.kind == "any_equal":
            return ["else", "shared"]
        if self.kind == "npi":
            return ["different", "typo", "equal"]
        if self.kind == "licence":
            return ["else", "number", "state+number"]
        if self.kind == "location":
            return [
                "other state",
                "state",
                "zip3",
                "zip",
                *[f"street>={t:g}" for t in sorted(self.thresholds)],
                "street",
            ]
        if self.kind == "similarity":
            return ["else", *[f"{self.scorer}>={t:g}" for t in sorted(self.thresholds)], "exact"]
        if self.kind == "levenshtein":
            return ["else", *[f"lev<={t:g}" for t in sorted(self.thresholds, reverse=True)], "exact"]
        return ["else", *[f"prefix{t:g}" for t in sorted(self.thresholds)], "exact"]

    @property
    def n_levels(self) -> int:
        return len(self.labels)

    def validate(self) -> None:
        if self.kind not in KINDS:
            raise ConfigurationError(f"comparison {self.name}: unknown kind {self.kind!r}")
        if self.kind == "similarity" and self.scorer not in SCORERS:
            raise ConfigurationError(f"comparison {self.name}: unknown scorer {self.scorer!r}")
        if self.kind in ("similarity", "levenshtein", "prefix") and not self.thresholds:
            raise ConfigurationError(f"comparison {self.name}: needs thresholds")
        if self.kind == "location" and len(self.context) != 2:
            raise ConfigurationError(f"comparison {self.name}: a location needs context [zip column, state column]")
        if self.kind == "npi" and len(self.context) > 1:
            raise ConfigurationError(f"comparison {self.name}: an npi takes at most one context column")
        if self.fix_m and self.m is None:
            raise ConfigurationError(f"comparison {self.name}: fix_m needs m")
        if self.fix_u and self.u is None:
            raise ConfigurationError(f"comparison {self.name}: fix_u needs u")
        for probs in (self.m, self.u):
            if probs is not None and len(probs) != self.n_levels:
                raise ConfigurationError(f"comparison {self.name}: expected {self.n_levels} probabilities")


@dataclass
class ResolveSettings:
    comparisons: list[Comparison]
    blocking_rules: list[BlockingRule]
    link_type: str = "dedupe_only"
    merge_threshold: float = 0.95  # match probability at or above which a pair is merged
    review_threshold: float = 0.5  # pairs in [review, merge) wait for a person
    em_max_iterations: int = 40
    em_tolerance: float = 1e-5
    u_sample_pairs: int = 1_000_000  # random pairs for estimating u
    em_max_pairs: int = 2_000_000  # candidate pairs sampled per EM session
    tf_adjust: bool = True  # master switch over every comparison's tf_adjust
    tf_minimum: float = 1e-6  # floor of a term frequency, so one-off values cannot dominate
    # Term frequencies come from the records being resolved; a handful of records
    # says nothing about how common a name is, so below this many values there is no adjustment.
    tf_min_values: int = 1000
    # The prior: the share of matches among *all* pairs of records (not among the candidate
    # pairs, whose non-matches agree on the blocking keys far more often than u says).
    probability_two_random_records_match: float | None = None
    # The same share among pairs of two records of one entity type ("1" individuals, "2"
    # organizations; trained where the records say their type): an organization appears
    # in more sources per entity than a person does, so a pair of organizations matches
    # more often than a pair of people. Other pairs use the prior above.
    prior_by_entity_type: dict[str, float] = field(default_factory=dict)
    # Guard on the prior: at most this many true partners per record on average. A prior
    # EM drives above it is a collapse (every candidate pair taken for a match), clipped and warned.
    max_matches_per_record: float = 20.0
    # Sources (names, or kinds in a source_kind column) whose NPI and entity type are the
    # registry's own (NPPES file, NPI Registry API). An NPI on another source's record
    # that these give to the other entity type (a group NPI on a person's roster row), or to
    # a person of another name, is ignored for that record.
    authoritative_sources: list[str] = field(default_factory=lambda: ["nppes", "api", "npi_api", "npi_registry_api"])
    # Two records with different NPIs (or entity types) are only worth a person's time when
    # these comparisons, where both sides have a value, agree at least at their weakest
    # level: two NPIs with one name may be one provider enumerated twice; two names at one
    # practice are two providers (spouses, partners).
    conflict_review_requires: list[str] = field(default_factory=list)
    # Hard rules for individuals (entity type "1"), which no amount of agreement elsewhere
    # overrides: when every comparison of ``person_names`` falls to "else" the pair can
    # never be one person; when any of them, or any of ``person_conflicts`` (a Jr beside
    # a Sr), does, only an agreeing identifier (``identifiers`` above "else") can make it
    # one. Colleagues share a suite and a phone, father and son a name and a practice.
    person_names: list[str] = field(default_factory=list)
    person_conflicts: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    # Two comparisons (first and last name) also compared crosswise; the better reading counts.
    transposable: list[str] = field(default_factory=list)
    seed: int = 42

    def __post_init__(self) -> None:
        if self.link_type not in LINK_TYPES:
            raise ConfigurationError(f"unknown link_type {self.link_type!r}")
        if not 0.0 < self.review_threshold <= self.merge_threshold <= 1.0:
            raise ConfigurationError("thresholds must satisfy 0 < review_threshold <= merge_threshold <= 1")
        if not self.blocking_rules:
            raise ConfigurationError("at least one blocking rule is needed")
        names = [c.name for c in self.comparisons]
        if len(set(names)) != len(names) or not names:
            raise ConfigurationError("comparisons need unique names, and at least one")
        for c in self.comparisons:
            c.validate()
        for name in ("conflict_review_requires", "person_names", "person_conflicts", "identifiers", "transposable"):
            unknown = set(getattr(self, name)) - set(names)
            if unknown:
                raise ConfigurationError(f"{name} names unknown comparisons: {sorted(unknown)}")
        if self.transposable and len(self.transposable) != 2:
            raise ConfigurationError("transposable names two comparisons (first and last name)")

    @property
    def trained(self) -> bool:
        return self.probability_two_random_records_match is not None and all(
            c.m is not None and c.u is not None for c in self.comparisons
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> ResolveSettings:
        try:
            known = {f.name for f in fields(cls)}
            unknown = set(data) - known
            if unknown:
                raise ConfigurationError(f"unknown settings: {sorted(unknown)}")
            values = dict(data)
            values["comparisons"] = [Comparison(**c) for c in data["comparisons"]]
            values["blocking_rules"] = [BlockingRule(**b) for b in data["blocking_rules"]]
            return cls(**values)
        except (KeyError, TypeError) as exc:
            raise ConfigurationError(f"malformed resolve settings: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> ResolveSettings:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigurationError(f"resolve settings are not JSON: {exc}") from exc
        return cls.from_dict(data)
