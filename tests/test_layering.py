"""The layers import only downwards (issue 8): every import statement of every
module, including those inside functions, is checked against the rules.

    cli                   entry point: may import everything; nothing imports it
    schema, ingest        use services, the store port and scoring; never an adapter; not each other
    directory.services    the store port and scoring; never an adapter
    scoring               pure functions over the model only
    directory.store       the port and its adapters; no scoring, no services
    directory.model       below everything
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "directory", "ingest", "schema", "scoring")
ADAPTERS = ("directory.store.sqlite", "directory.store.neo4j")


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path = ROOT) -> set[str]:
    """Every module of ours (and ``module.name`` for from-imports) this file imports."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {i for i in found if i.split(".")[0] in PACKAGES}


MODULES = {_module_name(p): _imports(p) for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def _within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") or module.startswith(p + "_") for p in prefixes)


def _offenders(
    importers: tuple[str, ...], forbidden: tuple[str, ...], allowed: tuple[str, ...] = (), modules=None
) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in (MODULES if modules is None else modules).items()
        if _within(module, *importers) and not _within(module, *allowed)
        for target in targets
        if _within(target, *forbidden) and not _within(target, *allowed)
    )


def test_the_walk_sees_every_package():
    assert {m.split(".")[0] for m in MODULES} == set(PACKAGES)
    assert "directory.services.vetting" in MODULES and "scoring" in MODULES["directory.services.vetting"]


def test_nothing_imports_the_cli():
    assert _offenders(("directory", "ingest", "schema", "scoring"), ("cli",)) == []


def test_the_core_imports_nothing_above_it():
    assert _offenders(("directory",), ("ingest", "schema", "cli")) == []


def test_model_and_store_import_neither_scoring_nor_services():
    assert _offenders(("directory.model", "directory.store"), ("scoring", "directory.services")) == []


def test_scoring_imports_the_model_only():
    offenders = [
        f"{module} imports {target}"
        for module, targets in MODULES.items()
        if _within(module, "scoring")
        for target in targets
        if not _within(target, "scoring", "directory.model")
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", ["directory.services", "schema", "ingest"])
def test_no_adapter_is_imported_above_the_port(layer):
    assert _offenders((layer,), ADAPTERS) == []


def test_schema_and_ingest_do_not_import_each_other():
    assert _offenders(("schema",), ("ingest",)) == []
    assert _offenders(("ingest",), ("schema",)) == []


def test_the_rules_catch_an_upward_import(tmp_path):
    # a relative import two levels up from directory/store/ reaches directory.services
    store = tmp_path / "directory" / "store"
    store.mkdir(parents=True)
    bad = store / "bad.py"
    bad.write_text("from ..services import vetting\n\ndef later():\n    from ingest import ingest_nppes\n")
    imports = _imports(bad, tmp_path)
    assert {"directory.services", "directory.services.vetting", "ingest.ingest_nppes"} <= imports
    modules = {"directory.store.bad": imports}
    assert _offenders(("directory.model", "directory.store"), ("scoring", "directory.services"), modules=modules)
    assert _offenders(("directory",), ("ingest", "schema", "cli"), modules=modules)
