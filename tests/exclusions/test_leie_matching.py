"""Matching LEIE rows to the directory through a real load: by NPI, by name
and state (hyphenated and former names included), namesakes elsewhere left
alone, uncertain matches in the review queue decided by people, and records
no one matched linked once the provider arrives."""

from __future__ import annotations

from datetime import date

from leie_files import business, person
from leie_world import person_record

from cli.main import main
from directory.model import MatchStatus
from directory.npi import make_npi
from directory.services.matches import Decision, decide
from directory.services.vetting import vet_providers
from ingest.sources.leie import load_leie

TODAY = date(2026, 1, 15)
OCT = date(2025, 10, 8)


def status(store, npi):
    (check,) = [c for c in vet_providers(store, [npi], TODAY)[npi].checks if c.name == "not_excluded"]
    return check.status.value


def matches_of(store, npi):
    return [m for m in store.matches(limit=None) if m.npi == npi]


ROWS = [
    person("LEE", "ANN", state="NY", NPI=make_npi("100000003")),  # her NPI, though the state is not hers
    person("SMITH", "JOHN", "Q"),  # certain: name, middle initial, state
    person("BROWN", "MARY", "A", state="NJ"),  # Mary Jones's former name
    person("JONES", "ROBERT", "K"),  # one part of Robert Smith-Jones's surname: review
    person("MILLER", "DAVID"),  # two David Millers in NY: both to review
    person("PARKER", "PETER", "B", state="NY"),  # the directory's Peter B Parker is in CA
    person("GREEN", "SUSAN", "T"),  # no middle name in the directory: review
    business("THE HARBOR MIND CLINIC LLC"),
]


def test_each_kind_of_match(store, world, leie_file):
    report = load_leie(store, leie_file("UPDATED.csv", ROWS, modified=OCT))
    assert report.read == 8 and report.filtered == {"no_directory_match": 1}  # Parker
    certain = {
        world.lee: "npi",
        world.smith: "name+state",
        world.jones: "name+state",
        world.clinic: "business name+state",
    }
    for npi, method in certain.items():
        (m,) = matches_of(store, npi)
        assert (m.status, m.agreement["method"]) == (MatchStatus.MERGED, method)
        assert status(store, npi) == "fail"
    assert "former name 'MARY A BROWN'" in matches_of(store, world.jones)[0].agreement["surname"]
    for npi in (world.smith_jones, world.miller_1, world.miller_2, world.green):
        (m,) = matches_of(store, npi)
        assert m.status is MatchStatus.REVIEW and m.decided_by == "model"
        assert status(store, npi) == "pass"  # nothing is attached until a person accepts
    assert matches_of(store, world.parker) == [] and status(store, world.parker) == "pass"
    queue = store.matches(status=MatchStatus.REVIEW, limit=None)
    assert {m.npi for m in queue} == {world.smith_jones, world.miller_1, world.miller_2, world.green}
    assert matches_of(store, world.smith_jones)[0].agreement["surname"] == "part (legal name)"
    assert matches_of(store, world.miller_1)[0].agreement["namesakes"] == "2 providers of the name in NY"
    assert matches_of(store, world.green)[0].agreement["middle_name"] == "missing"
    assert report.details["matches.name+state.review"] == 4


def test_accepting_attaches_and_rejecting_or_undoing_removes_and_later_loads_honour_it(store, world, leie_file):
    path = leie_file("UPDATED.csv", ROWS, modified=OCT)
    load_leie(store, path)
    (green,) = matches_of(store, world.green)
    (miller,) = matches_of(store, world.miller_1)
    decided = decide(store, green.match_id, Decision.MERGE, "reviewer@example.org")
    assert decided.status is MatchStatus.MERGED
    assert status(store, world.green) == "fail"
    (x,) = store.exclusions_for([world.green])[world.green]
    assert (x.evidence.method, x.evidence.reference) == ("review", green.left)
    decide(store, miller.match_id, Decision.REJECT, "reviewer@example.org")
    assert status(store, world.miller_1) == "pass"

    again = load_leie(store, path)  # the model would send both to review again: people's decisions stand
    assert again.unchanged == 7 and again.details["decisions.by_person"] == 2
    assert store.matches(ids=[green.match_id])[0].status is MatchStatus.MERGED
    assert store.matches(ids=[miller.match_id])[0].status is MatchStatus.REJECTED
    assert status(store, world.green) == "fail" and status(store, world.miller_1) == "pass"

    decide(store, green.match_id, Decision.UNDO, "reviewer@example.org")
    assert status(store, world.green) == "pass" and store.exclusions_for([world.green]) == {}
    load_leie(store, path)
    assert status(store, world.green) == "pass"


def test_a_person_may_reject_a_certain_match_and_it_stays_off(store, world, leie_file):
    path = leie_file("UPDATED.csv", ROWS, modified=OCT)
    load_leie(store, path)
    (smith,) = matches_of(store, world.smith)
    decide(store, smith.match_id, Decision.REJECT, "reviewer")
    assert status(store, world.smith) == "pass"
    load_leie(store, path)
    assert status(store, world.smith) == "pass"


def test_the_review_command_decides_exclusion_pairs(store, world, leie_file, tmp_path, capsys):
    load_leie(store, leie_file("UPDATED.csv", ROWS, modified=OCT))
    (green,) = matches_of(store, world.green)
    url = f"sqlite:///{tmp_path / 'provnet.db'}"
    assert main(["--store", url, "review", "list"]) == 0
    assert f"{green.match_id}\t{green.left} ~ nppes:{world.green}" in capsys.readouterr().out
    assert main(["--store", url, "review", "accept", green.match_id, "--by", "ana"]) == 0
    assert status(store, world.green) == "fail"
    assert main(["--store", url, "review", "reject", green.match_id, "--by", "ana"]) == 0
    assert status(store, world.green) == "pass"


def test_a_record_no_one_matched_is_linked_once_the_provider_is_in_the_directory(store, world, leie_file, tmp_path):
    nora = make_npi("100000010")
    report = load_leie(store, leie_file("UPDATED.csv", [person("NEWMAN", "NORA", "J", state="NJ")], modified=OCT))
    assert report.filtered == {"no_directory_match": 1}
    store.upsert_providers([person_record(nora, "Nora", "Newman", "J", state="NJ")])  # a later NPPES load
    assert status(store, nora) == "pass"
    assert main(["--store", f"sqlite:///{tmp_path / 'provnet.db'}", "exclusions", "match"]) == 0
    assert status(store, nora) == "fail"
    (m,) = matches_of(store, nora)
    assert m.status is MatchStatus.MERGED


def test_a_reviewer_finds_a_record_no_rule_matched_and_links_it(store, world, leie_file, tmp_path, capsys):
    # the LEIE lists Peter B Parker in NY; the directory's Peter B Parker practises in CA: no rule links them
    load_leie(store, leie_file("UPDATED.csv", ROWS, modified=OCT))
    url = f"sqlite:///{tmp_path / 'provnet.db'}"
    capsys.readouterr()
    assert main(["--store", url, "exclusions", "find", "parker", "Peter"]) == 0
    (found,) = capsys.readouterr().out.splitlines()
    key, name, state, what, linked = found.split("\t")
    assert (name, state, what, linked) == ("PETER B PARKER", "NY", "1128a1 2020-03-19", "no match")
    assert main(["--store", url, "exclusions", "find", "parker", "--state", "CA"]) == 0
    assert capsys.readouterr().out == ""
    # the reviewer knows better (a move from NY to CA) and links the record
    assert main(["--store", url, "exclusions", "link", key, world.parker, "--by", "ana"]) == 0
    assert "merged by ana" in capsys.readouterr().out
    assert status(store, world.parker) == "fail"
    (m,) = matches_of(store, world.parker)
    assert (m.status, m.decided_by, m.agreement) == (MatchStatus.MERGED, "ana", {"method": "linked by a person"})
    load_leie(store, leie_file("UPDATED.csv", ROWS, modified=OCT))  # a later load keeps it
    assert status(store, world.parker) == "fail"
    assert main(["--store", url, "review", "undo", m.match_id, "--by", "ana"]) == 0
    assert status(store, world.parker) == "pass"
    assert main(["--store", url, "exclusions", "link", "no-such-key", world.parker, "--by", "ana"]) == 2
    assert main(["--store", url, "exclusions", "link", key, make_npi("199999999"), "--by", "ana"]) == 2
