"""Ingest: NPPES bulk files and the NPI Registry API into the store."""

from .nppes import read_main_file
from .pipeline import ingest_nppes, load_taxonomies
from .quarantine import BadRowPolicy, FilterReason, ReasonCode
from .report import IngestReport
from .scope import Scope

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
