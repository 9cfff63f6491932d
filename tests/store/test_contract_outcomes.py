"""Store contract, outcome aggregates: every cell kept as reported (small ones
too), per provider, period and source. Written once, run on every backend."""

from __future__ import annotations

from datetime import date

from store_records import individual, npi

from directory.model import AllianceInstrument, Evidence, OutcomeMeasures

CLINIC = Evidence("outcomes:acme", date(2025, 10, 1), "reported_aggregates", 0.8, "acme_q3.csv")
OTHER = Evidence("outcomes:registry", date(2025, 10, 2), "reported_aggregates", 0.9, "registry.csv")


def cell(number: str, start: date, end: date, patients: int, evidence: Evidence = CLINIC, **figures):
    return OutcomeMeasures(number, start, end, patients, evidence, **figures)


def test_outcomes_round_trip_newest_period_first_and_persist(store, reopen):
    store.upsert_providers([individual(npi(1)), individual(npi(2), "Jane", "Doe")])
    q2 = cell(npi(1), date(2025, 4, 1), date(2025, 6, 30), 40, phq9_baseline_mean=18.5, phq9_latest_mean=9.25)
    q3 = cell(
        npi(1),
        date(2025, 7, 1),
        date(2025, 9, 30),
        7,  # a small cell: stored as reported
        phq9_baseline_mean=19.0,
        phq9_latest_mean=8.0,
        phq9_response_rate=0.5,
        phq9_remission_rate=0.25,
        gad7_change_mean=-4.5,
        alliance_instrument=AllianceInstrument.WAI_SR,
        alliance_mean=48.0,
        dropout_rate=0.1,
    )
    q3_other = cell(npi(1), date(2025, 7, 1), date(2025, 9, 30), 120, OTHER, alliance_instrument=AllianceInstrument.SRS)
    jane = cell(npi(2), date(2025, 1, 1), date(2025, 3, 31), 0)
    assert store.upsert_outcomes([q2, q3, q3_other, jane]) == 4
    assert store.outcomes_for([npi(1), npi(2), npi(3)]) == {npi(1): [q3, q3_other, q2], npi(2): [jane]}
    assert store.counts()["outcomes"] == 4
    store = reopen()
    assert store.outcomes_for([npi(1)])[npi(1)] == [q3, q3_other, q2]


def test_a_cell_is_replaced_by_provider_period_and_source(store):
    store.upsert_providers([individual(npi(1))])
    first = cell(npi(1), date(2025, 1, 1), date(2025, 3, 31), 30, phq9_latest_mean=10.0)
    store.upsert_outcomes([first])
    again = cell(npi(1), date(2025, 1, 1), date(2025, 3, 31), 31, dropout_rate=0.2)
    store.upsert_outcomes([cell(npi(1), date(2025, 1, 1), date(2025, 3, 31), 99), again])  # last of a batch wins
    assert store.outcomes_for([npi(1)]) == {npi(1): [again]}


def test_outcomes_of_unknown_providers_are_not_written(store):
    store.upsert_providers([individual(npi(1))])
    store.upsert_outcomes([cell(npi(8), date(2025, 1, 1), date(2025, 3, 31), 30)])
    assert store.outcomes_for([npi(8)]) == {}
    assert store.counts()["outcomes"] == 0
    assert store.upsert_outcomes([]) == 0
