"""The NPI Registry API as a source: a list of NPIs, each looked up with
:class:`~ingest.npi_registry.NpiRegistryClient` and mapped by
:mod:`ingest.npi_registry_map` to the same normalized
:class:`~directory.model.ProviderRecord` the files give, written through the
store port like the main file's records.

Each NPI is a row (its position in the list is its line):

* loaded: the Registry's answer, mapped;
* filtered ``not_in_registry``: the Registry does not return it (deactivated,
  which it never returns, or never issued);
* quarantined ``registry_refused`` (the API answered the lookup with
  ``Errors``) or ``invalid_registry_result`` (an answer that cannot be mapped),
  under the bad-row policy like a bad file row.

Invalid NPIs are refused before any request (InputError). When the Registry
is unavailable (retries spent) or answers with an HTTP error, the run fails:
what was fetched before is written, and running the same list again resumes
after it. The run's key is a fingerprint of the list, so the same list synced
again reopens its run: a second sync of unchanged providers reports them all
unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from directory.errors import InputError, RegistryError, RegistryRequestError
from directory.model import UpsertStats
from directory.store.base import Store
from directory.store.hashing import content_hash

from ..batches import Kind, Outcome
from ..normalize import ZipGeocoder
from ..npi_registry import NpiRegistryClient
from ..npi_registry_map import SOURCE, checked_npis, to_provider_record
from ..nppes import RawRow
from ..quarantine import BadRowPolicy, FilterReason, Problem, ReasonCode
from ..report import IngestReport
from .base import Source, SourceFile, load
from .sinks import ProviderSink

#: NPIs per write when the caller gives no batch size.
BATCH_SIZE = 100
#: NPIs named in the run's file name.
_NAMED = 3


class RegistryLookup(Source):
    """The NPIs ``npis`` (checked now), looked up with ``client``;
    ``retrieved`` is the evidence's date (default: today, UTC)."""

    name = SOURCE
    unit = "NPI"
    batch_size = BATCH_SIZE

    def __init__(self, client: NpiRegistryClient, npis: Iterable[str], *, retrieved: date | None = None):
        self.client = client
        self.npis = checked_npis(npis)
        if not self.npis:
            raise InputError("no NPI to look up")
        self.retrieved = retrieved or datetime.now(UTC).date()
        #: NPIs the Registry did not return, and why results were refused, in this invocation
        self.missing: list[str] = []
        self.rejected: dict[str, str] = {}

    @property
    def scope_name(self) -> str:
        return "listed"

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        key = hashlib.sha256("\n".join(self.npis).encode()).hexdigest()
        more = f", ... ({len(self.npis)} NPIs)" if len(self.npis) > _NAMED else ""
        yield SourceFile(f"NPI {', '.join(self.npis[:_NAMED])}{more}", key, self.retrieved)

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        LOAD, FILTER, REJECT = Kind.LOAD, Kind.FILTER, Kind.REJECT
        geocode = ZipGeocoder()
        for number, npi in enumerate(self.npis, start=1):
            if number <= resume_line:
                continue
            row = RawRow(number, number, None, npi)
            try:
                page = self.client.lookup_page(npi)  # RegistryUnavailable or an HTTP error ends the run
            except RegistryRequestError as exc:
                self.rejected[npi] = str(exc)
                yield REJECT, row, Problem(ReasonCode.REGISTRY_REFUSED, str(exc))
                continue
            if not page.results:
                self.missing.append(npi)
                yield FILTER, row, (FilterReason.NOT_IN_REGISTRY, 1)
                continue
            result = page.results[0]
            try:
                record = to_provider_record(result, self.retrieved, reference=page.url, geocode=geocode)
            except RegistryError as exc:
                self.rejected[npi] = str(exc)
                raw = RawRow(number, number, None, json.dumps(result, sort_keys=True)[:4000])
                yield REJECT, raw, Problem(ReasonCode.INVALID_REGISTRY_RESULT, str(exc))
                continue
            yield LOAD, row, (record, (), content_hash(record))

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> ProviderSink:
        return ProviderSink(store, report, None, batch_size=batch_size)  # the Registry returns no deactivations


@dataclass(slots=True)
class RegistrySyncReport:
    """The run's report, with the NPIs the Registry did not return and why
    results were refused (of this invocation: a resumed run lists those after
    its checkpoint; the report counts them all)."""

    report: IngestReport
    missing: list[str] = field(default_factory=list)  # not in the Registry: deactivated or never issued
    rejected: dict[str, str] = field(default_factory=dict)  # NPI -> why its lookup or result was refused

    @property
    def stats(self) -> UpsertStats:
        r = self.report
        return UpsertStats(r.inserted + r.carried_over, r.updated, r.unchanged)

    @property
    def fetched(self) -> int:
        """NPIs written or found unchanged."""
        return self.report.loaded

    def summary(self) -> str:
        lines = [self.report.summary()]
        if self.missing:
            lines.append(f"  not in the NPI Registry: {', '.join(self.missing)}")
        for npi, why in self.rejected.items():
            lines.append(f"  refused {npi}: {why}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def sync_with_registry(
    store: Store,
    client: NpiRegistryClient,
    npis: Iterable[str],
    *,
    retrieved: date | None = None,
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
) -> RegistrySyncReport:
    """Look up each NPI and write what the Registry returns; see the module docstring."""
    source = RegistryLookup(client, npis, retrieved=retrieved)
    report = load(store, source, policy=policy, batch_size=batch_size)
    return RegistrySyncReport(report, source.missing, source.rejected)
