"""The model used for providers: comparisons and blocking rules over the
columns of :func:`ingest.resolve.records.entity_frame`."""

from __future__ import annotations

from typing import Any

from .settings import BlockingRule, Comparison, ResolveSettings


def provider_settings(**overrides: Any) -> ResolveSettings:
    """Untrained settings for resolving providers across NPPES, the API, rosters,
    licence board files and site lists; keyword arguments override ResolveSettings fields."""
    comparisons = [
        # Two different NPIs are two enumerations: m fixed, not learnt from pairs EM may misread.
        # "typo": an NPI that fails its check digit, one keying error from the other's. u fixed
        # too: an NPI is one provider's, so two different providers share one only by mistake
        # (the mistakes the rules can see, another type's or another person's NPI, are dropped
        # first), about once in a billion pairs; a million random pairs cannot measure that.
        Comparison(
            "npi",
            "npi",
            "npi",
            context=["npi_unchecked"],
            m=[0.002, 0.02, 0.978],
            u=[1 - 2e-9, 1e-9, 1e-9],
            fix_m=True,
            fix_u=True,
        ),
        Comparison("first_name", "first_name", "similarity", [0.85, 0.92], tf_adjust=True),
        Comparison("middle_initial", "middle_initial", "exact"),
        Comparison("last_name", "last_name", "similarity", [0.85, 0.92], alternates="last_name_alts", tf_adjust=True),
        # Jr beside Sr: written on both sides only now and then, so too rare to learn m from
        Comparison("suffix", "suffix", "exact", m=[0.02, 0.98], fix_m=True),
        Comparison(
            "org_name",
            "org_name",
            "similarity",
            [0.85, 0.93],
            scorer="token_sort",
            alternates="org_name_alts",
            tf_adjust=True,
        ),
        # state, ZIP and street as one piece of evidence; the phone goes with the place
        Comparison(
            "location", "address", "location", [0.8, 0.9], scorer="token_sort", context=["zip5", "state"], group="place"
        ),
        Comparison("phone", "phones", "any_equal", group="place"),
        Comparison("licence", "licences", "licence"),
        Comparison("taxonomy", "taxonomies", "any_equal"),
        Comparison("birth_date", "birth_date", "levenshtein", [1]),
    ]
    names = ["first_name", "last_name"]
    rules = [
        BlockingRule("npi", ["npi"]),
        BlockingRule("phone", ["phones"], max_block_size=100),
        BlockingRule("licence", ["licence_numbers"], max_block_size=100, covers=["licence"]),
        # first and last name in either order
        BlockingRule("person_name_state", ["name_pair", "state"], covers=[*names, "location"]),
        BlockingRule("person_name", ["name_pair"], max_block_size=40, covers=names),
        BlockingRule("person_last_zip", ["last_name", "zip5"], covers=["last_name", "location"]),
        BlockingRule("person_first_zip", ["first_name", "zip5"], covers=["first_name", "location"]),
        BlockingRule("org_name_state", ["org_names_all", "state"], max_block_size=100, covers=["org_name", "location"]),
        # a site under another name: any word of its name near the organization
        BlockingRule("org_word_zip3", ["org_tokens", "zip5:3"], max_block_size=50, covers=["location"]),
        BlockingRule("address", ["address", "zip5"], max_block_size=100, covers=["location"]),
        BlockingRule("street_number_zip", ["street_number", "zip5"], max_block_size=100, covers=["location"]),
    ]
    values: dict[str, Any] = dict(
        comparisons=comparisons,
        blocking_rules=rules,
        link_type="link_and_dedupe",
        merge_threshold=0.95,
        review_threshold=0.5,
        conflict_review_requires=["first_name", "last_name", "org_name"],
        person_names=names,
        person_conflicts=["suffix"],
        identifiers=["npi", "licence"],
        transposable=names,
    )
    values.update(overrides)
    return ResolveSettings(**values)
