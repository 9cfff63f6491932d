"""The match score: components add up, unknowns and quality count as documented."""

from __future__ import annotations

import pytest

from scoring import MatchWeights, QualityCell, match_score
from scoring.matching import COMPONENTS, component_values, total_score

W = MatchWeights()
PLAIN = dict(
    expertise=50.0, vetting="passed", accepting=True, wait_days=7, distance_miles=0.0, max_miles=10.0, quality=None
)


def score(**given):
    values = dict(
        expertise=50.0,
        expertise_reason="e",
        vetting="passed",
        vetting_reason="v",
        accepting=True,
        wait_days=7,
        distance_miles=0.0,
        max_miles=10.0,
        quality=None,
        weights=W,
    )
    return match_score(**{**values, **given})


def test_components_add_up_to_the_score_and_match_the_fast_path():
    for given in (
        {},
        {"vetting": "unknown", "accepting": None, "wait_days": None},
        {"distance_miles": 13.3, "wait_days": 33},
        {"distance_miles": None, "quality": QualityCell("phq9_response", 0.41, 30)},
        {"expertise": 100.0, "vetting": "failed", "accepting": False},
    ):
        s = score(**given)
        assert [c.name for c in s.components] == list(COMPONENTS)
        assert round(sum(c.points for c in s.components), 2) == s.score
        plain = {**PLAIN, **given}
        assert total_score(component_values(**plain, weights=W), W) == s.score


def test_values_follow_the_documented_formula():
    s = score(expertise=55.0, vetting="unknown", accepting=None, wait_days=37, distance_miles=5.0)
    values = {c.name: c.value for c in s.components}
    assert values["expertise"] == 0.55
    assert values["vetting"] == W.vetting_unknown
    wait = 1 - (37 - W.wait_norm_days) / (W.wait_zero_days - W.wait_norm_days)
    assert values["access"] == pytest.approx((W.accepting_unknown + wait) / 2, abs=1e-4)
    assert values["distance"] == 1 - 5.0 / (W.distance_zero_at * 10.0)
    assert values["quality"] is None
    total = W.expertise + W.vetting + W.access + W.distance  # quality has no value: left out of the total
    expected = sum(round(100 * getattr(W, n) * values[n] / total, 2) for n in COMPONENTS[:4])
    assert s.score == round(expected, 2)
    assert score(distance_miles=None).components[3].value == W.telehealth_distance
    assert score(distance_miles=25.0).components[3].value == 0.0  # past twice the maximum
    assert score(wait_days=80).components[2].value == 0.5  # accepting 1, wait 0


def test_known_beats_unknown_beats_known_bad():
    assert score(accepting=True).score > score(accepting=None).score > score(accepting=False).score
    assert score(vetting="passed").score > score(vetting="unknown").score > score(vetting="failed").score
    assert score(wait_days=3).score > score(wait_days=None).score


def test_a_quality_cell_counts_only_with_at_least_11_patients():
    without = score()
    small = score(quality=QualityCell("phq9_response", 1.0, 10))
    assert small == without
    good = score(quality=QualityCell("phq9_response", 1.0, 11))
    poor = score(quality=QualityCell("phq9_response", 0.0, 11))
    assert good.score > without.score > poor.score
    assert good.components[-1].points == 10.0 and poor.components[-1].points == 0.0


def test_weights_are_checked():
    for bad in (
        dict(expertise=-1),
        dict(expertise=0, vetting=0, access=0, distance=0, quality=0),
        dict(accepting_unknown=2),
        dict(wait_norm_days=60, wait_zero_days=30),
        dict(distance_zero_at=0.5),
    ):
        with pytest.raises(ValueError):
            MatchWeights(**bad)
    with pytest.raises(ValueError, match="must be a number"):
        MatchWeights.from_json('{"expertise": "lots"}')
    with pytest.raises(ValueError, match="whole number"):
        MatchWeights.from_json('{"wait_norm_days": 1.5}')
    assert MatchWeights.from_json('{"drop_failed_vetting": false}').drop_failed_vetting is False
