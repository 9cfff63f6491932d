"""LEIE matches in the review queue over real HTTP: an uncertain match waits
in `reviewQueue` with its evidence; `decideMatch` MERGE attaches the exclusion
(the provider's vetting fails), REJECT removes it again."""

from __future__ import annotations

from datetime import date

import pytest
from live_api import TOKENS, Client, LiveServer

from directory.model import EntityType, Evidence, Location, ProviderLocation, ProviderRecord, ProviderTaxonomy
from directory.npi import make_npi
from directory.store import open_store
from ingest.sources.leie import load_leie
from ingest.sources.leie_rows import COLUMNS
from schema import create_app

NPPES = Evidence("nppes", date(2025, 10, 6), "bulk_file", 1.0, "npidata_pfile_20050523-20251005.csv")
GREEN = make_npi("100000008")
DECIDE = """mutation($id: ID!, $d: MatchDecision!) {
  decideMatch(matchId: $id, decision: $d) { match { status decidedBy } errors { code } } }"""
PROVIDER = """query($npi: String!) { provider(npi: $npi) {
  exclusions { source exclusionType inForce evidence { method reference } }
  vetting { checks { name status } } } }"""


@pytest.fixture
def live(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'provnet.db'}")
    store.upsert_providers(
        [
            ProviderRecord(
                GREEN,
                EntityType.INDIVIDUAL,
                NPPES,
                first_name="Susan",
                last_name="Green",
                locations=[ProviderLocation(Location("1 Main St", "New York", "NY", "10036"), True, NPPES)],
                taxonomies=[ProviderTaxonomy("2084P0800X", True, "L1", "NY", NPPES)],
            )
        ]
    )
    values = dict.fromkeys(COLUMNS, "")
    values.update(LASTNAME="GREEN", FIRSTNAME="SUSAN", MIDNAME="T", STATE="NY", NPI="0000000000", EXCLTYPE="1128b4",
                  EXCLDATE="20210405", REINDATE="00000000", WAIVERDATE="00000000")  # fmt: skip
    path = tmp_path / "UPDATED.csv"
    path.write_text(",".join(COLUMNS) + "\r\n" + ",".join(f'"{values[c]}"' for c in COLUMNS) + "\r\n", encoding="utf-8")
    load_leie(store, path, as_of=date(2025, 11, 10))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PROVNET_AUTH_TOKENS", TOKENS)
        server = LiveServer(create_app(store))
    try:
        yield Client(server.url, token="adm")
    finally:
        server.stop()
        store.close()


def _excluded(client) -> tuple[list, str]:
    provider = client.data(PROVIDER, {"npi": GREEN})["provider"]
    (check,) = [c["status"] for c in provider["vetting"]["checks"] if c["name"] == "not_excluded"]
    return provider["exclusions"], check


def test_an_uncertain_leie_match_is_reviewed_and_decided_over_http(live):
    (pair,) = live.data("{ reviewQueue { matchId left right probability status agreement { comparison level } } }")[
        "reviewQueue"
    ]
    assert pair["left"].startswith("leie:") and pair["right"] == f"nppes:{GREEN}" and pair["status"] == "REVIEW"
    agreement = {a["comparison"]: a["level"] for a in pair["agreement"]}
    assert agreement["method"] == "name+state" and agreement["middle_name"] == "missing"
    assert pair["probability"] < 0.9
    assert _excluded(live) == ([], "PASS")

    merged = live.data(DECIDE, {"id": pair["matchId"], "d": "MERGE"})["decideMatch"]
    assert merged == {"match": {"status": "MERGED", "decidedBy": merged["match"]["decidedBy"]}, "errors": []}
    exclusions, check = _excluded(live)
    assert check == "FAIL"
    assert exclusions == [
        {
            "source": "LEIE",
            "exclusionType": "1128b4",
            "inForce": True,
            "evidence": {"method": "review", "reference": pair["left"]},
        }
    ]
    assert live.data("{ reviewQueue { matchId } }")["reviewQueue"] == []

    rejected = live.data(DECIDE, {"id": pair["matchId"], "d": "REJECT"})["decideMatch"]
    assert rejected["match"]["status"] == "REJECTED"
    assert _excluded(live) == ([], "PASS")
    # a navigator may not decide
    refused = live.data(DECIDE, {"id": pair["matchId"], "d": "MERGE"}, token="nav-tok")["decideMatch"]
    assert refused["errors"] == [{"code": "FORBIDDEN"}] and _excluded(live) == ([], "PASS")
