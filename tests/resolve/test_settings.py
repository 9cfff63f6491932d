from __future__ import annotations

import json

import pytest

from directory.errors import ConfigurationError
from ingest.resolve import BlockingRule, Comparison, ResolveSettings, provider_settings


def test_untrained_settings_round_trip():
    s = provider_settings(merge_threshold=0.97, review_threshold=0.6)
    again = ResolveSettings.from_json(s.to_json())
    assert again == s and not again.trained
    assert again.merge_threshold == 0.97
    assert [c.labels for c in again.comparisons] == [c.labels for c in s.comparisons]


def test_levels_are_labelled_weakest_first():
    c = Comparison("name", "name", "similarity", [0.92, 0.8])
    assert c.labels == ["else", "jaro_winkler>=0.8", "jaro_winkler>=0.92", "exact"]
    assert Comparison("dob", "dob", "levenshtein", [1, 2]).labels == ["else", "lev<=2", "lev<=1", "exact"]


@pytest.mark.parametrize(
    "change,message",
    [
        ({"merge_threshold": 0.4}, "thresholds"),
        ({"link_type": "sideways"}, "link_type"),
        ({"blocking_rules": []}, "blocking rule"),
        ({"surprise": 1}, "unknown settings"),
    ],
)
def test_bad_settings_are_refused(change, message):
    data = provider_settings().to_dict()
    data.update(change)
    with pytest.raises(ConfigurationError, match=message):
        ResolveSettings.from_json(json.dumps(data))


def test_bad_comparisons_are_refused():
    rule = [BlockingRule("x", ["x"])]
    with pytest.raises(ConfigurationError, match="unknown kind"):
        ResolveSettings([Comparison("x", "x", "soundalike")], rule)
    with pytest.raises(ConfigurationError, match="needs thresholds"):
        ResolveSettings([Comparison("x", "x", "similarity")], rule)
    with pytest.raises(ConfigurationError, match="probabilities"):
        ResolveSettings([Comparison("x", "x", "exact", m=[0.5, 0.3, 0.2])], rule)
    with pytest.raises(ConfigurationError, match="not JSON"):
        ResolveSettings.from_json("{")
