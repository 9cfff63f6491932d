"""What a generated five-source folder looks like, measured from its files (not from
the generator's settings): how often each field is empty, which formats the
phones, ZIPs, names and licence numbers come in, and how the hard cases stand.

    .venv/bin/python bench/resolve/realism.py bench/out/er5_s1
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from directory.npi import is_valid_npi


def shape(value: str) -> str:
    """A value's format: digits as 9, letters as A (runs collapsed)."""
    text = re.sub(r"[0-9]", "9", value)
    text = re.sub(r"[A-Za-z]+", "A", text)
    return re.sub(r"9+", lambda m: "9" if len(m.group()) < 3 else f"9{{{len(m.group())}}}", text)


def top(series: pd.Series, n: int = 6) -> str:
    counts = Counter(series[series != ""].map(shape))
    total = sum(counts.values()) or 1
    return ", ".join(f"{k} {v / total:.0%}" for k, v in counts.most_common(n))


def name_layout(text: str) -> str:
    if not text:
        return "empty"
    if "," in text:
        head, _, rest = text.partition(",")
        return "First Last, CRED" if " " in head.strip() else "Last, First"
    words = text.split()
    if text.isupper() and len(words) >= 3 and len(words[-1]) == 1:
        return "LAST FIRST M"
    return "First [M.] Last"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()
    f = args.folder
    roster = pd.read_csv(f / "roster.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    nppes_npis = set(
        pd.read_csv(next(f.glob("npidata_pfile_*.csv")), dtype=str, keep_default_na=False, usecols=["NPI"])["NPI"]
    )
    people = roster[roster["Provider Type"] == "Practitioner"]
    npi = people["NPI"]
    print(f"roster: {len(roster)} rows, {len(people)} of practitioners")
    bad = npi.map(lambda v: bool(v) and not is_valid_npi(v)).mean()
    unknown = npi.map(lambda v: is_valid_npi(v) and v not in nppes_npis).mean()
    print(f"  NPI: empty {(npi == '').mean():.1%}, fails check digit {bad:.1%}, valid but not in NPPES {unknown:.1%}")
    print(f"  name layouts: {Counter(people['Provider Name'].map(name_layout)).most_common()}")
    print(f"  phone formats: {top(roster['Phone'], 8)}; empty {(roster['Phone'] == '').mean():.1%}")
    print(f"  ZIP formats: {top(roster['Zip'])}")
    no_licence = (people["License Number"] == "").mean()
    print(f"  licence formats: {top(people['License Number'])}; empty {no_licence:.1%}")
    stateless = (people.loc[people["License Number"] != "", "License State"] == "").mean()
    print(f"  licence state empty when a number is given: {stateless:.1%}")
    lic = pd.read_csv(f / "licences.txt", sep="|", dtype=str, keep_default_na=False)
    given, no_middle = (lic["NPI_NUMBER"] != "").mean(), (lic["MIDDLE_NAME"] == "").mean()
    print(f"licences: {len(lic)} rows; NPI given {given:.1%}; middle name empty {no_middle:.1%}")
    print(f"  number formats: {top(lic['LIC_NO'])}")
    for name, sep in (("tms_sites.csv", ","), ("rems_sites.tsv", "\t")):
        sites = pd.read_csv(f / name, sep=sep, dtype=str, keep_default_na=False)
        phone = next(c for c in sites.columns if "Phone" in c)
        extra = f"; NPI given {(sites['NPI'] != '').mean():.1%}" if "NPI" in sites.columns else ""
        print(f"{name}: {len(sites)} rows; phone empty {(sites[phone] == '').mean():.1%}{extra}")
    cases = pd.read_csv(f / "hard_cases.csv", dtype=str)
    print(f"hard cases: {cases['case'].value_counts().to_dict()}")
    sep, merged = (pd.read_csv(f / n, dtype=str) for n in ("truth_separate.csv", "truth_merged.csv"))
    sizes = sep.groupby("entity_id").size()
    print(
        f"entities: {sep['entity_id'].nunique()} (subparts merged: {merged['entity_id'].nunique()}); records per "
        f"entity: {sizes.describe()[['mean', '50%', 'max']].round(2).to_dict()}; singletons {(sizes == 1).mean():.1%}"
    )


if __name__ == "__main__":
    sys.exit(main())
