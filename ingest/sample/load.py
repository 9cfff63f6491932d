"""Loading the bundled sample through the real ingest (``provnet sample load``,
``make run``): the NPPES file, the catalog, each file of records through its
loader and mapping, then resolution of every record, which materialises the
records' facts and re-judges the vetted networks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from directory.errors import InputError
from directory.store import Store

from ..report import IngestReport
from ..resolve.run import ResolveReport, resolve_store
from ..sources.base import load
from ..sources.catalog import CatalogReport, load_catalog
from ..sources.licences import Licences
from ..sources.nppes import ingest_nppes
from ..sources.records import MappedSource
from ..sources.roster import Roster
from ..sources.sites import Sites
from .records import SOURCES, SampleSource

log = logging.getLogger(__name__)


def record_source(folder: Path, spec: SampleSource) -> MappedSource:
    """The loader of one of the sample's files of records, as the CLI builds it."""
    path, mapping = folder / spec.file, folder / spec.mapping
    if spec.kind == "roster":
        return Roster(path, mapping, spec.source, as_of=spec.as_of)
    if spec.kind == "licences":
        return Licences(path, mapping, spec.source, as_of=spec.as_of)
    return Sites(path, mapping, spec.source, kind=spec.kind, as_of=spec.as_of)


def load_sample(store: Store, folder: Path) -> tuple[list[IngestReport | CatalogReport], ResolveReport]:
    """Every file of the sample in ``folder``, then resolution; returns the
    loads' reports and the resolve report."""
    nppes = [p for p in sorted(folder.glob("npidata_pfile_*.csv")) if not p.name.endswith("_fileheader.csv")]
    if not nppes:
        raise InputError(f"no npidata_pfile_*.csv in {folder}; run `provnet sample generate` first")
    reports: list[IngestReport | CatalogReport] = [
        ingest_nppes(store, path, scope="all", progress=None) for path in nppes
    ]
    reports.append(load_catalog(store, folder / "catalog.json"))
    for spec in SOURCES:
        reports.append(load(store, record_source(folder, spec)))
    resolved = resolve_store(store, today=datetime.now(UTC).date())
    return reports, resolved
