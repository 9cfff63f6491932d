"""`provnet vetting` on the directory of live_api.py, and the same answer
through GraphQL over real HTTP: the rules live in the services, whichever entry
point asks (refresh, show, criteria; bad input exits 2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from live_api import TOKENS, Client, LiveServer, populate

from cli import main
from directory.model import Exclusion, VettingStatus
from directory.store import open_store
from schema import create_app

MEMBERS = """query($network: ID!) { network(id: $network) { memberVetting {
  npi current { status seq fingerprint checks { name status reason } } } } }"""


@pytest.fixture
def world(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    d = populate(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    try:
        yield url, store, d, Client(server.url)
    finally:
        server.stop()
        store.close()


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_refresh_then_show_give_what_graphql_gives(world, capsys):
    url, store, d, api = world
    code, out, _ = run(capsys, "--store", url, "vetting", "refresh")
    assert code == 0
    assert out.strip() == (
        "vetting refreshed: 2 network(s), 1 member result(s) checked, 1 recorded as changed; current: 1 needs_review"
    )
    assert run(capsys, "--store", url, "vetting", "refresh")[1].startswith(
        "vetting refreshed: 2 network(s), 1 member result(s) checked, 0 recorded"
    )
    member = d.in_plan_near[5]
    code, out, _ = run(capsys, "--store", url, "vetting", "show", "--network", "globex-vetted", "--npi", member)
    shown = json.loads(out)
    assert code == 0 and shown["member"] and shown["criteria"]["default"] and not shown["recorded_now"]
    assert shown["history"] == [{"seq": 1, "status": "needs_review", "judged_on": datetime.now(UTC).date().isoformat()}]
    via_api = api.data(MEMBERS, {"network": "globex-vetted"}, token="globex-tok")["network"]["memberVetting"][0]
    assert via_api["current"]["fingerprint"] == shown["current"]["fingerprint"]
    assert via_api["current"]["status"].lower() == shown["current"]["status"]
    assert [(c["name"], c["status"].lower(), c["reason"]) for c in via_api["current"]["checks"]] == [
        (c["name"], c["status"], c["reason"]) for c in shown["current"]["checks"]
    ]


def test_refresh_after_new_evidence_records_the_change_and_show_names_it(world, capsys):
    url, store, d, _ = world
    member = d.in_plan_near[5]
    run(capsys, "--store", url, "vetting", "refresh", "--network", "globex-vetted")
    leie = store.exclusion_lists()[0].evidence
    store.upsert_exclusions([Exclusion(member, "LEIE", "1128a1", datetime.now(UTC).date(), leie)])
    code, out, _ = run(capsys, "--store", url, "vetting", "refresh", "--npi", member)
    assert code == 0 and "1 recorded as changed; current: 1 failed" in out
    shown = json.loads(run(capsys, "--store", url, "vetting", "show", "--network", "globex-vetted", "--npi", member)[1])
    assert shown["current"]["status"] == "failed" and shown["previous"]["status"] == "needs_review"
    assert [(c["check"], c["after"]) for c in shown["changes"]] == [(None, "failed"), ("not_excluded", "fail")]
    assert [h["seq"] for h in shown["history"]] == [2, 1]


def test_criteria_set_from_a_file_apply_at_once_and_a_candidate_is_judged_but_not_recorded(world, capsys, tmp_path):
    url, store, d, _ = world
    rules = {
        "required_checks": ["active_npi", "not_excluded"],
        "accepted_license_statuses": ["active"],
        "required_exclusion_lists": [],
        "min_trd_expertise": 0,
        "max_fact_age_days": None,
    }
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    code, out, err = run(
        capsys, "--store", url, "vetting", "criteria", "--network", "acme-vetted", "--set", str(path), "--by", "ana"
    )
    assert code == 0 and json.loads(out) == {**rules, "min_trd_expertise": 0.0, "default": False}
    assert "0 member result(s) checked" in err  # acme-vetted has no members yet
    assert store.vetting_criteria(["acme-vetted"])["acme-vetted"].set_by == "ana"
    code, out, _ = run(capsys, "--store", url, "vetting", "criteria")
    assert code == 0 and json.loads(out)["default"] and json.loads(out)["max_fact_age_days"] == 90
    candidate = d.far[0]
    shown = json.loads(
        run(capsys, "--store", url, "vetting", "show", "--network", "acme-vetted", "--npi", candidate)[1]
    )
    assert not shown["member"] and shown["current"]["status"] == VettingStatus.VERIFIED.value
    assert shown["current"]["seq"] == 0 and store.vetting_history("acme-vetted", candidate) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "--network", "nope", "--npi", "1234567893"], "no network 'nope'"),
        (["show", "--network", "acme-vetted", "--npi", "12345"], "is not a valid NPI"),
        (["show", "--network", "acme-vetted", "--npi", "1234567893"], "no provider with NPI 1234567893"),
        (["refresh", "--today", "yesterday"], "--today must be a date"),
        (["criteria", "--network", "acme-vetted", "--set", "BAD"], "not JSON"),
    ],
)
def test_bad_input_is_a_one_line_error_with_exit_status_2(world, capsys, tmp_path, args, message):
    url = world[0]
    if "BAD" in args:
        bad = tmp_path / "bad.json"
        bad.write_text("{not json", encoding="utf-8")
        args = [str(bad) if a == "BAD" else a for a in args]
    code, _, err = run(capsys, "--store", url, "vetting", *args)
    assert code == 2 and message in err and "Traceback" not in err
