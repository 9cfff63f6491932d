"""The model used for providers: comparisons and blocking rules over the
columns of :func:`ingest.resolve.records.entity_frame`."""

from __future__ import annotations

from .settings import BlockingRule, Comparison, ResolveSettings


def provider_settings(**overrides) -> ResolveSettings:
    """Untrained settings for resolving providers across NPPES, the API, rosters
    and evidence lists; keyword arguments override ResolveSettings fields."""
    comparisons = [
        # Two different NPIs are two enumerations: m fixed, not learnt from pairs EM may misread.
        Comparison("npi", "npi", "npi", m=[0.002, 0.998], fix_m=True),
        Comparison("first_name", "first_name", "similarity", [0.85, 0.92], tf_adjust=True),
        Comparison("middle_initial", "middle_initial", "exact"),
        Comparison("last_name", "last_name", "similarity", [0.85, 0.92], alternates="last_name_alts", tf_adjust=True),
        Comparison(
            "org_name",
            "org_name",
            "similarity",
            [0.85, 0.93],
            scorer="token_sort",
            alternates="org_name_alts",
            tf_adjust=True,
        ),
        Comparison("address", "address", "similarity", [0.8, 0.9], scorer="token_sort"),
        Comparison("zip", "zip5", "prefix", [3]),
        Comparison("phone", "phones", "any_equal"),
        Comparison("licence", "licences", "licence"),
        Comparison("taxonomy", "taxonomies", "any_equal"),
        Comparison("birth_date", "birth_date", "levenshtein", [1]),
    ]
    rules = [
        BlockingRule("npi", ["npi"]),
        BlockingRule("phone", ["phones"], max_block_size=100),
        BlockingRule("licence", ["licence_numbers"], max_block_size=100),
        BlockingRule("person_name_state", ["last_name", "first_name", "state"]),
        BlockingRule("person_name", ["last_name", "first_name"], max_block_size=40),
        BlockingRule("person_last_zip", ["last_name", "zip5"]),
        BlockingRule("person_first_zip", ["first_name", "zip5"]),
        BlockingRule("org_name_state", ["org_names_all", "state"], max_block_size=100),
        BlockingRule("address", ["address", "zip5"], max_block_size=100),
    ]
    values = dict(
        comparisons=comparisons,
        blocking_rules=rules,
        link_type="link_and_dedupe",
        merge_threshold=0.95,
        review_threshold=0.5,
        conflict_review_requires=["first_name", "last_name", "org_name"],
    )
    values.update(overrides)
    return ResolveSettings(**values)
