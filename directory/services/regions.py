"""A vetted network's regions: where its employer looks for providers, as data
on the network (``Network.regions``). A region is a whole **state** (two
letters, e.g. ``NY``) or a **ZIP code and a radius** (the circle of
``radius_miles`` around the ZIP's centroid, great-circle miles, as search
measures it). A provider is in a region when one of its geocoded practice
locations is: in the state, or within the radius.

Written as text (CLI, JSON): ``NY`` or ``02115:25`` (ZIP:miles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..errors import InputError, quoted
from ..geo import haversine_miles, zip_centroid
from ..model import GeoPoint, Location, Region

#: Most regions one network may have.
MAX_REGIONS = 20
#: Widest radius of a ZIP region, in miles.
MAX_RADIUS_MILES = 250.0
#: States, DC and the territories NPPES uses.
STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split()
)
_TEXT = re.compile(r"(?:(?P<state>[A-Za-z]{2})|(?P<zip>\d{5}):(?P<miles>\d+(?:\.\d+)?))")


def region(state: str | None = None, zip5: str | None = None, radius_miles: float | None = None) -> Region:
    """A checked region: a state, or a ZIP the offline table knows with a radius."""
    if state is not None and (zip5 is not None or radius_miles is not None):
        raise InputError("a region is a state, or a ZIP code with a radius: not both")
    if state is not None:
        code = state.strip().upper()
        if code not in STATES:
            raise InputError(f"{quoted(state)} is not a US state or territory code")
        return Region(state=code)
    if zip5 is None or radius_miles is None:
        raise InputError("a region needs a state, or a ZIP code and radiusMiles")
    z = zip5.strip()
    if not re.fullmatch(r"\d{5}", z):
        raise InputError(f"{quoted(zip5)} is not a 5-digit ZIP code")
    if not zip_centroid(z):
        raise InputError(f"ZIP code {z} is not in the offline ZIP table")
    if isinstance(radius_miles, bool) or not 0 < float(radius_miles) <= MAX_RADIUS_MILES:
        raise InputError(f"radiusMiles must be above 0 and at most {MAX_RADIUS_MILES:g}")
    return Region(zip5=z, radius_miles=float(radius_miles))


def checked(regions: Iterable[Region]) -> tuple[Region, ...]:
    """Regions checked one by one, repeats dropped, at most :data:`MAX_REGIONS`."""
    out = tuple(dict.fromkeys(region(r.state, r.zip5, r.radius_miles) for r in regions))
    if len(out) > MAX_REGIONS:
        raise InputError(f"a network may have at most {MAX_REGIONS} regions")
    return out


def parse(texts: Sequence[str]) -> tuple[Region, ...]:
    """Regions written as text: ``NY`` or ``02115:25``."""
    found = []
    for text in texts:
        m = _TEXT.fullmatch(text.strip())
        if m is None:
            raise InputError(f"{quoted(text)} is not a region: write a state (NY) or ZIP:miles (02115:25)")
        if m["state"]:
            found.append(region(state=m["state"]))
        else:
            found.append(region(zip5=m["zip"], radius_miles=float(m["miles"])))
    return checked(found)


def label(r: Region) -> str:
    """How a region reads: ``NY`` or ``within 25 mi of 02115``."""
    return r.state if r.state else f"within {r.radius_miles:g} mi of {r.zip5}"


def text(r: Region) -> str:
    """The region as :func:`parse` reads it."""
    return r.state if r.state else f"{r.zip5}:{r.radius_miles:g}"


def centre(r: Region) -> GeoPoint | None:
    if r.zip5 is None:
        return None
    found = zip_centroid(r.zip5)
    return found[0] if found else None


def contains(r: Region, location: Location) -> bool:
    """Whether a practice location lies in the region (a ZIP region needs it geocoded)."""
    if r.state:
        return location.state.upper() == r.state
    point = centre(r)
    if point is None or location.latitude is None or location.longitude is None or r.radius_miles is None:
        return False
    return haversine_miles(point, GeoPoint(location.latitude, location.longitude)) <= r.radius_miles
