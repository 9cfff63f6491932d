"""Project-wide promises: our top-level packages are ours, public surfaces are
small and honest, every setting is documented, the NPI check digit is right."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from directory import settings
from directory.errors import InputError
from directory.geo import haversine_miles, point_for_zip, zip_centroid
from directory.model import GeoPoint
from directory.npi import is_valid_npi, make_npi

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "directory", "ingest", "scoring", "schema")


@pytest.mark.parametrize("name", PACKAGES)
def test_top_level_package_is_ours(name):
    # `schema`, `directory`, `ingest` and `scoring` are also names of unrelated PyPI packages.
    module = importlib.import_module(name)
    assert Path(module.__file__).resolve().parent == ROOT / name


@pytest.mark.parametrize("name", PACKAGES)
def test_public_surface_is_sorted_and_real(name):
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", [])
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    for member in exported:
        assert hasattr(module, member), f"{name}.__all__ names {member!r}, which does not exist"


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in settings.SETTINGS if s.env not in readme]
    assert not missing, f"settings missing from README's configuration table: {missing}"


def test_secrets_have_no_default():
    for s in settings.SETTINGS:
        if s.secret:
            assert s.default is None, s.name


def test_settings_read_the_environment():
    assert settings.get("batch_size", {"PROVNET_BATCH_SIZE": "17"}) == "17"
    assert settings.get_int("batch_size", {}) == 30000
    with pytest.raises(Exception, match="PROVNET_BATCH_SIZE must be an integer"):
        settings.get_int("batch_size", {"PROVNET_BATCH_SIZE": "many"})


@pytest.mark.parametrize(
    "npi,valid",
    [
        ("1234567893", True),  # the CMS worked example
        ("1568946812", True),  # from a recorded NPI Registry API response
        ("1234567890", False),
        ("123456789", False),
        ("12345678930", False),
        ("123456789X", False),
        ("3234567893", False),  # NPIs start with 1 or 2
    ],
)
def test_npi_check_digit(npi, valid):
    assert is_valid_npi(npi) is valid


def test_make_npi_round_trips():
    for base in ("123456789", "100000000", "299999999"):
        assert is_valid_npi(make_npi(base))


def test_zip_centroid_and_distance():
    point, county, state = zip_centroid("10029")
    assert state == "NY" and county == "New York County"
    assert zip_centroid("00000") is None
    with pytest.raises(InputError):
        point_for_zip("99999")
    # Manhattan (10029) to Boston (02115) is about 185 miles as the crow flies.
    boston = point_for_zip("02115")
    assert 175 < haversine_miles(point, boston) < 195
    assert haversine_miles(point, point) == 0.0
    assert haversine_miles(GeoPoint(0, 0), GeoPoint(0, 1)) == pytest.approx(69.09, abs=0.1)


def test_no_query_text_built_with_formatting():
    # Values go in as parameters; query text is constant (see the store adapters).
    pattern = re.compile(r"""f["'].*\b(MATCH|MERGE|CREATE|SELECT|INSERT|UPDATE|DELETE)\b.*\{""")
    offenders = []
    for name in PACKAGES:
        for path in (ROOT / name).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}")
    assert not offenders, offenders


def test_miles_from_a_center_are_haversine_miles_exactly():
    import random

    from directory.geo import miles_from

    rng = random.Random(4)
    for _ in range(200):
        a = GeoPoint(rng.uniform(-60, 70), rng.uniform(-170, 170))
        b = GeoPoint(a.latitude + rng.uniform(-3, 3), a.longitude + rng.uniform(-3, 3))
        assert miles_from(a)(b.latitude, b.longitude) == haversine_miles(a, b)  # the same float, not just close
