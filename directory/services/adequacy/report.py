"""An assessment as files: the JSON report (every step shown), the table per
county and specialty (CSV), and an HSD-style provider table (CSV).

HSD provider table: CMS's provider HSD table lists, per county and specialty,
each contracted provider with its name, NPI, specialty and service address.
We could not open CMS's current template from here, so the columns are those
its guidance describes as far as we could confirm them (provider name, NPI,
specialty, address, city, state, ZIP, county), plus the county type and the
telehealth flag, which provnet knows; CMS's SSA state/county code and its
specialty codes are not produced.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import date
from typing import Any

from .assess import Assessment, Cell
from .inputs import Counties, Members, SpecialtyMap, Standards, county_key

CSV_COLUMNS = (
    "state",
    "county",
    "county_type",
    "specialty",
    "members",
    "covered",
    "percent_covered",
    "required_percent",
    "providers",
    "required_providers",
    "passed",
)
HSD_COLUMNS = (
    "provider_name",
    "npi",
    "specialty",
    "address",
    "city",
    "state",
    "zip",
    "county",
    "county_type",
    "telehealth",
)


def cell_dict(cell: Cell) -> dict[str, Any]:
    out = {f: getattr(cell, f) for f in cell.__dataclass_fields__ if f not in ("uncovered", "counted_npis", "fixes")}
    out["reasons"] = list(cell.reasons)
    out["uncovered_zips"] = [{"zip": z, "members": n} for z, n in cell.uncovered]
    out["counted_npis"] = list(cell.counted_npis)
    if cell.fixes is not None:
        out["fixes"] = {
            "needed_to_pass": cell.fixes.needed_to_pass,
            "coverable_members": cell.fixes.coverable_members,
            "providers": [asdict(p) for p in cell.fixes.picks],
        }
    return out


def report_dict(
    assessment: Assessment,
    *,
    members: Members,
    standards: Standards,
    counties: Counties,
    specialties: SpecialtyMap,
    today: date,
) -> dict[str, Any]:
    cells = assessment.cells
    n = assessment.network
    return {
        "network": {"id": n.id, "name": n.name, "kind": n.kind.value, "owner_id": n.owner_id},
        "generated_on": today.isoformat(),
        "inputs": {
            "members": {
                "source": members.source,
                "layout": members.layout,
                "rows": members.rows,
                "members": members.total,
                "zips": len(members.counts),
            },
            "standards": standards.source,
            "counties": counties.source,
            "specialties": specialties.source,
        },
        "method": {
            **assessment.method,
            "covered": "a member is covered when an in-network location of the specialty is within both limits "
            "of the member's ZIP centroid; a location exactly at a limit is within it",
            "required_percent": "90 in Large Metro and Metro counties, 85 in Micro, Rural and CEAC (42 CFR 422.116)",
            "minimum_number": "ceiling(min_per_1000 x members / 1000), at least min_providers, or the county's figure "
            "from an HSD reference file; providers count when in the network and within both limits of a member",
            "fixes": "greedy set cover over uncovered members, vetted providers first, ties to the lower NPI",
        },
        "summary": {
            "counties": len({(c.state, c.county) for c in cells}),
            "cells": len(cells),
            "passed": sum(c.passed for c in cells),
            "failed": sum(not c.passed for c in cells),
            "members_assessed": sum(z.members for z in assessment.zips),
        },
        "not_assessed": {
            "unknown_zips": [{"zip": z, "members": m} for z, m in assessment.unlocated],
            "counties_without_type": [{"zip": z, "county": c, "members": m} for z, c, m in assessment.unclassified],
            "notes": list(assessment.notes),
        },
        "results": [cell_dict(c) for c in cells],
    }


def csv_rows(assessment: Assessment) -> list[dict[str, Any]]:
    return [
        {
            **{col: getattr(c, col) for col in CSV_COLUMNS if col not in ("percent_covered", "passed")},
            "percent_covered": f"{c.percent_covered:.2f}",
            "passed": "true" if c.passed else "false",
        }
        for c in assessment.cells
    ]


def hsd_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """Each counted provider under each county and specialty it counts for, at
    its location nearest the county (a location in the county when it has one)."""
    out = []
    for c in assessment.cells:
        for npi in c.counted_npis:
            p = assessment.providers[npi]
            here = county_key(c.state, c.county)
            inside = [s for s in p.sites if county_key(s.state, s.county or "") == here]
            site = (inside or list(p.sites))[0]
            out.append(
                {
                    "provider_name": p.display_name,
                    "npi": npi,
                    "specialty": c.specialty,
                    "address": " ".join(x for x in (site.line1, site.line2) if x),
                    "city": site.city,
                    "state": site.state,
                    "zip": site.zip5,
                    "county": c.county,
                    "county_type": c.county_type,
                    "telehealth": "Y" if p.telehealth else "N",
                }
            )
    return out


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
