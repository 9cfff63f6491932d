"""matchProviders over HTTP against a real store: rankings derived from the
fixture's facts by the documented formula and order, ties, the relaxation
order, unknown facts, pathway proposals, evidence, typed errors and bounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from match_worlds import PER_MILE, ROSTER, Person, build

from directory.geo import haversine_miles, zip_centroid
from directory.model import GeoPoint, Treatment
from directory.services.matching import ORDER, Relaxation, refresh_profiles
from directory.services.vetting import expertise_of, provider_facts, vetting_of
from directory.store import open_store
from schema import create_app
from scoring import CheckStatus, MatchWeights, expertise_for, fact_confidence, match_score

MATCH = """query($need: PatientNeedInput!, $first: Int!) { matchProviders(need: $need, first: $first) {
  totalCount considered failedVetting treatments notes truncated
  pathway { pathway tried proposed }
  relaxed { kind detail added }
  errors { code message }
  matches {
    rank score via distanceMiles relaxed unknown vettingPassed npi name profileComputedOn
    components { name value weight points reason }
    expertise { score reasons { points text } }
    treatments { treatment detail evidence { source retrieved confidence currentConfidence } }
    location { key city zip5 }
    provider { npi name }
  } } }"""


def match(client, need: dict, first: int = 10, token: str | None = None) -> dict:
    return client.data(MATCH, {"need": need, "first": first}, token=token)["matchProviders"]


def today():
    return datetime.now(UTC).date()


# ------------------------------------------------ rankings from the fixture
def _level(vetting) -> str:
    if vetting.passed:
        return "passed"
    return "failed" if any(c.status is CheckStatus.FAIL for c in vetting.checks) else "unknown"


def reference(store, d, miles: float, first: int) -> tuple[list[tuple], int, int]:
    """The documented ranking of ESKETAMINE_REMS near 10029 in the northwind-ma-hmo
    plan, telehealth not acceptable, computed from the facts the fixture wrote:
    (rows in order, considered, failed vetting)."""
    center = zip_centroid("10029")[0]
    members = sorted(m.npi for m in store.network_members("northwind-ma"))
    facts = provider_facts(store, members)
    access = store.access_for(members)
    lists = store.exclusion_lists()
    rows, considered, failed = [], 0, 0
    read, excluded = [], []  # distances of the candidates read, and of those failing vetting
    for npi in members:
        f = facts[npi]
        if not f.record.is_active or Treatment.ESKETAMINE_REMS not in {t.treatment for t in f.treatments}:
            continue
        place = f.locations[0].location
        distance = round(haversine_miles(center, GeoPoint(place.latitude, place.longitude)), 3)
        if distance > 2 * miles:  # the radius relaxed once, at most
            continue
        considered += 1
        read.append(distance)
        level = _level(vetting_of(f, lists, today()))
        if level == "failed":
            failed += 1
            excluded.append(distance)
            continue
        expertise = expertise_for(expertise_of(f, today()), [Treatment.ESKETAMINE_REMS]).score
        a = access[npi]
        score = match_score(
            expertise=expertise,
            expertise_reason="",
            vetting=level,
            vetting_reason="",
            accepting=a.accepting_new_patients,
            wait_days=a.wait_days,
            distance_miles=distance,
            max_miles=miles,
            quality=None,
            weights=MatchWeights(),
        ).score
        tier = 0 if distance <= miles else 1
        rows.append((tier, -score, distance, f.record.display_name.upper(), npi, score))
    rows.sort()
    if sum(1 for r in rows if r[0] == 0) >= first:  # the maximum distance fills the list: nothing widened, or read
        rows = [r for r in rows if r[0] == 0]
        considered -= sum(1 for d in read if d > miles)
        failed -= sum(1 for d in excluded if d > miles)
    return rows, considered, failed


NEED = {
    "near": {"zip": "10029"},
    "treatments": ["ESKETAMINE_REMS"],
    "planId": "northwind-ma-hmo",
    "telehealth": "NOT_ACCEPTABLE",
}


@pytest.mark.parametrize("miles,first", [(0.6, 3), (0.6, 50), (1.5, 8)])
def test_the_ranking_is_the_fixtures_by_the_documented_formula(api, directory_store, miles, first):
    store, d = directory_store
    refresh_profiles(store, today())  # as the nightly job leaves them: the maximum distance is read first
    rows, considered, failed = reference(store, d, miles, first)
    found = match(api, {**NEED, "maxMiles": miles}, first)
    assert found["errors"] == []
    assert [m["npi"] for m in found["matches"]] == [r[4] for r in rows][:first]
    assert [m["score"] for m in found["matches"]] == [r[5] for r in rows][:first]
    assert [m["distanceMiles"] for m in found["matches"]] == [r[2] for r in rows][:first]
    assert [m["rank"] for m in found["matches"]] == list(range(1, len(found["matches"]) + 1))
    assert found["totalCount"] == len(rows) and found["considered"] == considered
    assert found["failedVetting"] == failed == 1  # the LEIE-excluded one (a third of a mile away) is left out
    assert d.excluded not in [m["npi"] for m in found["matches"]]
    widened = any(r[0] == 1 for r in rows)
    assert [r["kind"] for r in found["relaxed"]] == (["RADIUS_WIDENED"] if widened else [])
    for m in found["matches"]:
        assert m["relaxed"] == (["RADIUS_WIDENED"] if m["distanceMiles"] > miles else [])
        assert round(sum(c["points"] for c in m["components"]), 2) == m["score"]
        assert [c["name"] for c in m["components"]] == ["expertise", "vetting", "access", "distance", "quality"]
        assert m["components"][-1]["value"] is None  # no outcome cells yet: quality is not counted
        assert m["provider"]["npi"] == m["npi"] and m["via"] == "IN_PERSON"
        assert m["profileComputedOn"] == today().isoformat()


def test_each_treatment_claim_shows_its_evidence_date_and_confidence(api, directory_store):
    store, d = directory_store
    found = match(api, {**NEED, "maxMiles": 1}, 3)
    for m in found["matches"]:
        offered = [t for t in store.treatments_for([m["npi"]])[m["npi"]] if t.treatment is Treatment.ESKETAMINE_REMS]
        assert [c["treatment"] for c in m["treatments"]] == ["ESKETAMINE_REMS"] * len(offered)
        for claim, fact in zip(m["treatments"], offered, strict=True):
            assert claim["detail"] == fact.detail
            assert claim["evidence"]["source"] == fact.evidence.source == "rems_list"
            assert claim["evidence"]["retrieved"] == fact.evidence.retrieved.isoformat()
            assert claim["evidence"]["confidence"] == fact.evidence.confidence
            assert claim["evidence"]["currentConfidence"] == fact_confidence(fact.evidence, today())
        place = store.locations_for([m["npi"]])[m["npi"]][0].location
        assert m["location"] == {"key": place.key, "city": place.city, "zip5": place.zip5}
        assert "esketamine_rems" in m["components"][0]["reason"]
        assert m["expertise"]["score"] == round(m["components"][0]["value"] * 100, 2)


# ----------------------------------------------------------- own worlds
@pytest.fixture
def world_api(tmp_path, serve):
    """build(people, treatment) -> (World, Client) on a fresh store of its own."""
    stores = []

    def make(people, treatment=Treatment.MEDICATION_MANAGEMENT):
        store = open_store(f"sqlite:///{tmp_path / f'world{len(stores)}.db'}")
        stores.append(store)
        world = build(store, people, treatment)
        return world, serve(create_app(store)), store

    try:
        yield make
    finally:
        for store in stores:
            store.close()


def test_ties_break_by_name_then_npi_and_answers_repeat(world_api):
    same = dict(miles_north=0.3)
    world, client, _ = world_api(
        [Person("b1", "Bea", "Alder", **same), Person("z", "Al", "Zed", **same), Person("b2", "Bea", "Alder", **same)]
    )
    need = {"near": {"zip": "10029"}, "maxMiles": 2, "treatments": ["MEDICATION_MANAGEMENT"]}
    found = match(client, need)
    assert len({m["score"] for m in found["matches"]}) == 1  # a three-way tie
    assert len({m["distanceMiles"] for m in found["matches"]}) == 1
    expected = sorted([("AL ZED, MD", world["z"]), ("BEA ALDER, MD", world["b1"]), ("BEA ALDER, MD", world["b2"])])
    assert [m["npi"] for m in found["matches"]] == [npi for _, npi in expected]
    for _ in range(3):
        assert match(client, need) == found


RELAXING = [
    Person("strict", "Ada", "Strict", 0.5),
    Person("unknown", "Uma", "Unknown", 0.6, has_access=False),
    Person("far", "Fay", "Far", 3.0),  # beyond 2 miles, within 4
    Person("closed", "Cal", "Closed", 0.7, accepting=False),
    Person("slow", "Sal", "Slow", 0.8, wait_days=30),
    Person("remote", "Rae", "Remote", 0, in_person=False, telehealth=True, city="Boston", state="MA"),
    Person("english", "Eve", "English", 0.9, languages=("en",)),
    Person("outside", "Oz", "Outside", 5.0),  # beyond even the widened radius
]
#: The relaxation each one needs, in the fixed order (None: none; "never": out of reach).
NEEDS = {
    "strict": None,
    "unknown": None,
    "far": Relaxation.RADIUS_WIDENED,
    "closed": Relaxation.ACCEPTING_PREFERRED,
    "slow": Relaxation.WAIT_RELAXED,
    "remote": Relaxation.TELEHEALTH_ADDED,
    "english": Relaxation.LANGUAGE_RELAXED,
}
STRICT_NEED = {
    "near": {"zip": "10029"},
    "maxMiles": 2,
    "treatments": ["MEDICATION_MANAGEMENT"],
    "acceptingNewPatients": "REQUIRED",
    "maxWaitDays": 14,
    "language": "es",
    "telehealth": "IF_NEEDED",
}


def _tier(key: str) -> int:
    step = NEEDS[key]
    return 0 if step is None else ORDER.index(step) + 1


@pytest.mark.parametrize("first", [1, 2, 3, 4, 5, 6, 7, 8])
def test_relaxation_fills_the_list_in_the_fixed_order(world_api, first):
    world, client, _ = world_api(RELAXING)
    found = match(client, STRICT_NEED, first)
    by_npi = {v: k for k, v in world.npis.items()}
    # as many steps as fill `first` places, never one that adds nobody
    tiers = sorted(_tier(k) for k in NEEDS)
    applied = next((t for t in sorted(set(tiers)) if sum(1 for x in tiers if x <= t) >= first), max(tiers))
    listed = [k for k in NEEDS if _tier(k) <= applied]
    assert found["totalCount"] == len(listed)
    assert [r["kind"] for r in found["relaxed"]] == [step.name for step in ORDER[:applied]]
    assert all(r["added"] == 1 for r in found["relaxed"])
    keys = [by_npi[m["npi"]] for m in found["matches"]]
    assert "outside" not in keys
    assert [_tier(k) for k in keys] == sorted(_tier(k) for k in keys)  # fewer, earlier relaxations first
    assert keys == sorted(listed, key=lambda k: (_tier(k), k == "unknown"))[:first]  # one per tier but tier 0
    for m in found["matches"]:
        step = NEEDS[by_npi[m["npi"]]]
        assert m["relaxed"] == ([] if step is None else [step.name])
    remote = [m for m in found["matches"] if by_npi[m["npi"]] == "remote"]
    if remote:
        assert remote[0]["via"] == "TELEHEALTH" and remote[0]["distanceMiles"] is None and remote[0]["location"] is None


def test_without_relaxing_only_the_need_as_stated_is_listed(world_api):
    world, client, _ = world_api(RELAXING)
    found = match(client, {**STRICT_NEED, "relax": False}, 8)
    assert [m["npi"] for m in found["matches"]] == [world["strict"], world["unknown"]]
    assert found["relaxed"] == [] and found["considered"] == 6  # the far and outside ones are never read


def test_unknown_facts_rank_below_known_ones_and_are_flagged_never_dropped(world_api):
    world, client, _ = world_api(
        [
            Person("known", "Kim", "Known", 0.5, taxonomy="101YM0800X"),  # a counsellor: little TRD expertise
            Person("unknown", "Uma", "Unknown", 0.5, has_access=False, board=True),  # a board-certified psychiatrist
        ]
    )
    need = {"near": {"zip": "10029"}, "maxMiles": 2, "treatments": ["MEDICATION_MANAGEMENT"]}
    required = match(client, {**need, "acceptingNewPatients": "REQUIRED"})
    known, unknown = required["matches"]
    assert (known["npi"], unknown["npi"]) == (world["known"], world["unknown"])
    assert unknown["score"] > known["score"]  # the better score still ranks lower: its required fact is unknown
    assert unknown["unknown"] == ["ACCEPTING_NEW_PATIENTS", "WAIT_DAYS", "VETTING"]
    assert known["unknown"] == ["VETTING"]  # no licence list loaded: the checklist is not complete
    assert "accepting new patients unknown" in unknown["components"][2]["reason"]
    preferred = match(client, {**need, "acceptingNewPatients": "PREFERRED"})
    assert [m["npi"] for m in preferred["matches"]] == [world["unknown"], world["known"]]  # score decides
    assert preferred["matches"][0]["unknown"] == unknown["unknown"]  # still flagged


# ------------------------------------------------------------- pathway
PATHWAY_PEOPLE = [Person("p", "Pat", "Path", 0.2)]


@pytest.mark.parametrize(
    "tried,steps,proposed",
    [
        ([], 1, [["MEDICATION_MANAGEMENT"]]),
        (["MEDICATION_MANAGEMENT"], 1, [["TMS_STANDARD", "TMS_ACCELERATED"]]),
        (["MEDICATION_MANAGEMENT", "TMS_ACCELERATED"], 1, [["ESKETAMINE_REMS"]]),
        (["MEDICATION_MANAGEMENT", "TMS_STANDARD", "ESKETAMINE_REMS"], 1, [["IV_KETAMINE", "ECT"]]),
        (["MEDICATION_MANAGEMENT"], 2, [["TMS_STANDARD", "TMS_ACCELERATED"], ["ESKETAMINE_REMS"]]),
        (["ESKETAMINE_REMS"], 1, [["MEDICATION_MANAGEMENT"]]),  # an earlier step left untried comes first
    ],
)
def test_the_next_pathway_steps_are_proposed_and_searched(api, tried, steps, proposed):
    found = match(api, {"near": {"zip": "10029"}, "maxMiles": 5, "tried": tried, "pathwaySteps": steps}, 3)
    assert found["errors"] == []
    assert found["pathway"] == {"pathway": "common TRD pathway", "tried": sorted(tried), "proposed": proposed}
    assert sorted(found["treatments"]) == sorted(t for step in proposed for t in step)


def test_a_pathway_given_with_the_need_sets_the_order(world_api):
    _, client, _ = world_api(PATHWAY_PEOPLE, Treatment.ESKETAMINE_REMS)
    payer = [
        {"treatments": ["MEDICATION_MANAGEMENT"]},
        {"treatments": ["ESKETAMINE_REMS"]},
        {"treatments": ["TMS_STANDARD", "TMS_ACCELERATED"]},
    ]
    found = match(
        client, {"near": {"zip": "10029"}, "maxMiles": 5, "tried": ["MEDICATION_MANAGEMENT"], "pathway": payer}
    )
    assert found["pathway"]["proposed"] == [["ESKETAMINE_REMS"]]
    assert found["pathway"]["pathway"] == "the need's own pathway"
    assert len(found["matches"]) == 1 and found["matches"][0]["name"] == "Pat Path, MD"


def test_every_step_tried_is_a_typed_refusal(api, directory_store):
    store, _ = directory_store
    before = store.round_trips
    tried = ["MEDICATION_MANAGEMENT", "TMS_STANDARD", "ESKETAMINE_REMS", "ECT"]
    found = match(api, {"near": {"zip": "10029"}, "maxMiles": 5, "tried": tried})
    assert found["errors"][0]["code"] == "PATHWAY_EXHAUSTED" and found["matches"] == []
    assert "every step of the pathway" in found["errors"][0]["message"]
    assert store.round_trips == before


# ------------------------------------------------------ errors and bounds
BIG = "x" * 1_000_000


@pytest.mark.parametrize(
    "need,first,code,message",
    [
        ({"near": {"zip": "00000"}, "maxMiles": 5, "tried": []}, 10, "UNKNOWN_ZIP", "unknown ZIP code '00000'"),
        ({"near": {"zip": BIG}, "maxMiles": 5, "tried": []}, 10, "INVALID_INPUT", "zip must be at most 20 characters"),
        ({"near": {"zip": "10029"}, "maxMiles": 0, "tried": []}, 10, "INVALID_INPUT", "maxMiles must be more than 0"),
        ({"near": {"zip": "10029"}, "maxMiles": 201, "tried": []}, 10, "INVALID_INPUT", "maxMiles must be more than 0"),
        ({"near": {"zip": "10029"}, "maxMiles": 5, "tried": []}, 51, "INVALID_INPUT", "first must be between 1 and 50"),
        ({"near": {"zip": "10029"}, "maxMiles": 5}, 10, "INVALID_INPUT", "give the treatments wanted, or the"),
        (
            {"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "treatments": ["ECT"]},
            10,
            "INVALID_INPUT",
            "give the treatments wanted or the treatments tried, not both",
        ),
        ({"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "planId": BIG}, 10, "INVALID_INPUT", "planId must be"),
        ({"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "language": BIG}, 10, "INVALID_INPUT", "language must"),
        (
            {"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "language": "spanish"},
            10,
            "INVALID_INPUT",
            "language",
        ),
        ({"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "state": BIG}, 10, "INVALID_INPUT", "state must be"),
        ({"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "maxWaitDays": -1}, 10, "INVALID_INPUT", "maxWaitDays"),
        (
            {"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "pathway": [{"treatments": ["ECT"]}] * 11},
            10,
            "INVALID_INPUT",
            "pathway may name at most 10 items",
        ),
        (
            {"near": {"zip": "10029"}, "maxMiles": 5, "tried": [], "pathway": [{"treatments": ["ECT", "ECT"]}]},
            10,
            "INVALID_INPUT",
            "a treatment may appear in one step of a pathway only",
        ),
        (
            {"near": {"zip": "10029", "latitude": 40.0, "longitude": -73.0}, "maxMiles": 5, "tried": []},
            10,
            "INVALID_INPUT",
            "near needs either zip or latitude and longitude, not both",
        ),
    ],
)
def test_bad_needs_are_refused_with_a_code_before_the_store(api, directory_store, need, first, code, message):
    store, _ = directory_store
    before = store.round_trips
    found = match(api, need, first)
    assert found["matches"] == [] and len(found["errors"]) == 1
    assert found["errors"][0]["code"] == code
    assert found["errors"][0]["message"].startswith(message), found["errors"][0]["message"]
    assert len(found["errors"][0]["message"]) <= 200
    assert store.round_trips == before


def test_a_plan_or_network_the_caller_cannot_see_is_not_found(api):
    need = {"near": {"zip": "10029"}, "maxMiles": 5, "treatments": ["ESKETAMINE_REMS"]}
    missing = match(api, {**need, "planId": "no-such-plan"})["errors"]
    assert missing == [{"code": "NOT_FOUND", "message": "no plan 'no-such-plan'"}]
    # an employer's network exists for its owner only: for anyone else it looks exactly like a missing one
    hidden = match(api, {**need, "networkId": "globex-vetted"}, token="acme-tok")["errors"]
    absent = match(api, {**need, "networkId": "nope-vetted"}, token="acme-tok")["errors"]
    assert hidden[0]["code"] == absent[0]["code"] == "NOT_FOUND"
    assert hidden[0]["message"] == absent[0]["message"].replace("nope-vetted", "globex-vetted")
    owner = match(api, {**need, "networkId": "globex-vetted"}, token="globex-tok")
    assert owner["errors"] == [] and owner["totalCount"] == 1


def test_telehealth_needs_the_patients_state(api):
    need = {"near": {"latitude": 40.79, "longitude": -73.94}, "maxMiles": 1, "treatments": ["ESKETAMINE_REMS"]}
    found = match(api, need, 3)
    assert found["notes"] == [
        "telehealth was not searched: the patient's state is unknown (give a ZIP code or a state)"
    ]
    assert match(api, {**need, "state": "ny"}, 3)["notes"] == []


def test_a_match_answer_fits_the_cost_limit_at_its_largest_page(api):
    query = MATCH.replace("$first: Int!", "$first: Int!")
    found = api.gql(query, {"need": {"near": {"zip": "10029"}, "maxMiles": 5, "tried": []}, "first": 50})
    assert "errors" not in found, found.get("errors")


def test_miles_per_degree_of_the_worlds_is_right():
    # the worlds place people by miles north of a centroid: check the scale they use
    center = zip_centroid("10029")[0]
    north = GeoPoint(center.latitude + PER_MILE, center.longitude)
    assert haversine_miles(center, north) == pytest.approx(1.0, abs=0.01)
    assert ROSTER.source == "roster:northwind"


def test_the_weights_and_pathway_files_the_settings_name_are_used(world_api, tmp_path, monkeypatch):
    weights = tmp_path / "weights.json"
    weights.write_text(MatchWeights(expertise=0, vetting=0, access=0, distance=1, quality=0).to_json())
    pathway = tmp_path / "pathway.json"
    pathway.write_text('{"name": "payer step therapy", "steps": [["esketamine_rems"], ["medication_management"]]}')
    monkeypatch.setenv("PROVNET_MATCH_WEIGHTS", str(weights))
    monkeypatch.setenv("PROVNET_TRD_PATHWAY", str(pathway))
    people = [Person("a", "Ann", "Expert", 1.5, board=True), Person("b", "Bo", "Close", 0.1, taxonomy="101YM0800X")]
    world, client, _ = world_api(people, Treatment.ESKETAMINE_REMS)
    found = match(client, {"near": {"zip": "10029"}, "maxMiles": 2, "tried": []})
    assert found["pathway"]["pathway"] == "payer step therapy" and found["treatments"] == ["ESKETAMINE_REMS"]
    assert [m["npi"] for m in found["matches"]] == [world["b"], world["a"]]  # distance alone decides
    assert [c["weight"] for c in found["matches"][0]["components"]] == [0, 0, 0, 1, 0]
