"""How vetting criteria and results are written down, the same way on every
backend: criteria as the JSON of their documented format, a result's checks
as JSON, every other field a plain value (dates as ISO text)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..model import CheckResult, EvidenceRef, VettingCriteria, VettingRecord, VettingStatus


def criteria_dict(c: VettingCriteria) -> dict[str, Any]:
    """The criteria in their JSON format (see ``directory.services.criteria``)."""
    return {
        "required_checks": list(c.required_checks),
        "accepted_license_statuses": list(c.accepted_license_statuses),
        "required_exclusion_lists": list(c.required_exclusion_lists),
        "min_trd_expertise": c.min_trd_expertise,
        "max_fact_age_days": c.max_fact_age_days,
    }


def criteria_params(c: VettingCriteria) -> dict[str, Any]:
    return {
        "network_id": c.network_id,
        "criteria": json.dumps(criteria_dict(c), sort_keys=True),
        "set_by": c.set_by,
        "set_on": None if c.set_on is None else c.set_on.isoformat(),
    }


def criteria_of(row: dict[str, Any]) -> VettingCriteria:
    """From :func:`criteria_params`' fields, as stored (already validated when set)."""
    data = json.loads(row["criteria"])
    age = data.get("max_fact_age_days")
    return VettingCriteria(
        required_checks=tuple(data["required_checks"]),
        accepted_license_statuses=tuple(data["accepted_license_statuses"]),
        required_exclusion_lists=tuple(data["required_exclusion_lists"]),
        min_trd_expertise=float(data["min_trd_expertise"]),
        max_fact_age_days=None if age is None else int(age),
        network_id=row["network_id"],
        set_by=row.get("set_by") or "",
        set_on=None if not row.get("set_on") else date.fromisoformat(row["set_on"]),
    )


def _check(c: CheckResult) -> dict[str, Any]:
    return {
        "name": c.name,
        "status": c.status,
        "required": c.required,
        "reason": c.reason,
        "evidence": [[e.fact, e.source, e.retrieved.isoformat(), e.method, e.confidence] for e in c.evidence],
    }


def result_params(r: VettingRecord, seq: int) -> dict[str, Any]:
    """A result as the row (or node properties) stored at position ``seq`` of its history."""
    return {
        "network_id": r.network_id,
        "npi": r.npi,
        "seq": seq,
        "status": r.status.value,
        "checks": json.dumps([_check(c) for c in r.checks], separators=(",", ":")),
        "fingerprint": r.fingerprint,
        "digest": r.digest,
        "scoring_version": r.scoring_version,
        "judged_on": r.judged_on.isoformat(),
    }


def result_of(row: Any) -> VettingRecord:
    """From :func:`result_params`' fields (a mapping or an sqlite3.Row)."""
    checks = tuple(
        CheckResult(
            c["name"],
            c["status"],
            bool(c["required"]),
            c["reason"],
            tuple(EvidenceRef(f, s, date.fromisoformat(d), m, float(x)) for f, s, d, m, x in c["evidence"]),
        )
        for c in json.loads(row["checks"])
    )
    return VettingRecord(
        network_id=row["network_id"],
        npi=row["npi"],
        status=VettingStatus(row["status"]),
        checks=checks,
        fingerprint=row["fingerprint"],
        digest=row["digest"],
        scoring_version=row["scoring_version"],
        judged_on=date.fromisoformat(row["judged_on"]),
        seq=int(row["seq"]),
    )


def unchanged(stored: VettingRecord | None, new: VettingRecord) -> bool:
    """Whether ``new`` says nothing ``stored`` (the latest stored result) does not."""
    return stored is not None and stored.fingerprint == new.fingerprint and stored.digest == new.digest
