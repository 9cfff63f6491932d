"""Reference data shipped with provnet: the NUCC taxonomy code set and the
taxonomy scope that decides which NPPES rows a default ingest keeps."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from .model import Taxonomy

NUCC_FILE = "nucc_taxonomy_251.csv"
NUCC_VERSION = "25.1"

#: Behavioural-health taxonomies (NUCC v25.1) that matter for TRD care.
BEHAVIOURAL_HEALTH: frozenset[str] = frozenset(
    {
        "2084P0800X",
        "2084P0804X",
        "2084P0802X",
        "2084P0805X",
        "2084P0015X",
        "2084B0040X",
        "2084F0202X",
        "363LP0808X",
        "364SP0808X",
        "364SP0807X",
        "364SP0809X",
        "364SP0810X",
        "364SP0811X",
        "364SP0812X",
        "364SP0813X",
        "103T00000X",
        "103TC0700X",
        "101YM0800X",
        "101YP2500X",
        "101YA0400X",
        "1041C0700X",
        "106H00000X",
        "175T00000X",
        "1835P1300X",
        # organizations
        "261QM0801X",
        "261QM0850X",
        "261QM0855X",
        "251S00000X",
        "283Q00000X",
    }
)

#: Specialties that run ketamine clinics (usually with a psychiatric partner),
#: and the organization types such clinics enrol as.
KETAMINE_CAPABLE: frozenset[str] = frozenset(
    {
        "207L00000X",
        "207LP2900X",
        "208VP0000X",
        "207P00000X",
        "261QI0500X",
        "261QP3300X",
    }
)

#: The default ingest scope; group practices are kept only when linked to an in-scope provider.
DEFAULT_SCOPE: frozenset[str] = BEHAVIOURAL_HEALTH | KETAMINE_CAPABLE
GROUP_PRACTICES: frozenset[str] = frozenset({"193200000X", "193400000X"})


@lru_cache(maxsize=1)
def nucc_taxonomies() -> tuple[Taxonomy, ...]:
    """Every code of the bundled NUCC code set."""
    text = resources.files("directory").joinpath("data", NUCC_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        Taxonomy(
            code=r["Code"].strip(),
            display_name=(r.get("Display Name") or "").strip()
            or " - ".join(p for p in (r["Classification"], r["Specialization"]) if p),
            grouping=r["Grouping"].strip(),
            classification=r["Classification"].strip(),
            specialization=(r.get("Specialization") or "").strip(),
        )
        for r in rows
        if r.get("Code")
    )


@lru_cache(maxsize=1)
def nucc_codes() -> frozenset[str]:
    return frozenset(t.code for t in nucc_taxonomies())
