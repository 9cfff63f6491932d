"""Every ZIP code of the offline ``zipcodes`` table in one dictionary.

``zipcodes.matching`` scans its list on each call (about a millisecond); a
member file covers thousands of ZIPs, so adequacy builds this index once
(about half a second) and looks ZIPs up in it. The first entry of a ZIP wins,
as in :func:`directory.geo.zip_centroid`.
"""

from __future__ import annotations

from functools import lru_cache

import zipcodes


@lru_cache(maxsize=1)
def zip_index() -> dict[str, tuple[float, float, str | None, str | None]]:
    """ZIP -> (latitude, longitude, county name, state)."""
    index: dict[str, tuple[float, float, str | None, str | None]] = {}
    for z in zipcodes.list_all():
        code = z.get("zip_code")
        if code and code not in index and z.get("lat") and z.get("long"):
            index[code] = (float(z["lat"]), float(z["long"]), z.get("county") or None, z.get("state") or None)
    return index
