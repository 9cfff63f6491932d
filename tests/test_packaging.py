"""What the container files promise, checked without a Docker engine (none runs
here): a non-root API image with a health check, a pinned Neo4j 5 minor
release, the sample loaded on the first start only, every package copied."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cli import main
from directory.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def _instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")  # continuation lines
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_the_api_image_runs_as_a_non_root_user_with_a_health_check():
    users = _instructions("USER")
    assert users and users[-1].strip() not in {"root", "0"}, "the last USER must not be root"
    assert DOCKERFILE.index("USER ") < DOCKERFILE.index("CMD ")
    [check] = _instructions("HEALTHCHECK")
    assert "/healthz" in check


def test_every_package_is_copied_into_the_image():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    copied = {line.split()[0] for line in _instructions("COPY")}
    for pattern in packages["include"]:
        assert pattern.rstrip("*") in copied, f"{pattern} is not copied into the image"


def test_compose_pins_a_neo4j_5_minor_release():
    images = re.findall(r"^\s*image:\s*(\S+)", COMPOSE, re.MULTILINE)
    assert any(re.fullmatch(r"neo4j:5\.\d+(\.\d+)?", image) for image in images), images


def test_the_sample_loads_on_the_first_start_only():
    [command] = _instructions("CMD")
    assert "sample load --if-empty" in command


@pytest.mark.parametrize("flag", [["--if-empty"]])
def test_sample_load_if_empty_loads_once(tmp_path, capsys, flag):
    url = f"sqlite:///{tmp_path / 'first.db'}"
    assert main(["--store", url, "sample", "load", *flag]) == 0
    with open_store(url) as store:
        first = store.counts()
    assert first["providers"] > 100
    capsys.readouterr()
    assert main(["--store", url, "sample", "load", *flag]) == 0
    assert "sample not loaded (--if-empty)" in capsys.readouterr().err
    with open_store(url) as store:
        assert store.counts() == first
