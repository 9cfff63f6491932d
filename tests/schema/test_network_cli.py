"""`provnet network export|history|accuracy|composition|stale` and
`provnet benefit-gap` through the real console script, on the directory of
live_api.py, giving what GraphQL gives over real HTTP (the rules live in the
services); bad input exits 2 with one line and no traceback."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from live_api import TOKENS, Client, LiveServer, populate

from directory.store import open_store
from schema import create_app

PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("network-cli") / "cli.db"
    store = open_store(f"sqlite:///{path}")
    d = populate(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    try:
        yield f"sqlite:///{path}", store, d, Client(server.url)
    finally:
        server.stop()
        store.close()


def provnet(store_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PROVNET, "--store", store_url, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_export_writes_every_member_as_the_api_does(world, tmp_path):
    url, store, d, api = world
    out = tmp_path / "members.csv"
    done = provnet(url, "network", "export", "--network", "northwind-ma", "--out", str(out))
    assert done.returncode == 0, done.stderr
    members = store.network_members("northwind-ma")
    assert f"exported {len(members)} member(s) of northwind-ma" in done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["npi"] for r in rows] == sorted(m.npi for m in members)
    via_api = api.data('{ exportNetworkMembers(networkId: "northwind-ma", first: 100) { csv } }', token="nw-tok")[
        "exportNetworkMembers"
    ]["csv"]
    assert list(csv.DictReader(io.StringIO(via_api))) == rows
    to_stdout = provnet(url, "network", "export", "--network", "northwind-ma")
    assert list(csv.DictReader(io.StringIO(to_stdout.stdout))) == rows


def test_reports_and_history_give_what_graphql_gives(world):
    url, store, d, api = world
    accuracy = json.loads(provnet(url, "network", "accuracy", "--network", "northwind-ma").stdout)
    via_api = api.data(
        '{ directoryAccuracy(networkId: "northwind-ma") { listings fullyVerified fields { field verified stale } } }',
        token="nw-tok",
    )["directoryAccuracy"]
    assert (accuracy["listings"], accuracy["fully_verified"]) == (via_api["listings"], via_api["fullyVerified"])
    assert [(f["field"], f["verified"], f["stale"]) for f in accuracy["fields"]] == [
        (f["field"], f["verified"], f["stale"]) for f in via_api["fields"]
    ]
    composition = json.loads(provnet(url, "network", "composition", "--network", "northwind-ma").stdout)
    assert composition["members"] == len(store.network_members("northwind-ma"))
    stale = json.loads(provnet(url, "network", "stale", "--network", "northwind-ma", "--first", "2").stdout)
    assert len(stale["listings"]) == 2 and stale["has_next_page"]
    following = json.loads(
        provnet(url, "network", "stale", "--network", "northwind-ma", "--after", stale["end_cursor"]).stdout
    )
    assert following["listings"][0]["npi"] > stale["end_cursor"]
    api.data(
        'mutation { markNetworkReviewed(networkId: "northwind-ma", note: "cli check") { errors { code } } }',
        token="nw-tok",
    )
    (event,) = json.loads(provnet(url, "network", "history", "--network", "northwind-ma", "--limit", "1").stdout)
    assert (event["kind"], event["note"], event["actor"]) == ("reviewed", "cli check", "payer:northwind")


def test_benefit_gap_reads_counts_by_zip_only(world, tmp_path):
    url, _, _, api = world
    good = tmp_path / "employees.csv"
    good.write_text("zip,count\n10029,50\n02115,20\n", encoding="utf-8")
    done = provnet(url, "benefit-gap", "--employees", str(good), "--plan", "northwind-ma-hmo", "--radius", "5")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    via_api = api.data(
        """{ benefitGapAudit(planIds: ["northwind-ma-hmo"], radiusMiles: 5,
             employees: [{zip: "10029", count: 50}, {zip: "02115", count: 20}]) {
             audit { treatments { covered } gaps(first: 10) { zip employees } } } }""",
        token="acme-tok",
    )["benefitGapAudit"]["audit"]
    assert [t["covered"] for t in report["treatments"]] == [t["covered"] for t in via_api["treatments"]]
    assert [(g["zip"], g["employees"]) for g in report["gaps"]] == [(g["zip"], g["employees"]) for g in via_api["gaps"]]
    for header, row in (("member_id,zip", "E-1,10029"), ("zip,count,last_name", "10029,3,Doe")):
        bad = tmp_path / "bad.csv"
        bad.write_text(f"{header}\n{row}\n", encoding="utf-8")
        refused = provnet(url, "benefit-gap", "--employees", str(bad), "--plan", "northwind-ma-hmo")
        assert refused.returncode == 2 and "exactly the columns zip,count" in refused.stderr
        assert "Traceback" not in refused.stderr and refused.stdout == ""
    missing = provnet(url, "network", "export", "--network", "no-such-network")
    assert missing.returncode == 2 and missing.stderr.strip() == "provnet: error: no network 'no-such-network'"
