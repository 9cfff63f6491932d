"""A PNG map of one county and specialty: member ZIPs covered (green) and not
(red), as discs sized by members, and the in-network locations (blue squares)
near them. Drawn with Pillow on a plain equirectangular projection scaled by
the cosine of the latitude; no map tiles, so nothing is fetched."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from ...errors import InputError
from .assess import Assessment
from .inputs import county_key

SIZE = 800
MARGIN = 60
COVERED = (46, 160, 67)
UNCOVERED = (214, 39, 40)
PROVIDER = (31, 119, 180)


def county_map_png(assessment: Assessment, state: str, county: str, specialty: str) -> bytes:
    cell = assessment.cell(state, county, specialty)
    if cell is None:
        raise InputError(f"no result for {specialty} in {county}, {state}: it has no members or no standard")
    here = county_key(state, county)
    covered = assessment.covered_by_specialty[specialty]
    spots = [
        (z, bool(covered[i]))
        for i, z in enumerate(assessment.zips)
        if county_key(z.state or "", z.county or "") == here
    ]
    lat0 = sum(z.latitude for z, _ in spots) / len(spots)
    kx = math.cos(math.radians(lat0))
    xs = [z.longitude * kx for z, _ in spots]
    ys = [z.latitude for z, _ in spots]
    pad = cell.max_miles / 69.0 / 2
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    scale = (SIZE - 2 * MARGIN) / max(x1 - x0, y1 - y0, 1e-6)

    def at(lat: float, lon: float) -> tuple[float, float]:
        return MARGIN + (lon * kx - x0) * scale, SIZE - MARGIN - (lat - y0) * scale

    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    for npi in cell.counted_npis:
        for s in assessment.providers[npi].sites:
            x, y = at(s.latitude, s.longitude)
            if MARGIN / 2 <= x <= SIZE - MARGIN / 2 and MARGIN / 2 <= y <= SIZE - MARGIN / 2:
                draw.rectangle((x - 3, y - 3, x + 3, y + 3), fill=PROVIDER)
    most = max(z.members for z, _ in spots)
    for z, ok in sorted(spots, key=lambda s: -s[0].members):
        x, y = at(z.latitude, z.longitude)
        r = 4 + 14 * math.sqrt(z.members / most)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=COVERED if ok else UNCOVERED, outline="black")
        draw.text((x + r + 2, y - 6), z.zip, fill="black")
    draw.text((MARGIN, 15), f"{specialty}: {county}, {state} ({cell.county_type})", fill="black")
    draw.text(
        (MARGIN, 32),
        f"{cell.percent_covered:.1f} % of {cell.members:,} members covered; {cell.required_percent:g} % required; "
        f"{'PASS' if cell.passed else 'FAIL'}",
        fill="black",
    )
    legend = ((COVERED, "covered ZIP"), (UNCOVERED, "uncovered ZIP"), (PROVIDER, "in-network location"))
    for i, (colour, label) in enumerate(legend):
        y = SIZE - 45 + 14 * i - 10
        draw.rectangle((MARGIN, y, MARGIN + 10, y + 10), fill=colour)
        draw.text((MARGIN + 16, y - 1), label, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
