"""The matching service on a real store: ranking profiles kept fresh, the quality
component's reader, weights and pathway as data."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from match_worlds import ROSTER, Person, build

from directory.errors import ConfigurationError, InputError
from directory.geo import zip_centroid
from directory.model import Exclusion, ExclusionListLoad, Treatment
from directory.services.matching import Need, Pathway, load_pathway, match_providers, refresh_profiles
from directory.services.matching.pathway import DEFAULT_FILE
from scoring import MatchWeights, QualityCell

TODAY = date(2026, 12, 6)
PEOPLE = [
    Person("near", "Nia", "Near", 0.2, wait_days=40),
    Person("mid", "Max", "Mid", 0.9, board=True),
    Person("far", "Fay", "Far", 1.8, taxonomy="101YM0800X"),
]


@pytest.fixture
def world(store):
    return build(store, PEOPLE, Treatment.ESKETAMINE_REMS)


def need(**extra) -> Need:
    values = dict(near=zip_centroid("10029")[0], max_miles=2.0, treatments=(Treatment.ESKETAMINE_REMS,), first=10)
    return Need(**{**values, **extra})


def test_profiles_are_computed_once_a_day_and_after_a_fact_changes(store, world):
    first = match_providers(store, need(), TODAY)
    assert first.profiles_computed == 3 and first.total == 3
    again = match_providers(store, need(), TODAY)
    assert again.profiles_computed == 0 and again.matches == first.matches
    assert match_providers(store, need(), TODAY + timedelta(days=1)).profiles_computed == 3  # confidence decays daily
    # a fact written: only that provider's profile is made again, and it now fails vetting
    store.upsert_exclusions([Exclusion(world["mid"], "LEIE", "1128a1", date(2026, 1, 2), ROSTER)])
    after = match_providers(store, need(), TODAY + timedelta(days=1))
    assert after.profiles_computed == 1 and after.failed_vetting == 1
    assert world["mid"] not in [m.npi for m in after.matches]
    # an exclusion list loaded changes every profile's basis (absence from it now counts)
    store.record_exclusion_lists([ExclusionListLoad("LEIE", date(2026, 12, 1), ROSTER)])
    loaded = match_providers(store, need(), TODAY + timedelta(days=1))
    assert loaded.profiles_computed == 3
    checks = {c.name: c.status for c in loaded.matches[0].vetting_checks}
    assert checks["not_excluded"] == "pass"


def test_refresh_makes_every_stale_profile_ahead_of_the_answers(store, world):
    report = refresh_profiles(store, TODAY, batch=2)
    assert (report.providers, report.computed, report.fresh) == (3, 3, 0)
    assert refresh_profiles(store, TODAY) == dataclasses.replace(report, computed=0, fresh=3)
    assert refresh_profiles(store, TODAY, only_stale=False).computed == 3
    assert match_providers(store, need(), TODAY).profiles_computed == 0


def test_the_quality_component_counts_only_cells_of_at_least_11_patients(store, world):
    plain = match_providers(store, need(), TODAY)
    calls = []

    def cells(patients):
        def read(store_, npis, treatments, today):
            calls.append((sorted(npis), treatments, today))
            return {world["far"]: QualityCell("phq9_response", 0.9, patients)}

        return read

    suppressed = match_providers(store, need(), TODAY, quality=cells(10))
    assert [(m.npi, m.score) for m in suppressed.matches] == [(m.npi, m.score) for m in plain.matches]
    counted = match_providers(store, need(), TODAY, quality=cells(11))
    assert calls[0] == (sorted(world.npis.values()), (Treatment.ESKETAMINE_REMS,), TODAY)
    far = next(m for m in counted.matches if m.npi == world["far"])
    quality = far.score.components[-1]
    assert quality.value == 0.9 and quality.points > 0 and "11 patients" in quality.reason
    assert round(sum(c.points for c in far.score.components), 2) == far.score.score
    # the others have no cell: still scored over the other components, unchanged
    others = {m.npi: m.score.score for m in counted.matches if m.npi != world["far"]}
    assert others == {m.npi: m.score.score for m in plain.matches if m.npi != world["far"]}


def test_weights_are_data_the_caller_replaces(store, world):
    by_distance = MatchWeights(expertise=0, vetting=0, access=0, distance=1, quality=0)
    found = match_providers(store, need(), TODAY, weights=by_distance)
    assert [m.npi for m in found.matches] == [world["near"], world["mid"], world["far"]]
    by_expertise = MatchWeights(expertise=1, vetting=0, access=0, distance=0, quality=0)
    found = match_providers(store, need(), TODAY, weights=by_expertise)
    assert found.matches[0].npi == world["mid"]  # the board-certified psychiatrist
    assert MatchWeights.from_json(by_distance.to_json()) == by_distance
    with pytest.raises(ValueError, match="unknown match weight"):
        MatchWeights.from_json('{"expertise": 1, "charisma": 2}')
    with pytest.raises(ValueError, match="min_quality_patients"):
        MatchWeights(min_quality_patients=5)


def test_keeping_failed_vetting_lists_them_last_by_score(store, world):
    store.upsert_exclusions([Exclusion(world["near"], "LEIE", "1128a1", date(2026, 1, 2), ROSTER)])
    kept = match_providers(store, need(), TODAY, weights=MatchWeights(drop_failed_vetting=False))
    assert kept.failed_vetting == 0 and kept.total == 3
    near = next(m for m in kept.matches if m.npi == world["near"])
    assert near.vetting == "failed" and near.score.components[1].value == 0.0


def test_the_pathway_is_data(tmp_path):
    default = load_pathway()
    assert default.steps[0] == (Treatment.MEDICATION_MANAGEMENT,)
    assert Pathway.from_json(DEFAULT_FILE.read_text()) == default
    payer = tmp_path / "payer.json"
    payer.write_text('{"name": "payer X", "steps": [["esketamine_rems"], ["tms_standard"]]}')
    assert load_pathway(str(payer)).next_steps((Treatment.ESKETAMINE_REMS,)) == ((Treatment.TMS_STANDARD,),)
    bad = tmp_path / "bad.json"
    bad.write_text('{"steps": [["magic_beans"]]}')
    with pytest.raises(ConfigurationError, match="magic_beans"):
        load_pathway(str(bad))
    with pytest.raises(InputError):
        Pathway("empty", ())
    assert Pathway.from_json(default.to_json()) == default


def test_provnet_match_refresh_computes_what_is_stale(tmp_path, capsys):
    from cli import main
    from directory.store import open_store

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with open_store(url) as store:
        build(store, PEOPLE, Treatment.ECT)
    assert main(["--store", url, "match", "refresh"]) == 0
    assert "3 providers: 3 ranking profiles computed, 0 already fresh" in capsys.readouterr().err
    assert main(["--store", url, "match", "refresh"]) == 0
    assert "0 ranking profiles computed, 3 already fresh" in capsys.readouterr().err
    assert main(["--store", url, "match", "refresh", "--all"]) == 0
    assert "3 ranking profiles computed" in capsys.readouterr().err
