"""Ingest: NPPES bulk files, the NPI Registry API and other sources into the
store, each source a module of ``ingest.sources`` loaded the same way."""

from .nppes import read_main_file
from .quarantine import BadRowPolicy, FilterReason, ReasonCode
from .report import IngestReport
from .scope import Scope
from .sources.nppes import ingest_nppes, load_taxonomies

__all__ = [
    "BadRowPolicy",
    "FilterReason",
    "IngestReport",
    "ReasonCode",
    "Scope",
    "ingest_nppes",
    "load_taxonomies",
    "read_main_file",
]
