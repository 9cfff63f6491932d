"""`provnet vetting`: vetting criteria per network, and each member's status
under them (verified, needs review, failed), recorded with history. The rules
are ``directory.services.network_vetting``'s and ``criteria``'s."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from directory.errors import InputError
from directory.model import VettingRecord
from directory.npi import is_valid_npi
from directory.services import criteria as crit
from directory.services import network_vetting as service

from .common import store_of


def _today(args: argparse.Namespace) -> date:
    if not args.today:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(args.today)
    except ValueError as exc:
        raise InputError(f"--today must be a date like 2026-12-01, got {args.today!r}") from exc


def record_dict(r: VettingRecord | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "status": r.status.value,
        "judged_on": r.judged_on.isoformat(),
        "seq": r.seq,
        "scoring_version": r.scoring_version,
        "fingerprint": r.fingerprint,
        "checks": [
            {
                "name": c.name,
                "status": c.status,
                "required": c.required,
                "reason": c.reason,
                "evidence": [
                    {"fact": e.fact, "source": e.source, "retrieved": e.retrieved.isoformat(), "method": e.method}
                    for e in c.evidence
                ],
            }
            for c in r.checks
        ],
    }


def cmd_refresh(args: argparse.Namespace) -> int:
    npis = _npis(args.npi)
    with store_of(args) as store:
        report = service.refresh(store, npis, _today(args), network_id=args.network)
    print(report.summary())
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    (npi,) = _npis([args.npi]) or [""]
    today = _today(args)
    with store_of(args) as store:
        criteria = crit.criteria_of(store, args.network)
        found = service.network_vetting(store, args.network, [npi], today)
        out: dict[str, Any] = {
            "network": args.network,
            "npi": npi,
            "member": npi in found,
            "criteria": {**crit.as_dict(criteria), "default": not criteria.network_id},
        }
        if npi in found:  # a member: its current result, recorded when it changed
            m = found[npi]
            out["current"], out["previous"] = record_dict(m.current), record_dict(m.previous)
            out["recorded_now"] = m.recorded
            out["changes"] = [{"check": c.check, "before": c.before, "after": c.after, "reason": c.reason}
                              for c in m.changes]  # fmt: skip
            out["history"] = [
                {"seq": r.seq, "status": r.status.value, "judged_on": r.judged_on.isoformat()}
                for r in service.history(store, args.network, npi, args.history)
            ]
        else:  # not a member: judged as a candidate, nothing recorded
            judged = service.candidates(store, args.network, [npi], today)
            if npi not in judged:
                raise InputError(f"no provider with NPI {npi} in the store")
            out["current"] = record_dict(judged[npi])
    print(json.dumps(out, indent=2))
    return 0


def cmd_criteria(args: argparse.Namespace) -> int:
    network = args.network or None
    with store_of(args) as store:
        if args.set:
            try:
                data = json.loads(Path(args.set).read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise InputError(f"{args.set}: not JSON ({exc})") from exc
            criteria, report = service.set_criteria(store, network, data, actor=args.by, today=_today(args))
            print(report.summary(), file=sys.stderr)
        else:
            criteria = crit.criteria_of(store, network)
    print(json.dumps({**crit.as_dict(criteria), "default": not criteria.network_id}, indent=2))
    return 0


def _npis(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    cleaned = [v.strip() for v in values]
    bad = [v for v in cleaned if not is_valid_npi(v)]
    if bad:
        raise InputError(f"{bad[0][:20]!r} is not a valid NPI")
    return cleaned


def register(sub: argparse._SubParsersAction) -> None:
    vetting = sub.add_parser(
        "vetting", help="vetting criteria per network and each member's status (verified, needs review, failed)"
    ).add_subparsers(dest="vetting_command", required=True)
    today = {"help": "judge as of this date (YYYY-MM-DD; default: today)"}

    p = vetting.add_parser(
        "refresh",
        help="judge the members of vetted networks again from the evidence held; record the results that changed",
    )
    p.add_argument("--network", help="one network (default: every employer network and network with criteria)")
    p.add_argument("--npi", action="append", help="only these providers (repeatable)")
    p.add_argument("--today", **today)
    p.set_defaults(func=cmd_refresh)

    p = vetting.add_parser("show", help="a provider's vetting for a network, with the reasons, evidence and changes")
    p.add_argument("--network", required=True, help="network id")
    p.add_argument("--npi", required=True, help="the provider's NPI")
    p.add_argument("--history", type=int, default=10, help="how many recorded results to list (default 10)")
    p.add_argument("--today", **today)
    p.set_defaults(func=cmd_show)

    p = vetting.add_parser("criteria", help="show or set a network's vetting criteria (or the default criteria)")
    p.add_argument("--network", help="network id (default: the default criteria)")
    p.add_argument("--set", metavar="FILE", help="set them from a JSON file (see the README for the format)")
    p.add_argument("--by", default="cli", help="who sets them, kept with them (default: cli)")
    p.add_argument("--today", **today)
    p.set_defaults(func=cmd_criteria)
