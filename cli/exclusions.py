"""`provnet exclusions match|find|link`: match the stored exclusion-list records
with the directory again (after an NPPES load added providers, a record no one
matched before is linked; certain matches attach, uncertain ones go to review),
find records by name, and link one no rule matched (a person's decision)."""

from __future__ import annotations

import argparse
import sys

from .common import store_of


def cmd_exclusions_match(args: argparse.Namespace) -> int:
    from directory.services.exclusions import relink

    with store_of(args) as store:
        result = relink(store)
    found: dict[str, int] = {}
    for status in result.status.values():
        found[status] = found.get(status, 0) + 1
    print(
        f"{len(result.status):,} record(s): {found.get('attached', 0):,} attached to a provider, "
        f"{found.get('review', 0):,} waiting for review, {found.get('none', 0):,} naming no provider; "
        f"{len(result.changed):,} changed"
    )
    for name, n in sorted(result.counts.items()):
        print(f"  {name} {n:,}", file=sys.stderr)
    return 0


def cmd_exclusions_find(args: argparse.Namespace) -> int:
    from directory.services.exclusions import find_records

    with store_of(args) as store:
        found = find_records(store, args.words, state=args.state, limit=args.limit)
    for record, decisions in found:
        name = record.business_name or " ".join(
            p for p in (record.first_name, record.middle_name, record.last_name) if p
        )
        linked = ", ".join(f"{d.right} {d.status.value}" for d in decisions) or "no match"
        reinstated = f" reinstated {record.reinstated_on}" if record.reinstated_on else ""
        print(
            f"{record.key}\t{name}\t{record.state or '-'}\t{record.exclusion_type} {record.excluded_on}{reinstated}"
            f"\t{linked}"
        )
    print(f"{len(found)} record(s)", file=sys.stderr)
    return 0


def cmd_exclusions_link(args: argparse.Namespace) -> int:
    from directory.services.exclusions import link_by_person

    with store_of(args) as store:
        decided = link_by_person(store, args.key, args.npi, args.by)
    print(f"{decided.match_id}: {decided.left} ~ {decided.right} {decided.status.value} by {decided.decided_by}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    group = sub.add_parser("exclusions", help="exclusion-list records (OIG LEIE)").add_subparsers(
        dest="exclusions_command", required=True
    )
    p = group.add_parser("match", help="match every stored exclusion record with the directory again")
    p.set_defaults(func=cmd_exclusions_match)
    p = group.add_parser("find", help="stored exclusion records whose names hold every word, with their matches")
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("--state", help="only records of this state")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_exclusions_find)
    p = group.add_parser(
        "link", help="link a record no rule matched to a provider (a person's merge; undo with review)"
    )
    p.add_argument("key", help="the record's key (see find)")
    p.add_argument("npi")
    p.add_argument("--by", required=True, help="who decided (kept with the decision)")
    p.set_defaults(func=cmd_exclusions_link)
