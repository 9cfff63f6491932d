"""`provnet token create|revoke|list`: API keys in the store. The rules (roles,
tenants, expiry, labels, the hash) are in directory.services.api_keys."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from directory.model import ApiKey, Role
from directory.services import api_keys

from .common import store_of


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text[:40]!r}") from None


def _when(value: datetime | None, default: str = "-") -> str:
    return default if value is None else value.isoformat(timespec="seconds").replace("+00:00", "Z")


def cmd_create(args: argparse.Namespace) -> int:
    pepper = api_keys.pepper()
    with store_of(args) as store:
        issued = api_keys.issue(store, args.role, args.tenant, label=args.name, expires=args.expires, pepper=pepper)
    key = issued.key
    grant = key.role.value + (f":{key.tenant}" if key.tenant else "")
    until = f"until {_when(key.expires_at)}" if key.expires_at else "with no expiry"
    print(
        f"created API key {key.key_id} ({grant}) {until}. It is shown this once and cannot be recovered: "
        "store it now; send it as `Authorization: Bearer <key>`.",
        file=sys.stderr,
    )
    print(issued.token)  # stdout carries the key alone, so KEY=$(provnet token create ...) works
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        key = api_keys.revoke(store, args.key_id)
    seconds = api_keys.cache_seconds()
    print(
        f"revoked API key {key.key_id} at {_when(key.revoked_at)}; "
        f"servers refuse it within {seconds:g} s (PROVNET_API_KEY_CACHE_SECONDS)"
    )
    return 0


COLUMNS = ("key_id", "role", "tenant", "label", "created", "expires", "revoked", "last_used", "status")


def _row(key: ApiKey, now: datetime) -> tuple[str, ...]:
    return (
        key.key_id,
        key.role.value,
        key.tenant or "-",
        key.label or "-",
        _when(key.created_at),
        _when(key.expires_at, "never"),
        _when(key.revoked_at),
        _when(key.last_used_at, "never"),
        api_keys.status(key, now),
    )


def cmd_list(args: argparse.Namespace) -> int:
    with store_of(args) as store:
        keys = store.api_keys()
    now = api_keys.utcnow()
    if args.active:
        keys = [k for k in keys if k.is_active(now)]
    print("\t".join(COLUMNS))
    for key in keys:
        print("\t".join(_row(key, now)))
    print(f"{len(keys)} {'active ' if args.active else ''}key(s)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    token = sub.add_parser("token", help="API keys: create, revoke, list").add_subparsers(
        dest="token_command", required=True
    )
    p = token.add_parser("create", help="create an API key and print it (once)")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--tenant", help="the employer or payer id the key acts for (employer and payer keys only)")
    p.add_argument("--name", help=f"a label for the key, at most {api_keys.MAX_LABEL} characters")
    p.add_argument("--expires", type=_day, metavar="YYYY-MM-DD", help="the key stops working at 00:00 UTC that day")
    p.set_defaults(func=cmd_create)

    p = token.add_parser("revoke", help="revoke an API key")
    p.add_argument("key_id", help="the key id `provnet token list` shows")
    p.set_defaults(func=cmd_revoke)

    p = token.add_parser("list", help="every API key: id, grant, label, times, status; never a secret")
    p.add_argument("--active", action="store_true", help="only the keys that work now")
    p.set_defaults(func=cmd_list)
