"""Offline geocoding to ZIP centroids (the `zipcodes` package) and distances."""

from __future__ import annotations

import math
from functools import lru_cache

import zipcodes

from .errors import InputError
from .model import GeoPoint

EARTH_RADIUS_MILES = 3958.7613


@lru_cache(maxsize=65536)
def zip_centroid(zip5: str) -> tuple[GeoPoint, str | None, str | None] | None:
    """(centroid, county name, state) of a 5-digit ZIP, or None if unknown."""
    if len(zip5) != 5 or not zip5.isdigit():
        return None
    try:
        found = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    z = found[0]
    return GeoPoint(float(z["lat"]), float(z["long"])), z.get("county") or None, z.get("state") or None


def point_for_zip(zip5: str) -> GeoPoint:
    """Centroid of a ZIP code a user typed; InputError if it is not a known ZIP."""
    found = zip_centroid(zip5.strip()[:5])
    if found is None:
        raise InputError(f"unknown ZIP code {zip5!r}")
    return found[0]


def haversine_miles(a: GeoPoint, b: GeoPoint) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(center: GeoPoint, radius_miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; an index pre-filter."""
    dlat = radius_miles / 69.0
    coslat = max(0.01, math.cos(math.radians(center.latitude)))
    dlon = radius_miles / (69.172 * coslat)
    return center.latitude - dlat, center.latitude + dlat, center.longitude - dlon, center.longitude + dlon
