"""Travel time from a member's ZIP centroid to a provider location.

Two ways, chosen by the settings:

* :class:`StraightLine` (default, no network): minutes = great-circle miles /
  the speed of the member county's type x 60. Straight-line distance is a
  lower bound of road distance, so this is an estimate, and the report says so.
* :class:`OsrmTable` (setting ``osrm_url``): minutes from an OSRM server's
  ``/table/v1/driving`` service, asked only for the pairs already within the
  distance limit, a few dozen coordinates a request.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

import numpy as np
import requests

from ... import settings
from ...errors import ConfigurationError, InputError, RoutingError
from .inputs import COUNTY_TYPES, county_type

if TYPE_CHECKING:
    from .compute import Points

log = logging.getLogger(__name__)

#: Most coordinates (sources + destinations) in one OSRM table request.
OSRM_MAX_COORDINATES = 100


class Travel(Protocol):
    #: How the report describes the method.
    description: str

    def radius_bound(self, max_miles: np.ndarray, max_minutes: np.ndarray, speed_mph: np.ndarray) -> np.ndarray:
        """Miles beyond which no location can be within both limits."""
        ...

    def minutes(
        self, points: Points, zip_idx: np.ndarray, site_lat: np.ndarray, site_lon: np.ndarray, miles: np.ndarray
    ) -> np.ndarray:
        """Travel minutes of each (ZIP, location) pair; inf where there is no route."""
        ...


def parse_speeds(text: str | None) -> dict[str, float]:
    """``Large Metro=30,Metro=40,...`` -> {county type: mph}; every type must be given."""
    speeds: dict[str, float] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        try:
            kind = county_type(name, "PROVNET_ADEQUACY_SPEEDS_MPH", 1)
            mph = float(value)
        except (ValueError, InputError) as exc:
            raise ConfigurationError(f"PROVNET_ADEQUACY_SPEEDS_MPH: {item.strip()!r}: {exc}") from None
        if not sep or not mph > 0:
            raise ConfigurationError(f"PROVNET_ADEQUACY_SPEEDS_MPH: {item.strip()!r} needs a positive speed")
        speeds[kind] = mph
    missing = [t for t in COUNTY_TYPES if t not in speeds]
    if missing:
        raise ConfigurationError(f"PROVNET_ADEQUACY_SPEEDS_MPH lacks a speed for {', '.join(missing)}")
    return speeds


class StraightLine:
    description = "straight-line (great-circle) miles at the speed of the county type"

    def radius_bound(self, max_miles, max_minutes, speed_mph):
        return np.minimum(max_miles, max_minutes * speed_mph / 60.0)

    def minutes(self, points, zip_idx, site_lat, site_lon, miles):
        return miles / points.speed_mph[zip_idx] * 60.0


class OsrmTable:
    """Durations from OSRM's table service (``/table/v1/{profile}/{coordinates}``)."""

    def __init__(self, base_url: str, *, profile: str = "driving", timeout: float = 30.0, session=None):
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout = timeout
        self.session = session or requests.Session()
        self.description = f"road travel time from the OSRM server at {self.base_url} (table service)"
        self.requests = 0

    def radius_bound(self, max_miles, max_minutes, speed_mph):
        return max_miles  # road time is not known before asking

    def minutes(self, points, zip_idx, site_lat, site_lon, miles):
        out = np.full(len(zip_idx), np.inf)
        if not len(zip_idx):
            return out
        # destinations are distinct coordinates; each pair is (ZIP, destination)
        coords = np.round(np.stack([site_lon, site_lat], axis=1), 6)
        dest_coords, dest_of_pair = np.unique(coords, axis=0, return_inverse=True)
        dest_of_pair = dest_of_pair.reshape(-1)
        half = OSRM_MAX_COORDINATES // 2
        zips = np.unique(zip_idx)
        for start in range(0, len(zips), half):
            chunk = zips[start : start + half]
            in_chunk = np.isin(zip_idx, chunk)
            dests = np.unique(dest_of_pair[in_chunk])
            for dstart in range(0, len(dests), half):
                dchunk = dests[dstart : dstart + half]
                table = self._table(
                    [(float(points.lon[z]), float(points.lat[z])) for z in chunk],
                    [(float(dest_coords[d, 0]), float(dest_coords[d, 1])) for d in dchunk],
                )
                row_of = {int(z): i for i, z in enumerate(chunk)}
                col_of = {int(d): j for j, d in enumerate(dchunk)}
                for k in np.flatnonzero(in_chunk & np.isin(dest_of_pair, dchunk)):
                    seconds = table[row_of[int(zip_idx[k])]][col_of[int(dest_of_pair[k])]]
                    out[k] = np.inf if seconds is None else float(seconds) / 60.0
        return out

    def _table(self, sources: list[tuple[float, float]], destinations: list[tuple[float, float]]) -> list[list]:
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lon, lat in sources + destinations)
        url = f"{self.base_url}/table/v1/{self.profile}/{coordinates}"
        params = {
            "sources": ";".join(str(i) for i in range(len(sources))),
            "destinations": ";".join(str(len(sources) + j) for j in range(len(destinations))),
            "annotations": "duration",
        }
        self.requests += 1
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
            body = response.json()
        except requests.RequestException as exc:
            raise RoutingError(f"OSRM server at {self.base_url} failed: {exc}") from exc
        except ValueError:
            raise RoutingError(
                f"OSRM server at {self.base_url} answered HTTP {response.status_code} without JSON"
            ) from None
        if response.status_code != 200 or body.get("code") != "Ok":
            raise RoutingError(
                f"OSRM server at {self.base_url} refused a table request: {body.get('code')} {body.get('message', '')}"
            )
        durations = body.get("durations")
        if not isinstance(durations, list) or len(durations) != len(sources):
            raise RoutingError(f"OSRM server at {self.base_url} answered a table without {len(sources)} rows")
        return durations


def travel_from_settings(environ: dict[str, str] | None = None) -> tuple[Travel, dict[str, float]]:
    """The travel method the settings choose, and the speeds by county type."""
    speeds = parse_speeds(settings.get("adequacy_speeds_mph", environ))
    url = settings.get("osrm_url", environ)
    if url:
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"PROVNET_OSRM_URL must be an http(s) URL, got {url!r}")
        try:
            timeout = float(settings.get("osrm_timeout", environ) or 30)
        except ValueError:
            raise ConfigurationError("PROVNET_OSRM_TIMEOUT must be a number of seconds") from None
        return OsrmTable(url, timeout=timeout), speeds
    return StraightLine(), speeds
