"""`provnet outcomes NPI...`: the outcome aggregates of providers as they may
be shown, one JSON object per period: a cell of fewer than 11 patients with
every figure null and ``suppressed`` true (``directory.services.outcomes``)."""

from __future__ import annotations

import argparse
import json
import sys

from .common import store_of


def cmd_outcomes(args: argparse.Namespace) -> int:
    from directory.services.outcomes import outcomes_shown

    with store_of(args) as store:
        found = outcomes_shown(store, args.npis)
    periods = 0
    for npi in args.npis:
        for cell in found.get(npi, ()):
            periods += 1
            instrument = cell.alliance_instrument
            print(
                json.dumps(
                    {
                        "npi": cell.npi,
                        "period_start": cell.period_start.isoformat(),
                        "period_end": cell.period_end.isoformat(),
                        "suppressed": cell.suppressed,
                        "reason": cell.reason,
                        "patients": cell.patients,
                        "phq9_baseline_mean": cell.phq9_baseline_mean,
                        "phq9_latest_mean": cell.phq9_latest_mean,
                        "phq9_response_rate": cell.phq9_response_rate,
                        "phq9_remission_rate": cell.phq9_remission_rate,
                        "gad7_change_mean": cell.gad7_change_mean,
                        "alliance_instrument": None if instrument is None else instrument.value,
                        "alliance_mean": cell.alliance_mean,
                        "dropout_rate": cell.dropout_rate,
                        "source": cell.evidence.source,
                        "retrieved": cell.evidence.retrieved.isoformat(),
                        "reference": cell.evidence.reference,
                    },
                    sort_keys=True,
                )
            )
    print(f"{periods} period(s)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outcomes", help="outcome aggregates of providers (small cells withheld), as JSON lines")
    p.add_argument("npis", nargs="+", metavar="NPI")
    p.set_defaults(func=cmd_outcomes)
