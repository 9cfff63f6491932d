"""An NPPES bundle, monthly or weekly, as a zip or an unpacked folder: find
its four files by name and apply them in order.

    npidata_pfile_<start>-<end>.csv    the main file (ingest.sources.nppes)
    pl_pfile_<start>-<end>.csv         secondary practice locations  } ingest.sources.reference,
    othername_pfile_<start>-<end>.csv  other organization names      } for NPIs in the store
    endpoint_pfile_<start>-<end>.csv   counted, not loaded           }

``*_fileheader.csv`` twins and the PDF readme are ignored. A bundle missing
one of the four, holding two of a kind, or whose files name different periods
is refused before anything is written; so is a weekly out of date order
(:mod:`ingest.weekly`). Zip members are streamed, never extracted.

With the default scope, the main file is read twice: once to find what the
in-scope providers link to (:mod:`ingest.linked_scope`), once to load. Every
load also keeps the NPIs the store already holds (``ingest.scope``), and an NPI a weekly
updates loses the secondary facts its weekly pl/othername rows no longer list.
A monthly then sweeps the pl/othername facts that came from earlier files
(what the full files no longer list). Every step is its own resumable run, so
re-running an interrupted bundle finishes it (a completed main file is read
again, all unchanged), and applying one twice changes nothing.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from directory.errors import SourceFormatError
from directory.store.base import Store

from .linked_scope import linked_scope
from .normalize import RowRejected
from .nppes import MainFile
from .quarantine import BadRowPolicy
from .reference_files import ENDPOINT, FILE_CLASSES, OTHERNAME, PL, row_npi
from .report import IngestReport
from .scope import Scope
from .sources.nppes import ingest_nppes
from .sources.reference import KINDS, load_reference_file
from .weekly import Period, check_order, period_of
from .zipped import open_member, open_zip

log = logging.getLogger(__name__)

MAIN = "main"
_PREFIXES = {"npidata_pfile": MAIN, "pl_pfile": PL, "othername_pfile": OTHERNAME, "endpoint_pfile": ENDPOINT}
_MEMBER = re.compile(r"^(npidata_pfile|pl_pfile|othername_pfile|endpoint_pfile)_(\d{8}-\d{8})\.csv$", re.IGNORECASE)
ORDER = (MAIN, PL, OTHERNAME, ENDPOINT)
#: NPIs looked up in the store per round trip when a weekly is read ahead.
_LOOKUP = 1000


@dataclass(frozen=True, slots=True)
class Bundle:
    path: Path
    is_zip: bool
    files: dict[str, str]  # kind -> member name (zip) or file name (folder)
    period: Period

    @property
    def weekly(self) -> bool:
        return self.period.weekly

    def locate(self, kind: str) -> tuple[Path, str | None]:
        """(path, member) as the loaders take them."""
        name = self.files[kind]
        return (self.path, name) if self.is_zip else (self.path / name, None)


def open_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Find the four files of a bundle; SourceFormatError if it is incomplete."""
    path = Path(path)
    if path.is_dir():
        names, is_zip = [p.name for p in path.iterdir() if p.is_file()], False
    elif path.is_file():
        with open_zip(path) as archive:
            names, is_zip = [n for n in archive.namelist() if not n.endswith("/")], True
    else:
        raise SourceFormatError(f"NPPES bundle not found: {path}")
    found: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        match = _MEMBER.match(name.rsplit("/", 1)[-1])
        if match:
            found.setdefault(_PREFIXES[match.group(1).lower()], []).append((name, match.group(2)))
    missing = [k for k in ORDER if k not in found]
    if missing:
        wanted = ", ".join(f"{p}_<start>-<end>.csv" for p, k in _PREFIXES.items() if k in missing)
        raise SourceFormatError(f"NPPES bundle {path.name} lacks {wanted}")
    doubled = [k for k in ORDER if len(found[k]) > 1]
    if doubled:
        names_ = "; ".join(", ".join(n for n, _ in found[k]) for k in doubled)
        raise SourceFormatError(f"NPPES bundle {path.name} holds more than one file of a kind: {names_}")
    spans = {found[k][0][1] for k in ORDER}
    if len(spans) > 1:
        raise SourceFormatError(
            f"the files of NPPES bundle {path.name} name different periods: {', '.join(sorted(spans))}"
        )
    files = {k: found[k][0][0] for k in ORDER}
    period = period_of(files[MAIN].rsplit("/", 1)[-1])
    if period is None:
        raise SourceFormatError(f"{files[MAIN]} names no valid <start>-<end> period")
    return Bundle(path, is_zip, files, period)


@dataclass(slots=True)
class BundleReport:
    bundle: str
    weekly: bool
    period: str
    reports: dict[str, IngestReport] = field(default_factory=dict)
    #: kind -> secondary facts removed because the files no longer list them
    #: (weekly: NPIs emptied; monthly: facts swept)
    cleared: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        head = f"{'weekly' if self.weekly else 'monthly'} bundle {self.bundle} ({self.period})"
        parts = [head] + [r.summary() for r in self.reports.values()]
        if any(self.cleared.values()):
            parts.append("  cleared: " + ", ".join(f"{k} {v}" for k, v in self.cleared.items()))
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.summary()


def apply_bundle(
    store: Store,
    path: str | os.PathLike[str],
    *,
    scope: Scope | str = "default",
    policy: BadRowPolicy | str = BadRowPolicy.QUARANTINE,
    batch_size: int | None = None,
    today: date | None = None,
    parallel: bool | None = None,
    progress=None,
) -> BundleReport:
    """Apply a monthly or weekly bundle (zip or folder) in order; see the module docstring."""
    bundle = open_bundle(path)
    scope = Scope.parse(scope)
    for kind in ORDER:  # every header before any write
        where, member = bundle.locate(kind)
        opener = MainFile if kind == MAIN else FILE_CLASSES[kind]
        with opener(where, member):
            pass
    check_order(store, bundle.files[MAIN])
    main_path, main_member = bundle.locate(MAIN)
    if bundle.is_zip:  # a damaged member is refused now, not after half of it was written
        for kind in ORDER:
            where, member = bundle.locate(kind)
            if member is not None and (kind != MAIN or scope.codes is None):  # the linked-scope pass reads it anyway
                verify_member(where, member)
    weekly_npis = _npis_of_main(main_path, main_member) if bundle.weekly else []
    load_scope = linked_scope(scope, main_path, main_member)  # ingest_nppes adds the NPIs the store holds
    result = BundleReport(bundle.path.name, bundle.weekly, f"{bundle.period.start}..{bundle.period.end}")
    log.info("applying %s bundle %s", "weekly" if bundle.weekly else "monthly", bundle.path.name)
    result.reports[MAIN] = ingest_nppes(
        store,
        main_path,
        member=main_member,
        scope=load_scope,
        policy=policy,
        batch_size=batch_size,
        today=today,
        parallel=parallel,
        progress=progress,
    )
    for kind in (PL, OTHERNAME, ENDPOINT):
        where, member = bundle.locate(kind)
        result.reports[kind] = load_reference_file(
            store, kind, where, member=member, policy=policy, batch_size=batch_size
        )
    for kind in (PL, OTHERNAME):  # what the files no longer list is gone
        where, member = bundle.locate(kind)
        if bundle.weekly:  # only for the NPIs the week updated
            result.cleared[kind] = _clear_unlisted(store, kind, weekly_npis, where, member)
        else:  # a full file: every fact of the source from an earlier file
            result.cleared[kind] = store.sweep_secondary_facts(KINDS[kind].source, result.reports[kind].file)
    return result


def verify_member(path: Path, member: str) -> None:
    """Read a zip member through once, so its CRC-32 is checked (SourceFormatError if damaged)."""
    with open_member(path, member) as stream:
        while stream.read(1 << 20):
            pass


def _npis_of_main(path: Path, member: str | None) -> list[str]:
    npis = []
    with MainFile(path, member) as main:
        at, entity_at = main.columns.npi, main.columns.entity_type
        for row in main.rows():
            fields = row.fields
            if row.problem is None and fields is not None and fields[entity_at]:
                npis.append(fields[at].strip())
    return npis


def _clear_unlisted(store: Store, kind: str, main_npis: list[str], path: Path, member: str | None) -> int:
    """Empty the ``kind`` facts of the NPIs a weekly main file updated but its
    reference file does not list; returns how many NPIs had some."""
    listed: set[str] = set()
    with FILE_CLASSES[kind](path, member) as ref:
        for row in ref.rows():
            if row.problem is None and row.fields is not None:
                try:
                    listed.add(row_npi(row.fields))
                except RowRejected:
                    continue
    source = KINDS[kind].source
    unlisted = sorted(set(main_npis) - listed)
    read = store.locations_for if kind == PL else store.other_names_for
    cleared = 0
    for i in range(0, len(unlisted), _LOOKUP):
        chunk = unlisted[i : i + _LOOKUP]
        stale = [npi for npi, facts in read(chunk).items() if any(f.evidence.source == source for f in facts)]
        if stale:
            write = store.replace_secondary_locations if kind == PL else store.replace_other_names
            cleared += write({npi: [] for npi in stale}, source)
    return cleared


def apply_weeklies(store: Store, paths: list[str | os.PathLike[str]], **options) -> list[BundleReport]:
    """Apply several weekly bundles in date order (of their main files' periods)."""
    bundles = sorted((open_bundle(p) for p in paths), key=lambda b: (b.period.end, b.period.start))
    for b in bundles:
        if not b.weekly:
            raise SourceFormatError(f"{b.path.name} is a monthly bundle, not a weekly one: use `ingest bundle`")
    return [apply_bundle(store, b.path, **options) for b in bundles]
