"""Loads a catalog: the facts NPPES does not hold, each with its evidence.

A catalog is one JSON object::

    {"format": "provnet-catalog", "version": 1,
     "evidence": {"rems-2026-10": {"source": "rems_list", "retrieved": "2026-10-15",
                                   "method": "registry_list", "confidence": 0.95, "reference": "..."}},
     "payers": [{"id", "name"}], "employers": [{"id", "name"}],
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
``problems`` attribute) and nothing is written. Loading is idempotent: a
store failure part-way leaves the earlier sections written, and loading the
same catalog again completes it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from directory import settings
from directory.errors import InputError, SourceFormatError
from directory.model import EntityType, NetworkKind
from directory.store import Store

from .catalog_parse import CatalogParser, ParsedCatalog

__all__ = ["CATALOG_FORMAT", "CatalogReport", "load_catalog", "parse_catalog"]

log = logging.getLogger(__name__)

CATALOG_FORMAT = "provnet-catalog"
#: Problems listed in the error message; all of them are on ``error.problems``.
MAX_LISTED_PROBLEMS = 50
#: NPIs looked up in the store per round trip while checking references.
LOOKUP_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class CatalogReport:
    """Per section: how many records were read and what the store did with them."""

    path: str
    sections: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def read(self) -> int:
        return sum(s["read"] for s in self.sections.values())

    def summary(self) -> str:
        lines = [f"catalog {self.path}: {self.read} records"]
        for name, counts in self.sections.items():
            lines.append(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return "\n".join(lines)


def parse_catalog(data: object, today: date | None = None) -> ParsedCatalog:
    """Check a decoded catalog on its own (no store); InputError lists every problem."""
    parser = CatalogParser(today or date.today())
    parsed = parser.parse(data)
    _raise_if(parser.problems, "catalog")
    return parsed


def load_catalog(
    store: Store, path: str | Path, *, batch_size: int | None = None, today: date | None = None
) -> CatalogReport:
    """Check the catalog at ``path`` against itself and the store, then write it."""
    path = Path(path)
    data = _read_json(path)
    parser = CatalogParser(today or date.today())
    parsed = parser.parse(data)
    # references are checked on the records that parsed, so one run lists every problem
    problems = parser.problems + _check_references(store, parsed)
    _raise_if(problems, f"catalog {path}")
    size = batch_size or settings.get_int("batch_size")
    report = CatalogReport(str(path))
    _write(store, parsed, size, report.sections)
    log.info("catalog %s loaded: %d records", path, report.read)
    return report


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


def _write(store: Store, c: ParsedCatalog, size: int, out: dict[str, dict[str, int]]) -> None:
    """Write every section through the port, in dependency order."""

    def each(name: str, items: Sequence, op) -> None:
        written = sum(op(list(batch)) for batch in _chunks(items, size))
        out[name] = {"read": len(items), "written": written}

    each("payers", c.payers, store.upsert_payers)
    each("employers", c.employers, store.upsert_employers)
    each("networks", c.networks, store.upsert_networks)
    each("plans", c.plans, store.upsert_plans)
    each("credentials", c.credentials, store.upsert_credentials)
    each("treatments", c.treatments, store.upsert_treatments)
    each("access", c.access, store.upsert_access)
    each("affiliations", c.affiliations, store.upsert_affiliations)
    each("exclusion_lists", c.exclusion_lists, store.record_exclusion_lists)
    each("exclusions", c.exclusions, store.upsert_exclusions)
    new = sum(store.add_network_members(list(batch)) for batch in _chunks(c.network_members, size))
    out["network_members"] = {
        "read": len(c.network_members),
        "new": new,
        "already_members": len(c.network_members) - new,
    }
