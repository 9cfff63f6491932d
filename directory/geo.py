"""Offline geocoding to ZIP centroids (the `zipcodes` package) and distances."""

from __future__ import annotations

import math
from functools import lru_cache

import zipcodes

from .errors import InputError
from .model import GeoPoint

EARTH_RADIUS_MILES = 3958.7613


@lru_cache(maxsize=1)
def _zips() -> dict[str, tuple[GeoPoint, str | None, str | None]]:
    """Every ZIP of the table by code, built once: ``zipcodes.matching`` scans the
    table on every call (4 ms), too slow for a lookup per request."""
    table: dict[str, tuple[GeoPoint, str | None, str | None]] = {}
    for z in zipcodes.list_all():
        if z.get("lat") and z.get("long"):
            point = GeoPoint(float(z["lat"]), float(z["long"]))
            table.setdefault(z["zip_code"], (point, z.get("county") or None, z.get("state") or None))
    return table


def preload() -> None:
    """Build the ZIP table now (about half a second) instead of in the first request that looks a ZIP up."""
    _zips()


def zip_centroid(zip5: str) -> tuple[GeoPoint, str | None, str | None] | None:
    """(centroid, county name, state) of a 5-digit ZIP, or None if unknown."""
    if len(zip5) != 5 or not zip5.isdigit():
        return None
    return _zips().get(zip5)


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


def miles_from(center: GeoPoint):
    """``haversine_miles(center, point)`` as a function of a point's latitude and
    longitude, with the center's share computed once (ranking measures thousands
    of sites from one point); the same operations, so the same values."""
    lat1, lon1 = math.radians(center.latitude), math.radians(center.longitude)
    cos1 = math.cos(lat1)
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt

    def miles(latitude: float, longitude: float) -> float:
        lat2, lon2 = radians(latitude), radians(longitude)
        h = sin((lat2 - lat1) / 2) ** 2 + cos1 * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_RADIUS_MILES * asin(min(1.0, sqrt(h)))

    return miles


def bounding_box(center: GeoPoint, radius_miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle; an index pre-filter."""
    dlat = radius_miles / 69.0
    coslat = max(0.01, math.cos(math.radians(center.latitude)))
    dlon = radius_miles / (69.172 * coslat)
    return center.latitude - dlat, center.latitude + dlat, center.longitude - dlon, center.longitude + dlon
