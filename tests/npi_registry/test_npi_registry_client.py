"""The client against a local HTTP server: answers, errors, retries, validation."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from registry_server import Canned

from directory.errors import InputError, RegistryError, RegistryRequestError, RegistryUnavailable
from ingest.npi_registry import NpiRegistryClient, _retry_after, validate_params

HIZA = "1720377294"  # recorded NPI-1
CSP = "1568946812"  # recorded NPI-2
UNKNOWN = "1234567893"  # valid check digit, not in the recordings


def test_lookup_returns_the_recorded_result_and_sends_version(make_client, registry):
    client = make_client()
    result = client.lookup(HIZA)
    assert result["number"] == 1720377294
    assert result["basic"]["last_name"] == "HIZA"
    assert registry.queries == [{"version": "2.1", "number": HIZA}]


def test_lookup_of_an_organization(make_client):
    result = make_client().lookup(CSP)
    assert result["enumeration_type"] == "NPI-2"
    assert result["basic"]["organization_name"] == "CSP ANESTHESIA LLC"


def test_lookup_of_an_npi_the_registry_lacks_is_none(make_client, registry):
    assert make_client().lookup(UNKNOWN) is None
    assert len(registry.queries) == 1


def test_lookup_page_keeps_the_request_url(make_client, registry):
    page = make_client().lookup_page(HIZA)
    assert page.url.startswith(registry.url)
    assert "version=2.1" in page.url and f"number={HIZA}" in page.url


@pytest.mark.parametrize("npi", ["1234567890", "123456789", "abcdefghij", ""])
def test_lookup_rejects_an_invalid_npi_without_asking(make_client, registry, npi):
    with pytest.raises(InputError):
        make_client().lookup(npi)
    assert registry.queries == []


@pytest.mark.parametrize(
    "first_name,field,number,description",
    [
        ("ERRORS04", "generic", "04", "No valid search criteria provided"),
        ("ERRORS09", "enumeration_type", "09", "enumeration_type requires additional search criteria"),
    ],
)
def test_errors_payload_raises_a_typed_request_error(
    make_client, registry, sleeps, first_name, field, number, description
):
    with pytest.raises(RegistryRequestError) as raised:
        make_client().get_page(first_name=first_name)
    assert raised.value.errors == [{"field": field, "number": number, "description": description}]
    assert description in str(raised.value)
    assert len(registry.queries) == 1 and sleeps == []  # a bad query is not retried


def test_the_servers_limits_are_never_hit_because_the_client_checks_first(make_client, registry):
    # The stand-in answers out-of-range values with an Errors payload, like the API.
    client = make_client()
    with pytest.raises(InputError):
        client.get_page(last_name="SMITH", limit=201)
    with pytest.raises(InputError):
        client.get_page(last_name="SMITH", skip=1001)
    assert registry.queries == []
    assert client.get_page(last_name="SMITH", limit=200, skip=1000).results == []


def test_non_json_body_is_a_registry_error(make_client, registry, sleeps):
    registry.script = [Canned(200, b"<html>maintenance</html>", {"Content-Type": "text/html"})]
    with pytest.raises(RegistryError, match="non-JSON") as raised:
        make_client().lookup(HIZA)
    assert not isinstance(raised.value, (RegistryRequestError, RegistryUnavailable))
    assert sleeps == []


def test_json_of_the_wrong_shape_is_a_registry_error(make_client, registry):
    registry.script = [Canned(200, b'{"results": "none"}', {"Content-Type": "application/json"})]
    with pytest.raises(RegistryError, match="unexpected body"):
        make_client().lookup(HIZA)


def test_http_404_is_not_retried(make_client, registry, sleeps):
    client = make_client(base_url=registry.url.replace("/api/", "/nowhere/"))
    with pytest.raises(RegistryError, match="HTTP 404") as raised:
        client.lookup(HIZA)
    assert not isinstance(raised.value, RegistryUnavailable)
    assert len(registry.queries) == 1 and sleeps == []


def test_429_honours_retry_after_then_succeeds(make_client, registry, sleeps):
    registry.script = [Canned(429, b"slow down", {"Retry-After": "7"})]
    assert make_client().lookup(HIZA)["number"] == 1720377294
    assert sleeps == [7.0]
    assert len(registry.queries) == 2


def test_5xx_backs_off_exponentially_then_succeeds(make_client, registry, sleeps):
    registry.script = [Canned(500, b"oops"), Canned(503, b"busy"), Canned(502, b"bad gateway")]
    client = make_client(backoff=0.5)
    assert client.lookup(CSP)["number"] == 1568946812
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(registry.queries) == client.requests_sent == 4


def test_retries_exhausted_raise_registry_unavailable(make_client, registry, sleeps):
    registry.script = [Canned(503, b"busy") for _ in range(4)]
    with pytest.raises(RegistryUnavailable, match="after 4 attempt"):
        make_client(max_retries=3, backoff=0.25).lookup(HIZA)
    assert sleeps == [0.25, 0.5, 1.0]
    assert len(registry.queries) == 4


def test_slow_answer_times_out_then_the_retry_succeeds(make_client, registry, sleeps):
    registry.script = [Canned(delay=1.0)]  # routed normally, but after the client's read timeout
    assert make_client(timeout=0.2).lookup(HIZA)["number"] == 1720377294
    assert len(sleeps) == 1
    assert len(registry.queries) == 2


def test_always_slow_ends_in_registry_unavailable(make_client, registry, sleeps):
    registry.script = [Canned(delay=1.0), Canned(delay=1.0)]
    with pytest.raises(RegistryUnavailable) as raised:
        make_client(timeout=0.2, max_retries=1).lookup(HIZA)
    assert isinstance(raised.value.__cause__, (requests.Timeout, requests.ConnectionError))
    assert len(sleeps) == 1


def test_connection_refused_is_retried_then_unavailable(sleeps):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = NpiRegistryClient(
        f"http://127.0.0.1:{port}/api/", timeout=1.0, max_retries=2, sleep=sleeps.append, jitter=False
    )
    with pytest.raises(RegistryUnavailable, match="ConnectionError"):
        client.lookup(HIZA)
    assert sleeps == [0.5, 1.0]
    client.close()


def test_jitter_keeps_delays_between_half_and_full_backoff(make_client, registry, sleeps):
    registry.script = [Canned(503) for _ in range(5)]
    make_client(jitter=True, backoff=1.0).lookup(HIZA)
    for attempt, delay in enumerate(sleeps):
        assert 2**attempt / 2 <= delay <= 2**attempt


def test_retry_after_accepts_seconds_and_http_dates():
    assert _retry_after("12") == 12.0
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= _retry_after(format_datetime(later, usegmt=True)) <= 30
    assert _retry_after("soon") is None
    assert _retry_after(None) is None


def test_settings_give_the_defaults(monkeypatch):
    monkeypatch.setenv("PROVNET_NPI_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("PROVNET_NPI_API_TIMEOUT", "3.5")
    client = NpiRegistryClient()
    assert client.base_url == "http://127.0.0.1:9/api/"
    assert client.timeout == (3.5, 3.5)
    client.close()


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "params,message",
    [
        ({}, "no search criteria"),
        ({"limit": 10}, "no search criteria"),
        ({"state": "GA"}, "only search criteria"),
        ({"enumeration_type": "NPI-1"}, "only search criteria"),
        ({"state": "GA", "enumeration_type": "NPI-2"}, "only search criteria"),
        ({"country_code": "US"}, "only search criteria"),
        ({"last_name": "SMITH", "limit": 0}, "limit"),
        ({"last_name": "SMITH", "limit": 201}, "limit"),
        ({"last_name": "SMITH", "limit": "ten"}, "limit"),
        ({"last_name": "SMITH", "limit": True}, "limit"),
        ({"last_name": "SMITH", "skip": -1}, "skip"),
        ({"last_name": "SMITH", "skip": 1001}, "skip"),
        ({"postal_code": "3*"}, "wildcard"),
        ({"postal_code": "*"}, "wildcard"),
        ({"postal_code": "30*1"}, "wildcard"),
        ({"last_name": "S*"}, "wildcard"),
        ({"number": "12345*7893"}, "number"),
        ({"state": "G*", "city": "ATLANTA"}, "two-letter"),
        ({"enumeration_type": "NPI-3", "last_name": "SMITH"}, "enumeration_type"),
        ({"address_purpose": "HOME", "city": "ATLANTA"}, "address_purpose"),
        ({"use_first_name_alias": "maybe", "first_name": "BOB"}, "use_first_name_alias"),
        ({"zip": "30329"}, "unknown NPI Registry parameter"),
        ({"last_name": "SMITH", "version": "2.0"}, "version"),
    ],
)
def test_invalid_parameters_are_rejected_before_sending(make_client, registry, params, message):
    with pytest.raises(InputError, match=message):
        make_client().get_page(**params)
    assert registry.queries == []


def test_valid_parameters_are_normalized():
    assert validate_params(
        {
            "postal_code": "30*",
            "state": "ga",
            "enumeration_type": "npi-1",
            "use_first_name_alias": True,
            "limit": 200,
            "skip": 0,
            "city": None,
        }
    ) == {
        "postal_code": "30*",
        "state": "GA",
        "enumeration_type": "NPI-1",
        "use_first_name_alias": "True",
        "limit": "200",
        "skip": "0",
    }
    assert validate_params({"country_code": "DE"}) == {"country_code": "DE"}  # a foreign country alone is allowed
    assert validate_params({"state": "GA", "city": "  Villa   Rica "}) == {"state": "GA", "city": "Villa Rica"}
    assert validate_params({"postal_code": "30329-1234"}) == {"postal_code": "303291234"}
    assert validate_params({"last_name": "SMITH", "state": " ", "number": ""}) == {"last_name": "SMITH"}
