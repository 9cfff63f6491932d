"""`provnet token create|list|revoke` as an operator runs it: the real console
script on a store on disk. The key is printed once, on stdout alone; nothing
else (stderr, debug logs, the list, the store file) ever shows its secret."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from directory.model import Employer, Payer, Role
from directory.services import api_keys
from directory.store import open_store

PROVNET = shutil.which("provnet", path=str(Path(sys.executable).parent)) or "provnet"


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with open_store(url) as store:
        store.upsert_employers([Employer("acme", "Acme Corp")])
        store.upsert_payers([Payer("northwind", "Northwind Health")])
    return url


def provnet(url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PROVNET_")}
    environ.update(PROVNET_STORE=url, **env)
    return subprocess.run([PROVNET, *args], capture_output=True, text=True, env=environ, timeout=120)


def test_create_prints_the_key_once_and_list_never_shows_a_secret(url, tmp_path):
    made = provnet(url, "-v", "token", "create", "--role", "employer", "--tenant", "acme", "--name", "HR portal")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert made.stdout == token + "\n"  # stdout carries the key alone
    key_id, secret = api_keys.parse(token)
    assert f"created API key {key_id} (employer:acme) with no expiry" in made.stderr
    assert "shown this once" in made.stderr
    assert secret not in made.stderr  # debug logging on: still not there

    admin = provnet(url, "token", "create", "--role", "admin", "--expires", "2099-12-31")
    assert admin.returncode == 0, admin.stderr
    admin_id, admin_secret = api_keys.parse(admin.stdout.strip())
    assert f"({'admin'}) until 2099-12-31T00:00:00Z" in admin.stderr

    listed = provnet(url, "-v", "token", "list")
    assert listed.returncode == 0, listed.stderr
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert lines[0] == ["key_id", "role", "tenant", "label", "created", "expires", "revoked", "last_used", "status"]
    rows = {row[0]: row for row in lines[1:]}
    assert set(rows) == {key_id, admin_id}
    assert rows[key_id][1:4] == ["employer", "acme", "HR portal"]
    assert rows[key_id][5:] == ["never", "-", "never", "active"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[key_id][4])
    assert rows[admin_id][1:4] == ["admin", "-", "-"] and rows[admin_id][5] == "2099-12-31T00:00:00Z"
    for output in (listed.stdout, listed.stderr):
        assert secret not in output and admin_secret not in output
    db = Path(url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    assert secret.encode() not in raw and admin_secret.encode() not in raw


def test_revoke_then_list_shows_it_revoked(url):
    token = provnet(url, "token", "create", "--role", "payer", "--tenant", "northwind").stdout.strip()
    key_id, secret = api_keys.parse(token)
    revoked = provnet(url, "token", "revoke", key_id, PROVNET_API_KEY_CACHE_SECONDS="2")
    assert revoked.returncode == 0, revoked.stderr
    assert re.fullmatch(
        rf"revoked API key {key_id} at \S+Z; servers refuse it within 2 s \(PROVNET_API_KEY_CACHE_SECONDS\)\n",
        revoked.stdout,
    )
    listed = provnet(url, "token", "list").stdout
    (row,) = [line.split("\t") for line in listed.splitlines() if line.startswith(key_id)]
    assert row[6] != "-" and row[8] == "revoked"
    assert provnet(url, "token", "list", "--active").stdout.splitlines()[1:] == []
    with open_store(url) as store:
        assert store.api_key(key_id).revoked_at is not None
    again = provnet(url, "token", "revoke", key_id)  # idempotent: keeps the first time
    assert again.returncode == 0 and row[6].replace("Z", "") in again.stdout.replace("Z", "")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "employer"], "an employer key needs a tenant"),
        (["--role", "admin", "--tenant", "acme"], "an admin key acts for no tenant"),
        (["--role", "payer", "--tenant", "acme"], "no payer 'acme' in the directory"),
        (["--role", "admin", "--expires", "2001-01-01"], "the expiry date must be after today"),
        (["--role", "admin", "--expires", "next week"], "expected a date as YYYY-MM-DD"),
        (["--role", "admin", "--name", "x" * 101], "a label is at most 100 printable characters"),
        (["--role", "root"], "invalid choice: 'root'"),
    ],
)
def test_create_refuses_what_the_rules_refuse(url, args, message):
    refused = provnet(url, "token", "create", *args)
    assert refused.returncode == 2, refused.stderr
    assert message in refused.stderr and refused.stdout == ""
    assert "Traceback" not in refused.stderr
    with open_store(url) as store:
        assert store.api_keys() == []


def test_revoke_of_an_unknown_or_malformed_id_fails_cleanly(url):
    unknown = provnet(url, "token", "revoke", "0123456789abcdef")
    assert unknown.returncode == 2 and "no API key '0123456789abcdef'" in unknown.stderr
    pasted = "s3cr3t-" + "z" * 40  # someone pastes a secret where the id goes: it is not repeated
    malformed = provnet(url, "token", "revoke", pasted)
    assert malformed.returncode == 2 and "not an API key id" in malformed.stderr
    assert pasted not in malformed.stderr


def test_with_a_pepper_in_the_environment_keys_are_hmac_hashed(url):
    pepper = "x" * 48
    made = provnet(url, "token", "create", "--role", "admin", PROVNET_API_KEY_PEPPER=pepper)
    assert made.returncode == 0, made.stderr
    key_id, secret = api_keys.parse(made.stdout.strip())
    with open_store(url) as store:
        stored = store.api_key(key_id)
    assert stored.secret_hash == api_keys.digest(key_id, Role.ADMIN, None, None, secret, pepper.encode())
    short = provnet(url, "token", "create", "--role", "admin", PROVNET_API_KEY_PEPPER="short-pepper")
    assert short.returncode == 2 and "at least 32 characters" in short.stderr and "short-pepper" not in short.stderr
