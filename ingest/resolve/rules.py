"""The rules that are not learnt: which NPIs count, and which pairs can never merge.

Fellegi-Sunter adds up evidence as if every comparison were independent. Where
that is known to be false the model would be confidently wrong, so these are
decided by rule, before and beside the scores:

* an NPI on a roster or list row counts only if it is consistent: the registry
  must not give it to the other entity type (a group's NPI on a person's row)
  or to a person of another name, and an NPI the registry does not know must
  not appear on rows of several differently named people (a billing NPI);
* two different valid NPIs, or an individual and an organization, never merge
  (two enumerations; a person and their own PLLC);
* two individuals whose person names all disagree are never one person, and
  when any name or a generational suffix disagrees only an agreeing identifier
  (NPI, licence) can make them one: colleagues share a suite and a phone, and
  father and son a name and a practice, so agreement on the place says nothing.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from .comparison import NULL, ColumnCache
from .settings import ResolveSettings

log = logging.getLogger(__name__)
INDIVIDUAL = "1"
#: Two given names or two surnames below this Jaro-Winkler score are different names.
NAME_SIMILAR = 0.85


def authoritative(frame: pd.DataFrame, settings: ResolveSettings) -> pd.Series:
    """Rows whose source (its kind, where the frame says it, else its name) is the registry."""
    kinds = frame["source_kind"] if "source_kind" in frame.columns else frame["source_dataset"]
    return kinds.isin(settings.authoritative_sources) | frame["source_dataset"].isin(settings.authoritative_sources)


def npi_column(settings: ResolveSettings) -> str | None:
    return next((c.column for c in settings.comparisons if c.kind == "npi"), None)


def drop_inconsistent_npis(frame: pd.DataFrame, settings: ResolveSettings) -> None:
    """Blank, in place, the NPIs of non-registry rows that cannot be theirs (see the module docstring)."""
    column = npi_column(settings)
    if column is None or not {"entity_type", "source_dataset"} <= set(frame.columns):
        return
    npi, etype = frame[column], frame["entity_type"]
    auth = authoritative(frame, settings)
    owners = frame.loc[auth & (npi != "") & (etype != "")].drop_duplicates(column).set_index(column)
    owner_type = npi.map(owners["entity_type"])
    other = ~auth & (npi != "")
    wrong_type = other & (etype != "") & owner_type.notna() & (owner_type != etype)
    blank = wrong_type.copy()
    reasons = {"another entity type": int(wrong_type.sum())}
    if {"first_name", "last_name"} <= set(frame.columns):
        people = other & ~wrong_type & (etype == INDIVIDUAL)
        rows = frame.loc[people, [column, "first_name", "last_name"]]
        owned = rows[column].isin(owners.index[owners["entity_type"] == INDIVIDUAL])
        # the registry's person of that NPI has another name altogether
        mine = rows[owned]
        reg = owners.loc[mine[column]]
        other_person = _names_differ(mine["first_name"], mine["last_name"], reg["first_name"], reg["last_name"])
        blank.loc[mine.index[other_person]] = True
        reasons["a person of another name"] = int(other_person.sum())
        # an NPI the registry does not hold, on rows of several people: shared
        loose = rows[~owned]
        key = loose["first_name"] + "\x1f" + loose["last_name"]
        several = key.groupby(loose[column]).transform("nunique") > 1  # most NPIs come with one name
        loose, key = loose[several], key[several]
        if len(loose):
            mode = key.groupby(loose[column]).agg(lambda k: k.value_counts().index[0])
            ref = loose[column].map(mode).str.split("\x1f")
            differs = _names_differ(loose["first_name"], loose["last_name"], ref.str[0], ref.str[1])
            shared = loose.loc[differs, column].unique()
            hit = loose[column].isin(shared)
            blank.loc[loose.index[hit]] = True
            reasons["shared by people of other names"] = int(hit.sum())
    if blank.any():
        log.info("ignoring NPIs on %d non-registry rows: %s", int(blank.sum()), reasons)
        frame.loc[blank, column] = ""


def _names_differ(first_a: pd.Series, last_a: pd.Series, first_b: pd.Series, last_b: pd.Series) -> np.ndarray:
    """Both the given name and the surname differ, in either reading (first and last crosswise)."""
    fa, la = first_a.to_numpy(dtype=object), last_a.to_numpy(dtype=object)
    fb, lb = first_b.to_numpy(dtype=object), last_b.to_numpy(dtype=object)

    def similar(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.fromiter(
            (a == b or (a != "" and b != "" and JaroWinkler.normalized_similarity(a, b) >= NAME_SIMILAR)
             for a, b in zip(x, y)),
            dtype=bool,
            count=len(x),
        )  # fmt: skip

    straight = similar(fa, fb) | similar(la, lb)
    crossed = similar(fa, lb) | similar(la, fb)
    known = np.fromiter(((a != "" or b != "") and (c != "" or d != "") for a, b, c, d in zip(fa, la, fb, lb)), bool)
    return known & ~straight & ~crossed


def pair_rules(
    settings: ResolveSettings,
    frame: pd.DataFrame,
    cache: ColumnCache,
    gamma: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
) -> dict[str, np.ndarray]:
    """Masks over the candidate pairs:

    * ``cross_type``: an individual and an organization;
    * ``npi_conflict``: two different valid NPIs (same type);
    * ``never``: individuals whose person names all disagree;
    * ``needs_identifier``: individuals with one disagreeing name or suffix and no agreeing identifier;
    * ``names_disagree``: some ``conflict_review_requires`` comparison falls to "else".
    """
    n = len(left)
    cross = np.zeros(n, dtype=bool)
    individuals = np.zeros(n, dtype=bool)
    if "entity_type" in frame.columns:
        et = cache.codes("entity_type")
        cross = (et[left] >= 0) & (et[right] >= 0) & (et[left] != et[right])
        types = cache.values("entity_type")
        individuals = (types[left] == INDIVIDUAL) & (types[right] == INDIVIDUAL)
    conflict = np.zeros(n, dtype=bool)
    column = npi_column(settings)
    if column is not None:
        codes = cache.codes(column)
        a, b = codes[left], codes[right]
        conflict = (a >= 0) & (b >= 0) & (a != b) & ~cross
    index = {c.name: j for j, c in enumerate(settings.comparisons)}

    def cols(names: list[str]) -> np.ndarray:
        return gamma[:, [index[x] for x in names]] if names else np.empty((n, 0), dtype=np.int8)

    names = cols(settings.person_names)
    present = names != NULL
    all_else = present.any(axis=1) & ((names == 0) | ~present).all(axis=1)
    any_else = (names == 0).any(axis=1) | (cols(settings.person_conflicts) == 0).any(axis=1)
    identified = (cols(settings.identifiers) > 0).any(axis=1)
    return {
        "cross_type": cross,
        "npi_conflict": conflict,
        "never": individuals & all_else,
        "needs_identifier": individuals & any_else & ~identified,
        "names_disagree": (cols(settings.conflict_review_requires) == 0).any(axis=1),
    }
