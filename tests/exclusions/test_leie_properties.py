"""Property: an exclusion in force always fails vetting.

Two ways: over generated facts straight through the vetting service (any mix
of credentials, locations, reinstated and in-force exclusions, lists loaded
or not), and end to end: generated directories and LEIE rows written as real
files, loaded into a real store, reinstated by a supplement, then vetted."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from leie_files import person, write_leie
from leie_world import person_record

from directory.model import (
    Credential,
    CredentialKind,
    EntityType,
    Evidence,
    Exclusion,
    ExclusionListLoad,
    ProviderRecord,
)
from directory.npi import make_npi
from directory.services.vetting import ProviderFacts, vet_providers, vetting_of
from directory.store.sqlite import SQLiteStore
from ingest.sources.leie import load_leie

TODAY = date(2026, 1, 15)
EV = Evidence("oig_leie", date(2025, 11, 10), "bulk_file", 1.0, "UPDATED.csv")
ROSTER = Evidence("roster:acme", date(2025, 9, 1), "attestation", 0.8)
days = st.dates(min_value=date(1995, 1, 1), max_value=date(2027, 12, 31))


@st.composite
def exclusions(draw, npi):
    excluded_on = draw(days)
    reinstated = draw(st.none() | st.dates(min_value=excluded_on, max_value=date(2028, 12, 31)))
    return Exclusion(npi, draw(st.sampled_from(["LEIE", "SAM"])), "1128b4", excluded_on, EV, reinstated)


@st.composite
def provider_facts(draw):
    npi = make_npi(f"1{draw(st.integers(0, 99_999_999)):08d}")
    record = ProviderRecord(
        npi=npi,
        entity_type=draw(st.sampled_from(list(EntityType))),
        evidence=EV,
        first_name="Ann",
        last_name="Lee",
        deactivation_date=draw(st.none() | days),
    )
    credentials = draw(
        st.lists(
            st.builds(
                Credential,
                kind=st.just(CredentialKind.STATE_LICENSE),
                evidence=st.just(ROSTER),
                number=st.just("L1"),
                state=st.sampled_from(["NY", "NJ"]),
                status=st.sampled_from(["active", "expired", None]),
            ),
            max_size=2,
        )
    )
    excluded = draw(st.lists(exclusions(npi), max_size=4))
    return ProviderFacts(record, credentials=tuple(credentials), exclusions=tuple(excluded))


@given(provider_facts(), st.lists(st.sampled_from(["LEIE", "SAM"]), max_size=2, unique=True))
@settings(max_examples=300, deadline=None)
def test_any_exclusion_in_force_fails_vetting(facts, loaded):
    lists = [ExclusionListLoad(name, date(2025, 11, 10), EV) for name in loaded]
    vetting = vetting_of(facts, lists, TODAY)
    (check,) = [c for c in vetting.checks if c.name == "not_excluded"]
    in_force = [x for x in facts.exclusions if x.reinstated_on is None or x.reinstated_on > TODAY]
    if in_force:
        assert check.status.value == "fail" and not vetting.passed
    else:
        assert check.status.value == ("pass" if lists else "unknown")


FIRSTS, LASTS, STATES = ["JOHN", "MARY", "ANA"], ["SMITH", "JONES", "SMITH-JONES", "LEE"], ["NY", "NJ", "CA"]


@st.composite
def directory_and_rows(draw):
    """Providers, and LEIE rows naming some of them by NPI or by exact name,
    each with an exclusion date and perhaps a reinstatement (past or future)."""
    n = draw(st.integers(1, 6))
    people = [
        (
            make_npi(f"1{i:08d}"),
            draw(st.sampled_from(FIRSTS)),
            draw(st.sampled_from(["Q", "R", None])),
            draw(st.sampled_from(LASTS)),
            draw(st.sampled_from(STATES)),
        )
        for i in range(1, n + 1)
    ]
    rows = []
    for who in draw(st.lists(st.sampled_from(range(n)), unique=True, max_size=n)):
        excluded_on = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2025, 10, 1)))
        reinstated = draw(st.none() | st.dates(min_value=excluded_on + timedelta(days=1), max_value=date(2026, 9, 30)))
        rows.append((who, draw(st.sampled_from(["npi", "name"])), excluded_on, reinstated))
    return people, rows


def _row(p, how, excluded_on):
    npi, first, middle, last, state = p
    extra = {"NPI": npi} if how == "npi" else {}
    return person(last, first, middle or "", state=state, EXCLDATE=excluded_on.strftime("%Y%m%d"), **extra)


def _certain(people, p, how) -> bool:
    """Whether the rules must attach the row: by NPI always; by name only when
    the middle initial is there and no one else in the state matches the row,
    exactly or uncertainly (a hyphenated surname sharing a part, a missing
    middle name): the rules make every match uncertain when there are several."""
    if how == "npi":
        return True
    _, first, middle, last, state = p

    def parts(surname: str) -> set[str]:
        return set(surname.replace("-", " ").split())

    same = [
        q
        for q in people
        if q[1] == first
        and q[4] == state
        and parts(q[3]) & parts(last)
        and (q[2] is None or middle is None or q[2] == middle)
    ]
    return middle is not None and len(same) == 1


@given(directory_and_rows())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_an_excluded_provider_in_the_directory_fails_vetting_until_reinstated(case):
    people, rows = case
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "provnet.db")
        try:
            store.init_schema()
            store.upsert_providers(
                [
                    person_record(npi, first.title(), last.title(), middle, state=state)
                    for npi, first, middle, last, state in people
                ]
            )
            full = write_leie(Path(folder) / "UPDATED.csv", [_row(people[w], how, d) for w, how, d, _ in rows])
            load_leie(store, full, as_of=date(2025, 11, 10))
            rein = [{**_row(people[w], how, d), "REINDATE": r.strftime("%Y%m%d")} for w, how, d, r in rows if r]
            if rein:
                load_leie(store, write_leie(Path(folder) / "2512REIN.csv", rein))
            vetting = vet_providers(store, [p[0] for p in people], TODAY)
            for npi, *_ in people:
                held = store.exclusions_for([npi]).get(npi, [])
                in_force = [x for x in held if x.reinstated_on is None or x.reinstated_on > TODAY]
                (check,) = [c for c in vetting[npi].checks if c.name == "not_excluded"]
                assert (check.status.value == "fail") == bool(in_force), (npi, held)
            for who, how, _, reinstated in rows:
                if _certain(people, people[who], how):
                    npi = people[who][0]
                    (check,) = [c for c in vetting[npi].checks if c.name == "not_excluded"]
                    if reinstated is None or reinstated > TODAY:
                        assert check.status.value == "fail", (people[who], how)
        finally:
            store.close()
