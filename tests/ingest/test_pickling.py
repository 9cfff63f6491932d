"""Records cross from the reading process to the writer by pickle (a parallel
load); the tuple state of ``directory.pickling`` must give back equal objects."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError, fields, is_dataclass
from datetime import date

import pytest
from nppes_files import bulk_rows, write_nppes

from directory import model
from directory.model import Evidence, MatchRecord, MatchStatus
from directory.store.hashing import content_hash
from ingest.nppes import MainFile
from ingest.parallel import _slim
from ingest.scope import Scope
from ingest.stages import Kind, screen, validate


def test_loaded_records_and_rows_survive_the_trip(tmp_path):
    path = write_nppes(tmp_path / "npidata_pfile_20050523-20251109.csv", list(bulk_rows(200, in_scope_share=0.5)))
    with MainFile(path) as main:
        evidence = Evidence("nppes", main.date, "bulk_file", 1.0, main.name)
        outcomes = [
            (kind, _slim(kind, row, payload), payload)
            for kind, row, payload in validate(
                screen(main.rows(), main.columns, Scope.default().matcher(main.columns)),
                main.columns,
                evidence,
                date(2025, 11, 9),
            )
        ]
    loads = [o for o in outcomes if o[0] == Kind.LOAD]
    assert len(loads) > 50 and any(record.locations and record.taxonomies for _, _, (record, _, _) in loads)
    back = pickle.loads(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == outcomes
    for (_, _, (record, _, digest)), (_, row, (again, _, _)) in zip(loads, [o for o in back if o[0] == Kind.LOAD]):
        assert content_hash(again) == digest and type(again.entity_type) is type(record.entity_type)
        assert row.line > 1


def test_every_model_dataclass_has_tuple_state_and_stays_frozen():
    classes = [
        c for c in vars(model).values() if isinstance(c, type) and is_dataclass(c) and c.__module__ == model.__name__
    ]
    assert len(classes) > 20
    for cls in classes:
        assert cls.__getstate__.__module__ == cls.__setstate__.__module__ == "directory.pickling", cls
    match = MatchRecord(
        "m1",
        "nppes:1",
        "npi_api:1",
        0.97,
        9.5,
        {"name": "exact (+8.0)"},
        MatchStatus.MERGED,
        "model",
        "2026-11-26T00:00:00+00:00",
    )
    state = match.__getstate__()
    assert isinstance(state, tuple) and len(state) == len(fields(MatchRecord))
    back = pickle.loads(pickle.dumps(match))
    assert back == match and back.npi is None
    with pytest.raises(FrozenInstanceError):
        back.status = MatchStatus.UNDONE  # type: ignore[misc]
