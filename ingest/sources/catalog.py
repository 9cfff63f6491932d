"""Loads a catalog: the facts NPPES does not hold, each with its evidence.

A catalog is one JSON object::

    {"format": "provnet-catalog", "version": 1,
     "evidence": {"rems-2026-10": {"source": "rems_list", "retrieved": "2026-10-15",
                                   "method": "registry_list", "confidence": 0.95, "reference": "..."}},
     "payers": [{"id", "name"}], "employers": [{"id", "name", "plan_ids" (optional)}],
     "networks": [{"id", "name", "kind": "payer"|"employer", "owner_id"}],
     "plans": [{"id", "payer_id", "name", "product_type", "network_ids": [...]}],
     "credentials": [{"npi", "kind": "state_license", "number", "state", "status", "expires"}
                     | {"npi", "kind": "board_certification", "board", "specialty", "certified_on"}],
     "treatments": [{"npi", "treatment", "location_key"?, "telehealth"?, "detail"?}],
     "access": [{"npi", "accepting_new_patients"?, "telehealth"?, "languages"?, "wait_days"?}],
     "affiliations": [{"individual_npi", "organization_npi", "role"?}],
     "exclusion_lists": [{"list", "as_of"}],
     "exclusions": [{"npi", "list", "exclusion_type", "excluded_on", "reinstated_on"?}],
     "network_members": [{"network_id", "npi", "added_on"?}]}

Every fact record has ``"evidence"``: the id of an entry of ``evidence`` or an
inline evidence object. Dates are ``YYYY-MM-DD``. Every section is optional.

The whole catalog is checked before anything is written: NPIs must be valid and
already in the store (load NPPES first), treatments must be
:class:`~directory.model.Treatment` values, a ``location_key`` must be one of
the provider's stored locations, and ids must resolve. Any problem raises one
:class:`~directory.errors.InputError` listing each problem (also on its
``problems`` attribute) and nothing is written, not even a run.

Then it loads like any source (:func:`ingest.sources.load`): a run of its own
(``catalog-<fingerprint>``), its records counted as rows in section order
(what a record refers to comes first), written in batches by
:class:`~ingest.sources.sinks.FactSink`: a record the store already holds as
it is counts as unchanged and is not written again, so loading twice changes
nothing; a store failure part-way leaves the run to resume after its last
checkpoint. :class:`CatalogReport` adds the per-section counts to the report.
A catalog is one JSON document, checked whole before anything is written, so
it is read whole (it holds facts about providers, not the providers).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from directory.errors import InputError, SourceFormatError
from directory.model import EntityType, NetworkKind
from directory.store.base import Store

from ..batches import Kind, Outcome
from ..catalog_parse import SECTIONS, CatalogParser, ParsedCatalog
from ..nppes import RawRow
from ..report import IngestReport
from .base import Source, SourceFile, file_key, load
from .sinks import Facts, FactSink

__all__ = ["CATALOG_FORMAT", "CatalogReport", "CatalogSource", "load_catalog", "parse_catalog"]

log = logging.getLogger(__name__)

SOURCE = "catalog"
CATALOG_FORMAT = "provnet-catalog"
#: Problems listed in the error message; all of them are on ``error.problems``.
MAX_LISTED_PROBLEMS = 50
#: NPIs looked up in the store per round trip while checking references.
LOOKUP_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class CatalogReport:
    """The run's report, and per section how many records were read and what
    the store did with them (``written``: new or changed; network members:
    ``new`` or ``already_members``)."""

    path: str
    report: IngestReport

    @property
    def read(self) -> int:
        return self.report.read

    @property
    def sections(self) -> dict[str, dict[str, int]]:
        details = self.report.details
        out = {}
        for name in SECTIONS:
            new, updated, unchanged = (details.get(f"{name}.{k}", 0) for k in ("inserted", "updated", "unchanged"))
            if name == "network_members":  # a membership is new or already held
                out[name] = {"read": new + updated + unchanged, "new": new, "already_members": updated + unchanged}
            else:
                out[name] = {"read": new + updated + unchanged, "written": new + updated}
        return out

    def summary(self) -> str:
        lines = [f"catalog {self.path}: {self.read} records"]
        for name, counts in self.sections.items():
            lines.append(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return "\n".join(lines) + "\n" + self.report.summary()

    def __str__(self) -> str:
        return self.summary()


def parse_catalog(data: object, today: date | None = None) -> ParsedCatalog:
    """Check a decoded catalog on its own (no store); InputError lists every problem."""
    parser = CatalogParser(today or date.today())
    parsed = parser.parse(data)
    _raise_if(parser.problems, "catalog")
    return parsed


#: One catalog record as the facts of one row.
_AS_FACTS: dict[str, Callable[[Any], Facts]] = {
    "payers": lambda r: Facts(payers=(r,)),
    "employers": lambda r: Facts(employers=(r,)),
    "networks": lambda r: Facts(networks=(r,)),
    "plans": lambda r: Facts(plans=(r,)),
    "credentials": lambda r: Facts(credentials=(r,)),
    "treatments": lambda r: Facts(treatments=(r,)),
    "access": lambda r: Facts(access=(r,)),
    "affiliations": lambda r: Facts(affiliations=(r,)),
    "exclusion_lists": lambda r: Facts(exclusion_lists=(r,)),
    "exclusions": lambda r: Facts(exclusions=(r,)),
    "network_members": lambda r: Facts(network_members=(r,)),
}


class CatalogSource(Source):
    """The catalog at ``path``; ``today`` bounds its dates."""

    name = SOURCE
    unit = "record"

    def __init__(self, path: str | os.PathLike[str], *, today: date | None = None):
        self.path = Path(path)
        self.today = today or date.today()

    @contextlib.contextmanager
    def open(self, store: Store) -> Iterator[SourceFile]:
        data = _read_json(self.path)
        parser = CatalogParser(self.today)
        parsed = parser.parse(data)
        # references are checked on the records that parsed, so one run lists every problem
        problems = parser.problems + _check_references(store, parsed)
        _raise_if(problems, f"catalog {self.path}")
        self.parsed = parsed
        yield SourceFile(self.path.name, file_key(self.path), date.fromtimestamp(self.path.stat().st_mtime))

    def outcomes(self, store: Store, resume_line: int) -> Iterator[Outcome]:
        number = 0
        for section in SECTIONS:  # the order of FACT_KINDS: what a record refers to comes first
            as_facts = _AS_FACTS[section]
            for record in getattr(self.parsed, section):
                number += 1
                if number > resume_line:
                    yield Kind.LOAD, RawRow(number, number, None, ""), (as_facts(record), ())

    def sink(self, store: Store, report: IngestReport, batch_size: int) -> FactSink:
        return FactSink(store, report, check_npis=False)  # checked whole in open()


def load_catalog(
    store: Store, path: str | os.PathLike[str], *, batch_size: int | None = None, today: date | None = None
) -> CatalogReport:
    """Check the catalog at ``path`` against itself and the store, then write it."""
    report = load(store, CatalogSource(path, today=today), batch_size=batch_size)
    log.info("catalog %s loaded: %d records", path, report.read)
    return CatalogReport(str(path), report)


def _read_json(path: Path) -> object:
    if not path.is_file():
        raise SourceFormatError(f"catalog file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"catalog {path} is not UTF-8 text: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise SourceFormatError(f"catalog {path} is not JSON: {exc.msg} at {where}") from exc


def _raise_if(problems: Sequence[str], what: str) -> None:
    if not problems:
        return
    listed = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED_PROBLEMS])
    more = f"\n  ... and {len(problems) - MAX_LISTED_PROBLEMS} more" if len(problems) > MAX_LISTED_PROBLEMS else ""
    error = InputError(f"{what} refused, nothing written; {len(problems)} problem(s):\n{listed}{more}")
    error.problems = tuple(problems)  # type: ignore[attr-defined]
    raise error


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_references(store: Store, c: ParsedCatalog) -> list[str]:
    """Problems with what the catalog points at: NPIs, ids and locations."""
    problems: list[str] = []
    entity: dict[str, EntityType] = {}
    npis = sorted(c.npis())
    for chunk in _chunks(npis, LOOKUP_CHUNK):
        entity.update({npi: rec.entity_type for npi, rec in store.providers(chunk).items()})
    for where, npi in c.npi_refs:
        if npi not in entity:
            problems.append(f"{where}: NPI {npi} is not in the store (load the NPPES file first)")
    for i, a in enumerate(c.affiliations):
        if entity.get(a.individual_npi, EntityType.INDIVIDUAL) is not EntityType.INDIVIDUAL:
            problems.append(f"affiliations[{i}].individual_npi: {a.individual_npi} is an organization")
        if entity.get(a.organization_npi, EntityType.ORGANIZATION) is not EntityType.ORGANIZATION:
            problems.append(f"affiliations[{i}].organization_npi: {a.organization_npi} is an individual")

    payers = {p.id for p in c.payers} | {p.id for p in store.payers()}
    employers = {e.id for e in c.employers} | {e.id for e in store.employers()}
    networks = {n.id for n in c.networks} | {n.id for n in store.networks()}
    for i, n in enumerate(c.networks):
        owners = payers if n.kind is NetworkKind.PAYER else employers
        if n.owner_id not in owners:
            problems.append(f"networks[{i}].owner_id: no {n.kind.value} {n.owner_id!r}")
    for i, p in enumerate(c.plans):
        if p.payer_id not in payers:
            problems.append(f"plans[{i}].payer_id: no payer {p.payer_id!r}")
        problems += [f"plans[{i}].network_ids: no network {n!r}" for n in p.network_ids if n not in networks]
    plans = {p.id for p in c.plans} | {p.id for p in store.plans()}
    for i, e in enumerate(c.employers):
        problems += [f"employers[{i}].plan_ids: no plan {p!r}" for p in e.plan_ids if p not in plans]
    for i, m in enumerate(c.network_members):
        if m.network_id not in networks:
            problems.append(f"network_members[{i}].network_id: no network {m.network_id!r}")

    located = sorted({t.npi for t in c.treatments if t.location_key and t.npi in entity})
    keys: dict[str, set[str]] = {}
    for chunk in _chunks(located, LOOKUP_CHUNK):
        for npi, locations in store.locations_for(chunk).items():
            keys[npi] = {pl.location.key for pl in locations}
    for i, t in enumerate(c.treatments):
        if t.location_key and t.npi in entity and t.location_key not in keys.get(t.npi, set()):
            problems.append(f"treatments[{i}].location_key: {t.location_key!r} is not a location of {t.npi}")
    return problems
