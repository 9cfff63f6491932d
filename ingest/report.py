"""The account of one ingest run: what was read and where each row went.

Every row read ends in exactly one of loaded, filtered or quarantined, so
``read == loaded + filtered + quarantined`` always holds (:meth:`check`).
Warnings (a dropped taxonomy slot) are counted apart: their rows are loaded.
``details`` holds a source's own tallies (the catalog's per-section counts);
like every count here they are kept with checkpoints, so a resumed run
reports them whole.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

#: Keys of the flat counts dict kept in run checkpoints.
READ, INSERTED, UPDATED, UNCHANGED, CARRIED_OVER = "read", "inserted", "updated", "unchanged", "carried_over"
FILTERED_PREFIX, QUARANTINED_PREFIX, WARNING_PREFIX = "filtered.", "quarantined.", "warnings."
DETAIL_PREFIX = "details."


@dataclass(slots=True)
class IngestReport:
    run_id: str
    source: str
    file: str
    file_date: str
    scope: str
    policy: str
    status: str = "running"  # running, completed, failed
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Rows committed by an interrupted earlier attempt of this run in its last
    #: batch, whose inserted/updated split was not recorded before the crash.
    carried_over: int = 0
    filtered: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    details: dict[str, int] = field(default_factory=dict)
    resumed_from_line: int = 0
    elapsed_seconds: float = 0.0

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.carried_over

    @property
    def filtered_total(self) -> int:
        return sum(self.filtered.values())

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    @property
    def rows_per_second(self) -> float:
        return round(self.read / self.elapsed_seconds, 1) if self.elapsed_seconds > 0 else 0.0

    def check(self) -> None:
        """Raise AssertionError unless every row read is accounted for once."""
        accounted = self.loaded + self.filtered_total + self.quarantined_total
        if self.read != accounted:
            raise AssertionError(
                f"ingest report does not add up: read {self.read} != loaded {self.loaded} "
                f"+ filtered {self.filtered_total} + quarantined {self.quarantined_total}"
            )

    def counts(self) -> dict[str, int]:
        """Flat counts, as stored with run checkpoints."""
        flat = {
            READ: self.read,
            INSERTED: self.inserted,
            UPDATED: self.updated,
            UNCHANGED: self.unchanged,
            CARRIED_OVER: self.carried_over,
        }
        flat.update({FILTERED_PREFIX + k: v for k, v in self.filtered.items()})
        flat.update({QUARANTINED_PREFIX + k: v for k, v in self.quarantined.items()})
        flat.update({WARNING_PREFIX + k: v for k, v in self.warnings.items()})
        flat.update({DETAIL_PREFIX + k: v for k, v in self.details.items()})
        return flat

    def restore(self, counts: dict[str, int]) -> None:
        """Take over the counts of a checkpoint (resuming a run)."""
        self.read = counts.get(READ, 0)
        self.inserted = counts.get(INSERTED, 0)
        self.updated = counts.get(UPDATED, 0)
        self.unchanged = counts.get(UNCHANGED, 0)
        self.carried_over = counts.get(CARRIED_OVER, 0)
        for prefix, target in (
            (FILTERED_PREFIX, self.filtered),
            (QUARANTINED_PREFIX, self.quarantined),
            (WARNING_PREFIX, self.warnings),
            (DETAIL_PREFIX, self.details),
        ):
            target.clear()
            target.update({k[len(prefix) :]: v for k, v in counts.items() if k.startswith(prefix)})

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(
            loaded=self.loaded,
            filtered_total=self.filtered_total,
            quarantined_total=self.quarantined_total,
            rows_per_second=self.rows_per_second,
            elapsed_seconds=round(self.elapsed_seconds, 3),
        )
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    def summary(self) -> str:
        """Several lines for a person: counts by reason, time and speed."""
        return str(self)

    def __str__(self) -> str:
        def by_reason(counts: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"

        lines = [
            f"{self.source} {self.file} ({self.file_date}): {self.status}, run {self.run_id}",
            f"  read        {self.read:>10,}",
            f"  loaded      {self.loaded:>10,}  (inserted {self.inserted:,}, updated {self.updated:,}, "
            f"unchanged {self.unchanged:,}" + (f", carried over {self.carried_over:,})" if self.carried_over else ")"),
            f"  filtered    {self.filtered_total:>10,}  ({by_reason(self.filtered)}; scope {self.scope})",
            f"  quarantined {self.quarantined_total:>10,}  ({by_reason(self.quarantined)}; policy {self.policy})",
        ]
        if self.warnings:
            lines.append(f"  warnings    {sum(self.warnings.values()):>10,}  ({by_reason(self.warnings)})")
        if self.details:
            lines.append(f"  details     {by_reason(self.details)}")
        if self.resumed_from_line:
            lines.append(f"  resumed after line {self.resumed_from_line:,}")
        lines.append(f"  {self.elapsed_seconds:.1f} s, {self.rows_per_second:,.0f} rows/s")
        return "\n".join(lines)
