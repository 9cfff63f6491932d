"""`Provider.outcomes` over real HTTP, and the property that suppression holds
on every path: outcome rows generated around the 11-patient threshold, written
as real files and loaded through the real loader, then read through the
service, GraphQL served by uvicorn on loopback, and the `provnet outcomes`
command. A cell of fewer than 11 patients shows no figure anywhere and no
score can read it."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_api import Client, LiveServer

from cli.main import main
from directory.model import EntityType, Evidence, ProviderRecord
from directory.npi import make_npi
from directory.services.outcomes import FIGURES, MIN_PATIENTS, outcomes_shown, scorable_outcomes
from directory.store import open_store
from ingest.sources.outcomes import COLUMNS, load_outcomes
from schema import create_app

NPPES = Evidence("nppes", date(2025, 10, 6), "bulk_file", 1.0, "npidata_pfile_20050523-20251005.csv")
FILE_DATE = date(2025, 12, 31)
FIELDS = (
    "periodStart periodEnd suppressed suppressedReason patients phq9BaselineMean phq9LatestMean phq9ResponseRate "
    "phq9RemissionRate gad7ChangeMean allianceInstrument allianceMean dropoutRate"
)
QUERY = (
    f"query($npi: String!) {{ provider(npi: $npi) {{ outcomes {{ {FIELDS} evidence {{ kind source reference }} }} }} }}"
)
CAMEL = {
    "phq9_baseline_mean": "phq9BaselineMean",
    "phq9_latest_mean": "phq9LatestMean",
    "phq9_response_rate": "phq9ResponseRate",
    "phq9_remission_rate": "phq9RemissionRate",
    "gad7_change_mean": "gad7ChangeMean",
    "alliance_mean": "allianceMean",
    "dropout_rate": "dropoutRate",
}
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A store on disk served over HTTP with no tokens (an anonymous navigator)."""
    folder = tmp_path_factory.mktemp("outcomes")
    url = f"sqlite:///{folder / 'provnet.db'}"
    store = open_store(url)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("PROVNET_AUTH_TOKENS", raising=False)
        server = LiveServer(create_app(store))
    try:
        yield store, Client(server.url), url, folder
    finally:
        server.stop()
        store.close()


def _providers(store, n: int) -> list[str]:
    npis = [make_npi(f"1{next(_numbers):08d}") for _ in range(n)]
    store.upsert_providers(
        [ProviderRecord(npi, EntityType.INDIVIDUAL, NPPES, first_name="Ann", last_name=f"N{npi}") for npi in npis]
    )
    return npis


def _write(folder: Path, rows: list[dict]) -> Path:
    path = folder / f"outcomes_{next(_numbers)}.csv"
    lines = [",".join(COLUMNS)] + [",".join("" if r[c] is None else str(r[c]) for c in COLUMNS) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stamp = datetime(FILE_DATE.year, FILE_DATE.month, FILE_DATE.day, 12).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _gql_outcomes(client, npi) -> list[dict]:
    return client.data(QUERY, {"npi": npi})["provider"]["outcomes"]


def test_provider_outcomes_over_http_withhold_small_cells(live):
    store, client, _, folder = live
    (npi,) = _providers(store, 1)
    big = dict(npi=npi, period_start="2025-07-01", period_end="2025-09-30", patients=64, phq9_baseline_mean=17.5,
               phq9_latest_mean=8.25, phq9_response_rate=0.5, phq9_remission_rate=0.25, gad7_change_mean=-3.5,
               alliance_instrument="SRS", alliance_mean=37.0, dropout_rate=0.125)  # fmt: skip
    small = {
        **big,
        "period_start": "2025-04-01",
        "period_end": "2025-06-30",
        "patients": 10,
        "phq9_baseline_mean": 21.5,
    }
    load_outcomes(store, _write(folder, [big, small]), source="outcomes:acme")
    q3, q2 = _gql_outcomes(client, npi)
    assert (q3["periodStart"], q3["suppressed"], q3["suppressedReason"], q3["patients"]) == (
        "2025-07-01",
        False,
        None,
        64,
    )
    assert (q3["phq9BaselineMean"], q3["phq9LatestMean"], q3["allianceInstrument"], q3["dropoutRate"]) == (
        17.5,
        8.25,
        "SRS",
        0.125,
    )
    assert q3["evidence"]["kind"] == "OUTCOME" and q3["evidence"]["source"] == "outcomes:acme"
    assert q3["evidence"]["reference"].startswith("outcomes_")
    assert (q2["periodStart"], q2["periodEnd"], q2["suppressed"]) == ("2025-04-01", "2025-06-30", True)
    assert q2["suppressedReason"] == f"fewer than {MIN_PATIENTS} patients: figures withheld"
    withheld = [k for k in q2 if k not in ("periodStart", "periodEnd", "suppressed", "suppressedReason", "evidence")]
    assert len(withheld) == 9 and all(q2[k] is None for k in withheld)
    assert q2["evidence"]["kind"] == "OUTCOME"  # where it came from is still said


def test_outcomes_of_many_providers_cost_the_same_round_trips(live):
    store, client, _, folder = live
    npis = _providers(store, 8)
    rows = [dict(npi=n, period_start="2025-01-01", period_end="2025-03-31", patients=20, phq9_baseline_mean=15,
                 phq9_latest_mean=None, phq9_response_rate=None, phq9_remission_rate=None, gad7_change_mean=None,
                 alliance_instrument=None, alliance_mean=None, dropout_rate=None) for n in npis]  # fmt: skip
    load_outcomes(store, _write(folder, rows))

    def trips(chosen):
        query = (
            "{ "
            + " ".join(f'p{i}: provider(npi: "{n}") {{ outcomes {{ patients }} }}' for i, n in enumerate(chosen))
            + " }"
        )
        before = store.round_trips
        data = client.data(query)
        assert all(data[f"p{i}"]["outcomes"][0]["patients"] == 20 for i in range(len(chosen)))
        return store.round_trips - before

    assert trips(npis[:2]) == trips(npis) <= 3


figure = st.none() | st.decimals(min_value=0, max_value=27, places=2).map(float)
rate = st.none() | st.decimals(min_value=0, max_value=1, places=3).map(float)


@st.composite
def cells(draw):
    instrument = draw(st.sampled_from([None, "WAI-SR", "SRS"]))
    low, high = {None: (0, 0), "WAI-SR": (12, 60), "SRS": (0, 40)}[instrument]
    return dict(
        patients=draw(st.integers(MIN_PATIENTS - 3, MIN_PATIENTS + 2) | st.integers(0, 500)),
        phq9_baseline_mean=draw(figure),
        phq9_latest_mean=draw(figure),
        phq9_response_rate=draw(rate),
        phq9_remission_rate=draw(rate),
        gad7_change_mean=draw(st.none() | st.decimals(min_value=-21, max_value=21, places=2).map(float)),
        alliance_instrument=instrument,
        alliance_mean=None if instrument is None else draw(st.decimals(low, high, places=1).map(float)),
        dropout_rate=draw(rate),
    )


@given(st.lists(st.lists(cells(), min_size=1, max_size=3), min_size=1, max_size=3))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_suppression_holds_on_every_path(live, per_provider):
    store, client, url, folder = live
    npis = _providers(store, len(per_provider))
    rows, expected = [], {}
    for npi, periods in zip(npis, per_provider, strict=True):
        for q, cell in enumerate(periods):  # quarters of 2025, newest last
            start, end = date(2025, 1 + 3 * q, 1), date(2025, 3 + 3 * q, 28)
            rows.append(dict(npi=npi, period_start=start.isoformat(), period_end=end.isoformat(), **cell))
            expected[(npi, start.isoformat())] = cell
    report = load_outcomes(store, _write(folder, rows))
    assert report.quarantined_total == 0 and report.loaded == len(rows)

    def check(npi: str, start: str, shown: dict, names: dict[str, str]) -> None:
        cell = expected[(npi, start)]
        small = cell["patients"] < MIN_PATIENTS
        assert shown[names["suppressed"]] is small
        assert shown[names["patients"]] == (None if small else cell["patients"])
        for figure_name in FIGURES + ("alliance_instrument",):
            assert shown[names.get(figure_name, figure_name)] == (None if small else cell[figure_name]), figure_name

    # the service people see and the one a score reads
    for npi, cells_shown in outcomes_shown(store, npis).items():
        for c in cells_shown:
            small = expected[(npi, c.period_start.isoformat())]["patients"] < MIN_PATIENTS
            assert c.suppressed is small
            if small:
                assert c.patients is None and all(getattr(c, f) is None for f in FIGURES)
    usable = scorable_outcomes(store, npis)
    assert all(o.patients >= MIN_PATIENTS for cells_ in usable.values() for o in cells_)
    assert sum(len(v) for v in usable.values()) == sum(1 for c in expected.values() if c["patients"] >= MIN_PATIENTS)

    # GraphQL over HTTP
    gql_names = {
        **CAMEL,
        "suppressed": "suppressed",
        "patients": "patients",
        "alliance_instrument": "allianceInstrument",
    }
    for npi in npis:
        for shown in _gql_outcomes(client, npi):
            shown["allianceInstrument"] = {"WAI_SR": "WAI-SR", "SRS": "SRS", None: None}[shown["allianceInstrument"]]
            check(npi, shown["periodStart"], shown, gql_names)

    # the command line
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--store", url, "outcomes", *npis]) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == len(rows)
    for shown in lines:
        check(shown["npi"], shown["period_start"], shown, {f: f for f in ("suppressed", "patients")})
