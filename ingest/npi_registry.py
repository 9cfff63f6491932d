"""Client of the NPI Registry API v2.1 (https://npiregistry.cms.hhs.gov/api/).

* Every request sends ``version=2.1`` and is validated first (``InputError``),
  so a query the API would reject never leaves the process.
* 429, 5xx, connection errors and timeouts are retried with exponential
  backoff (``Retry-After`` honoured); when retries run out the client raises
  ``RegistryUnavailable``. An ``Errors`` payload (HTTP 200) raises
  ``RegistryRequestError``; any other non-JSON or unexpected body ``RegistryError``.
* :meth:`NpiRegistryClient.search` returns every result of a query, not just
  the 1,200 (limit 200 x skip 0..1000) one query can reach, by sharding:

  1. page the query with limit=200, skip=0,200,...,1000;
  2. if the page at skip=1000 is full the query is *saturated*: split it by
     postal-code prefix. No postal code -> ``00*`` .. ``99*`` (the API wants two
     characters before ``*``); ``30*`` -> ``300*`` .. ``309*``; ``3032*`` ->
     the exact ZIP5s ``30320`` .. ``30329`` (a ZIP5 also matches ZIP+4);
  3. a saturated full postal code is split by ``taxonomy_description``, one
     query per term of a list (default: every NUCC specialization, or the
     classification when a code has none);
  4. a shard that still saturates cannot be split: its 1,200 results are kept
     and the query is listed in :attr:`RegistrySearch.saturated`.

  Shards overlap (postal code matches any address of a provider, a provider has
  several taxonomies), so results are de-duplicated by NPI. Providers whose
  postal codes do not start with two digits (foreign addresses) are reached only
  through the unsplit query.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import requests

from directory import settings
from directory.errors import ConfigurationError, InputError, RegistryError, RegistryRequestError, RegistryUnavailable
from directory.npi import is_valid_npi
from directory.reference import nucc_taxonomies

__all__ = ["API_VERSION", "NpiRegistryClient", "RegistryPage", "RegistrySearch", "validate_params"]

log = logging.getLogger(__name__)

API_VERSION = "2.1"
MAX_LIMIT = 200
MAX_SKIP = 1000
MAX_BACKOFF = 60.0  # seconds; also caps a server's Retry-After

SEARCH_FIELDS = frozenset(
    {
        "number",
        "enumeration_type",
        "taxonomy_description",
        "first_name",
        "last_name",
        "organization_name",
        "city",
        "state",
        "postal_code",
        "country_code",
    }
)
MODIFIERS = frozenset({"use_first_name_alias", "name_purpose", "address_purpose", "limit", "skip"})
#: Fields the API refuses as the only criteria ("requires additional search criteria").
_WEAK_FIELDS = frozenset({"state", "enumeration_type", "country_code"})
#: Fields taking a trailing ``*`` wildcard after at least two characters.
_WILDCARD_FIELDS = frozenset(
    {"first_name", "last_name", "organization_name", "city", "postal_code", "taxonomy_description"}
)
_CHOICES = {
    "enumeration_type": frozenset({"NPI-1", "NPI-2"}),
    "address_purpose": frozenset({"LOCATION", "MAILING", "PRIMARY", "SECONDARY"}),
    "name_purpose": frozenset({"AO", "PROVIDER"}),
}


def _int_in(name: str, value: object, low: int, high: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"{name} must be an integer from {low} to {high}, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise InputError(f"{name} must be an integer from {low} to {high}, got {value!r}") from None
    if not low <= number <= high:
        raise InputError(f"{name} must be from {low} to {high}, got {number}")
    return str(number)


def _text(name: str, value: object) -> str:
    if name == "use_first_name_alias":
        if isinstance(value, bool):
            return "True" if value else "False"
        if str(value).strip().lower() in ("true", "false"):
            return str(value).strip().capitalize()
        raise InputError(f"use_first_name_alias must be true or false, got {value!r}")
    if name in ("limit", "skip"):
        return _int_in(name, value, *((1, MAX_LIMIT) if name == "limit" else (0, MAX_SKIP)))
    text = " ".join(str(value).split())
    if not text:
        return ""
    if name in _CHOICES:
        text = text.upper()
        if text not in _CHOICES[name]:
            raise InputError(f"{name} must be one of {sorted(_CHOICES[name])}, got {value!r}")
    elif name == "number":
        if len(text) != 10 or not text.isdigit():
            raise InputError(f"number must be a 10-digit NPI, got {value!r}")
    elif name == "postal_code":
        text = text.replace("-", "").replace(" ", "")  # "30329-1234" -> "303291234", as the API stores it
    elif name in ("state", "country_code"):
        text = text.upper()
        if len(text) != 2 or not text.isalpha():
            raise InputError(f"{name} must be a two-letter code, got {value!r}")
    if "*" in text:
        if name not in _WILDCARD_FIELDS:
            raise InputError(f"{name} takes no wildcard, got {value!r}")
        if text.index("*") != len(text) - 1 or len(text) < 3:
            raise InputError(f"{name}: the wildcard * must come last, after at least 2 characters, got {value!r}")
    return text


def validate_params(params: Mapping[str, object]) -> dict[str, str]:
    """Check query parameters as the API would and return them as strings
    (None and blank values dropped). InputError names the first problem."""
    unknown = sorted(set(params) - SEARCH_FIELDS - MODIFIERS - {"version"})
    if unknown:
        raise InputError(f"unknown NPI Registry parameter(s) {unknown}; known: {sorted(SEARCH_FIELDS | MODIFIERS)}")
    clean: dict[str, str] = {}
    for name, value in params.items():
        if value is None or name == "version":
            continue
        text = _text(name, value)
        if text:
            clean[name] = text
    if params.get("version") not in (None, API_VERSION):
        raise InputError(f"only API version {API_VERSION} is supported, got {params['version']!r}")
    criteria = SEARCH_FIELDS & set(clean)
    if not criteria:
        raise InputError(f"no search criteria: give at least one of {sorted(SEARCH_FIELDS - _WEAK_FIELDS)}")
    foreign_only = criteria == {"country_code"} and clean["country_code"] != "US"
    if criteria <= _WEAK_FIELDS and not foreign_only:
        raise InputError(
            f"{', '.join(sorted(criteria))} cannot be the only search criteria: add a name, number, "
            "city, postal code or taxonomy description"
        )
    return clean


@dataclass(frozen=True, slots=True)
class RegistryPage:
    """One answer of the API: its results and the URL that produced them."""

    results: list[dict]
    url: str


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


_RETRYABLE = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class NpiRegistryClient:
    """A small, polite client: one ``requests.Session``, validated parameters,
    retries with backoff. ``sleep`` is injectable so tests need not wait."""

    def __init__(
        self,
        base_url: str | None = None,
        timeout: float | tuple[float, float] | None = None,
        session: requests.Session | None = None,
        max_retries: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        *,
        jitter: bool = True,
    ):
        self.base_url = base_url or settings.get("npi_api_url") or ""
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"NPI Registry API URL must be http(s), got {self.base_url!r}")
        if timeout is None:
            raw = settings.get("npi_api_timeout")
            try:
                timeout = float(raw)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise ConfigurationError(f"PROVNET_NPI_API_TIMEOUT must be a number of seconds, got {raw!r}") from None
        self.timeout: tuple[float, float] = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        if max_retries < 0:
            raise ConfigurationError("max_retries must be 0 or more")
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.jitter = jitter
        self._own_session = session is None
        self.session = session or requests.Session()
        self.session.headers.setdefault("Accept", "application/json")
        self.requests_sent = 0

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> NpiRegistryClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ requests
    def get_page(self, **params: object) -> RegistryPage:
        """One validated request; the raw results and the URL asked."""
        query = {"version": API_VERSION, **validate_params(params)}
        body, url = self._get(query)
        return RegistryPage(body["results"], url)

    def lookup(self, npi: str) -> dict | None:
        """The result for one NPI, or None when the Registry does not have it
        (it never returns deactivated NPIs)."""
        found = self.lookup_page(npi).results
        return found[0] if found else None

    def lookup_page(self, npi: str) -> RegistryPage:
        """Like :meth:`lookup` but keeps the request URL (for evidence)."""
        npi = str(npi).strip()
        if not is_valid_npi(npi):
            raise InputError(f"not a valid NPI: {npi!r}")
        page = self.get_page(number=npi)
        return RegistryPage([r for r in page.results if str(r.get("number")) == npi], page.url)

    def search(self, taxonomy_shards: Sequence[str] | None = None, **criteria: object) -> RegistrySearch:
        """Every result of a query, paging and sharding past the 1,200-record
        ceiling (see the module docstring). Criteria are validated now."""
        return RegistrySearch(self, criteria, taxonomy_shards)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_BACKOFF)
        delay = min(self.backoff * 2**attempt, MAX_BACKOFF)
        if self.jitter:  # "equal jitter": spread retries of many clients
            delay = delay / 2 + random.uniform(0, delay / 2)
        return delay

    def _get(self, query: dict[str, str]) -> tuple[dict, str]:
        failure = ""
        cause: BaseException | None = None
        for attempt in range(self.max_retries + 1):
            retry_after = None
            self.requests_sent += 1
            try:
                response = self.session.get(self.base_url, params=query, timeout=self.timeout)
            except _RETRYABLE as exc:
                failure, cause = f"{type(exc).__name__}: {exc}", exc
            except requests.RequestException as exc:
                raise RegistryError(f"cannot ask the NPI Registry API: {exc}") from exc
            else:
                status = response.status_code
                if status == 200:
                    return self._decode(response), response.url
                if status != 429 and status < 500:
                    raise RegistryError(
                        f"NPI Registry API answered HTTP {status} to {response.url}: {response.text[:200]!r}"
                    )
                failure, cause = f"HTTP {status}", None
                if status in (429, 503):
                    retry_after = _retry_after(response.headers.get("Retry-After"))
                response.close()
            if attempt == self.max_retries:
                break
            delay = self._delay(attempt, retry_after)
            log.warning("NPI Registry API: %s; retry %d of %d in %.2fs", failure, attempt + 1, self.max_retries, delay)
            self.sleep(delay)
        raise RegistryUnavailable(
            f"NPI Registry API unavailable after {self.max_retries + 1} attempt(s): {failure}"
        ) from cause

    @staticmethod
    def _decode(response: requests.Response) -> dict:
        try:
            body = response.json()
        except ValueError as exc:
            kind = response.headers.get("Content-Type", "?")
            raise RegistryError(f"NPI Registry API sent a non-JSON body ({kind}): {response.text[:200]!r}") from exc
        if isinstance(body, dict) and "Errors" in body:
            errors = body["Errors"] if isinstance(body["Errors"], list) else [{"description": str(body["Errors"])}]
            raise RegistryRequestError([e if isinstance(e, dict) else {"description": str(e)} for e in errors])
        if not isinstance(body, dict) or not isinstance(body.get("results", []), list):
            raise RegistryError(f"NPI Registry API sent an unexpected body: {str(body)[:200]!r}")
        body.setdefault("results", [])
        return body


@lru_cache(maxsize=1)
def nucc_search_terms() -> tuple[str, ...]:
    """The taxonomy descriptions the API matches: each code's specialization,
    or its classification when it has none."""
    return tuple(sorted({t.specialization or t.classification for t in nucc_taxonomies()}))


def split_query(query: Mapping[str, str], taxonomy_terms: Sequence[str]) -> list[dict[str, str]]:
    """Narrower queries whose union is ``query``; [] when it cannot be split."""
    postal = query.get("postal_code")
    if postal is None:
        return [{**query, "postal_code": f"{d:02d}*"} for d in range(100)]
    prefix = postal[:-1] if postal.endswith("*") else ""
    if prefix.isdigit() and len(prefix) < 5:
        if len(prefix) == 4:  # a ZIP5 matches ZIP+4 too
            return [{**query, "postal_code": f"{prefix}{d}"} for d in range(10)]
        return [{**query, "postal_code": f"{prefix}{d}*"} for d in range(10)]
    if "taxonomy_description" not in query:
        return [{**query, "taxonomy_description": term} for term in taxonomy_terms]
    return []


class RegistrySearch:
    """Iterable over every result of one query (see the module docstring).
    After iterating, :attr:`saturated` lists shards that hit the ceiling and
    could not be split (their results beyond 1,200 were not reachable)."""

    def __init__(
        self, client: NpiRegistryClient, criteria: Mapping[str, object], taxonomy_shards: Sequence[str] | None = None
    ):
        if "limit" in criteria or "skip" in criteria:
            raise InputError("search pages by itself: pass no limit or skip (use get_page for one page)")
        self.client = client
        self.criteria = validate_params(criteria)
        terms = nucc_search_terms() if taxonomy_shards is None else taxonomy_shards
        self.taxonomy_terms = tuple(dict.fromkeys(t for t in (_text("taxonomy_description", x) for x in terms) if t))
        self.saturated: list[dict[str, str]] = []
        self.queries = 0  # queries (shards) run, including the original

    def __iter__(self) -> Iterator[dict]:
        seen: set[str] = set()
        pending = [self.criteria]
        while pending:
            query = pending.pop()
            self.queries += 1
            full = yield from self._pages(query, seen)
            if not full:
                continue
            shards = split_query(query, self.taxonomy_terms)
            if shards:
                log.info("NPI Registry query %s saturated; splitting into %d shards", query, len(shards))
                pending.extend(reversed(shards))  # depth first, in order
            else:
                log.warning(
                    "NPI Registry query %s saturated and cannot be split: results beyond %d are missing",
                    query,
                    MAX_LIMIT + MAX_SKIP,
                )
                self.saturated.append(query)

    def _pages(self, query: dict[str, str], seen: set[str]) -> Generator[dict, None, bool]:
        """Yield unseen results of one query; returns True if it saturated."""
        for skip in range(0, MAX_SKIP + 1, MAX_LIMIT):
            page = self.client.get_page(**query, limit=MAX_LIMIT, skip=skip)
            for result in page.results:
                npi = str(result.get("number", ""))
                if npi not in seen:
                    seen.add(npi)
                    yield result
            if len(page.results) < MAX_LIMIT:
                return False
        return True
