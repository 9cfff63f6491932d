"""Who is calling and what they may read and do: every access rule of the API lives here.

Callers present ``Authorization: Bearer <key>``. Keys are **stored API keys**
(``pvn_<key id>_<secret>``, created with `provnet token create`, kept hashed in
the store, with a role, a tenant, an expiry and revocation: see
:mod:`directory.services.api_keys`) or, for development only, the tokens of the
``auth_tokens`` setting (``PROVNET_AUTH_TOKENS``, ``token=role[:tenant]``
separated by commas), which ``create_app`` warns about and refuses on an address
other than loopback unless ``PROVNET_ALLOW_ENV_TOKENS`` says so.

A request without a token is an anonymous navigator when
``PROVNET_ALLOW_ANONYMOUS`` says so, or when no credential exists at all (no
token configured and no active key in the store) on a server that is local
(loopback); otherwise it gets 401. ``create_app`` refuses to serve an address
other than loopback with no credential unless anonymous access is allowed. A
token that is sent is always checked: a bad one gets 401 wherever anonymous
requests are let in.

Roles: a *navigator* searches and reads the public directory; an *employer*
curates the vetted networks its tenant owns; a *payer* curates its own payer
networks; an *admin* does everything, including the entity-resolution review
queue.

**Public directory data** (every caller, anonymous included): providers and
every fact about them (names, locations, taxonomies, credentials, treatments,
access facts, affiliations, exclusions, their evidence, vetting and TRD
expertise); payers; plans; payer networks (id, name, kind, owner) and which
payer networks a provider is in (``Provider.networks``, ``Plan.networks``, the
``networkId`` and ``planId`` search filters).

**Tenant-owned data**, and who may read it:

* an employer network: its existence, name and members, wherever it would
  show (lists, ``network(id:)``, a provider's or a plan's networks, the search
  filter, mutations): the employer that owns it, and admins;
* a network's member list with its evidence (who added each member, when, and
  their notes), ``networkMembers`` and ``Network.members``: the tenant that
  owns the network (the payer of a payer network, the employer of an employer
  network), and admins;
* a network's vetting (``Network.vettingCriteria``, ``Network.memberVetting``,
  ``vettingHistory``, ``setVettingCriteria``): the tenant that owns the network,
  and admins; the default criteria (``defaultVettingCriteria``) and each
  provider's general vetting and fact status are public, but a provider's
  network-membership facts (``Provider.factStatus``) show only for networks
  whose member list the caller may read;
* a network's curation: its regions, history, candidates, what changed since
  its last review, its members' decisions, notes and statuses, the CSV export
  of its members, and the payer reports (members by specialty and county,
  stale or contradicted listings, directory accuracy): the tenant that owns
  the network, and admins (an employer network stays invisible to anyone
  else; a payer network's owner data is FORBIDDEN to anyone else);
* the benefit gap audit (``benefitGapAudit``): an employer for the plans it
  offers and its own networks, a payer for its own plans and networks, admins
  for any; navigators none;
* which employers use provnet (``employers``), and the plans each offers:
  each employer itself, and admins;
* the review queue and match decisions (``reviewQueue``, ``matchesFor``,
  ``decideMatch``): admins.

A network may be changed by the tenant that owns it (with the role of its kind)
and by admins. An employer creates employer networks for its own tenant, a
payer payer networks for its own; an admin creates either for any owner.

Guessed ids: a network the caller may not know exists looks **exactly like a
missing id**: ``network(id:)`` is null, and everything else says
``NOT_FOUND: no network '<id>'`` with the same message a missing id gets. A
tenant-owned field of public data (the member list of a payer network) and an
admin-only operation are refused with ``FORBIDDEN`` whatever the id: the
refusal comes before any lookup, or concerns an object whose existence is
public anyway, so it tells the caller nothing new.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from directory.errors import AccessDenied, ConfigurationError, NotFound
from directory.model import Employer, Network, NetworkKind, Plan, Role
from directory.services import api_keys
from directory.services.api_keys import KeyVerifier, Verdict

from .arguments import quote

log = logging.getLogger(__name__)


#: Roles that act for a tenant and so need one in their token.
_TENANT_ROLES = {Role.EMPLOYER: NetworkKind.EMPLOYER, Role.PAYER: NetworkKind.PAYER}


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    tenant: str | None = None
    key_id: str | None = field(default=None, compare=False)  # the stored API key it presented, if any

    @property
    def label(self) -> str:
        """How the caller is named in the evidence of facts it writes."""
        return self.role.value if self.tenant is None else f"{self.role.value}:{self.tenant}"


ANONYMOUS = Principal(Role.NAVIGATOR)


class Unauthenticated(Exception):
    """The request carried a bad token, or none where one is needed."""


def parse_tokens(text: str | None) -> dict[str, Principal]:
    """``tok1=admin,tok2=employer:acme`` -> {token: Principal}; ConfigurationError if malformed."""
    tokens: dict[str, Principal] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        token, sep, grant = item.partition("=")
        role_text, _, tenant_text = grant.strip().partition(":")
        try:
            role = Role(role_text.strip().lower())
        except ValueError:
            role = None
        if not sep or not token.strip() or role is None:
            raise ConfigurationError(
                "PROVNET_AUTH_TOKENS entries must look like token=role[:tenant] with role one of "
                + ", ".join(r.value for r in Role)
            )
        tenant = tenant_text.strip() or None
        if api_keys.looks_like_key(token.strip()):
            raise ConfigurationError(
                f"PROVNET_AUTH_TOKENS: a token may not start with {api_keys.PREFIX}, the prefix of stored API keys"
            )
        if role in _TENANT_ROLES and tenant is None:
            raise ConfigurationError(
                f"PROVNET_AUTH_TOKENS: role {role.value} needs a tenant: token={role.value}:<tenant id>"
            )
        tokens[token.strip()] = Principal(role, tenant if role in _TENANT_ROLES else None)
    return tokens


def is_loopback(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: only this machine can connect."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # any other host name may resolve to a public address


def require_safe_exposure(
    host: str, *, env_tokens: bool, stored_keys: bool, allow_anonymous: bool, allow_env_tokens: bool
) -> None:
    """ConfigurationError when serving ``host``, an address other than loopback,
    would rest on development tokens, or let anyone in (no credential at all),
    and neither is allowed explicitly."""
    if is_loopback(host):
        return
    if env_tokens and not allow_env_tokens:
        raise ConfigurationError(
            f"refusing to serve on {host} with PROVNET_AUTH_TOKENS, which are for development only (shared secrets "
            "without expiry, revocation or hashing): create API keys with `provnet token create` and unset "
            "PROVNET_AUTH_TOKENS, or set PROVNET_ALLOW_ENV_TOKENS=1"
        )
    if not (env_tokens or stored_keys or allow_anonymous):
        raise ConfigurationError(
            f"refusing to serve on {host} without API keys (anyone who can reach it would be let in): create one "
            "with `provnet token create --role admin`, or set PROVNET_ALLOW_ANONYMOUS=1 to allow anonymous read access"
        )


#: Seconds between two warnings about one revoked or expired key being used.
_WARN_EVERY = 60.0
_NO_TOKEN = "missing bearer token: send `Authorization: Bearer <key>`"


class Authenticator:
    """Maps an Authorization header to a Principal (see the module docstring).

    :meth:`quick` answers without reading the store (a key seen in the last
    ``api_key_cache_seconds``, a development token, no token) or says it needs
    to; :meth:`authenticate` may read the store, so the app runs it in a worker
    thread. ``open_when_empty``: the server is local, so with no credential at
    all a request without a token is anonymous."""

    def __init__(
        self,
        tokens: dict[str, Principal],
        keys: KeyVerifier | None = None,
        *,
        allow_anonymous: bool = False,
        open_when_empty: bool = True,
    ):
        self._tokens = tokens
        self._keys = keys
        self._allow_anonymous = allow_anonymous
        self._open_when_empty = open_when_empty
        self._warned: dict[str, float] = {}

    def credentials_exist(self, *, may_read: bool = True) -> bool | None:
        """Whether any token or active stored key exists (None: that needs a store read)."""
        if self._tokens:
            return True
        if self._keys is None:
            return False
        return self._keys.any_active(may_read=may_read)

    def quick(self, authorization: str | None) -> Principal | None:
        """The caller, or None when finding out needs the store; Unauthenticated if refused."""
        return self._resolve(authorization, may_read=False)

    def authenticate(self, authorization: str | None) -> Principal:
        """The caller, reading the store if need be; Unauthenticated if refused."""
        principal = self._resolve(authorization, may_read=True)
        assert principal is not None  # only a resolution that may not read returns None
        return principal

    def _resolve(self, authorization: str | None, *, may_read: bool) -> Principal | None:
        header = (authorization or "").strip()
        if not header:
            if self._allow_anonymous:
                return ANONYMOUS
            if self._open_when_empty:
                exist = self.credentials_exist(may_read=may_read)
                if exist is None:
                    return None
                if not exist:
                    return ANONYMOUS
            raise Unauthenticated(_NO_TOKEN)
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(_NO_TOKEN)
        if api_keys.looks_like_key(token):
            return self._stored(token, may_read)
        found = None
        for known, principal in self._tokens.items():  # compare every token in constant time
            if hmac.compare_digest(known.encode(), token.encode()):
                found = principal
        if found is None:
            raise Unauthenticated("invalid token")
        return found

    def _stored(self, token: str, may_read: bool) -> Principal | None:
        if self._keys is None:
            raise Unauthenticated("invalid token")
        checked = self._keys.verify(token, may_read=may_read)
        if checked is None:
            return None
        key = checked.key
        if checked.verdict is Verdict.OK and key is not None:
            self._keys.note_use(key.key_id)
            return Principal(key.role, key.tenant, key_id=key.key_id)
        if key is not None:  # the secret was right: the key is revoked or expired
            now = time.monotonic()
            if now - self._warned.get(key.key_id, -_WARN_EVERY) >= _WARN_EVERY:
                self._warned[key.key_id] = now
                log.warning("refused %s API key %s (%s)", checked.verdict.value, key.key_id, key.label or "no label")
            raise Unauthenticated(f"API key {checked.verdict.value}: ask an admin for a new one")
        raise Unauthenticated("invalid token")


# ----------------------------------------------------------------- the rules
def _owns(principal: Principal, network: Network) -> bool:
    """The tenant of the network's kind that owns it."""
    return _TENANT_ROLES.get(principal.role) is network.kind and principal.tenant == network.owner_id


def can_see_network(principal: Principal, network: Network) -> bool:
    """Whether the network exists for the caller: payer networks are public, an
    employer network is its owner's and admins'."""
    return principal.role is Role.ADMIN or network.kind is NetworkKind.PAYER or _owns(principal, network)


def can_read_members(principal: Principal, network: Network) -> bool:
    """A member list, with its evidence and notes, is the owning tenant's and admins'."""
    return principal.role is Role.ADMIN or _owns(principal, network)


def can_read_vetting(principal: Principal, network: Network) -> bool:
    """A network's criteria and its members' vetting are the owning tenant's and admins'."""
    return principal.role is Role.ADMIN or _owns(principal, network)


def can_manage_network(principal: Principal, network: Network) -> bool:
    return principal.role is Role.ADMIN or _owns(principal, network)


def can_change_networks(principal: Principal) -> bool:
    """Roles that curate networks at all (which ones: :func:`can_manage_network`)."""
    return principal.role is not Role.NAVIGATOR


def can_read_curation(principal: Principal, network: Network) -> bool:
    """A network's regions, history, candidates, reviews, export and reports: the owning tenant's and admins'."""
    return principal.role is Role.ADMIN or _owns(principal, network)


def require_curation(principal: Principal, network: Network, what: str) -> None:
    if not can_read_curation(principal, network):
        raise AccessDenied(f"{principal.label} may not read the {what} of network {network.id!r}")


def new_network_owner(principal: Principal, kind: NetworkKind | None, owner_id: str | None) -> tuple[NetworkKind, str]:
    """The kind and owner of a network the caller creates: its own tenant's, of
    its role's kind (an admin names both). AccessDenied otherwise."""
    if principal.role is Role.ADMIN:
        if kind is None or not owner_id:
            raise AccessDenied("an admin creating a network names its kind and ownerId")
        return kind, owner_id
    own = _TENANT_ROLES.get(principal.role)
    if own is None or principal.tenant is None:
        raise AccessDenied(f"{principal.label} may not create networks")
    if (kind is not None and kind is not own) or (owner_id and owner_id != principal.tenant):
        raise AccessDenied(f"{principal.label} creates {own.value} networks of its own tenant only")
    return own, principal.tenant


def can_audit_plan(principal: Principal, plan: Plan, employers: Iterable[Employer]) -> bool:
    """A plan's benefit gap audit: the employers that offer it, the payer that owns it, admins."""
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.PAYER:
        return principal.tenant == plan.payer_id
    if principal.role is Role.EMPLOYER:
        return any(e.id == principal.tenant and plan.id in e.plan_ids for e in employers)
    return False


def can_see_employer(principal: Principal, employer_id: str) -> bool:
    """Which employers use provnet is their business: owners and admins only."""
    return principal.role is Role.ADMIN or (principal.role is Role.EMPLOYER and principal.tenant == employer_id)


def is_admin(principal: Principal) -> bool:
    return principal.role is Role.ADMIN


def visible_networks(principal: Principal, networks: Iterable[Network]) -> list[Network]:
    return [n for n in networks if can_see_network(principal, n)]


def visible_network(principal: Principal, network: Network | None, asked: str) -> Network:
    """``network``, or NotFound with the same message whether ``asked`` is missing
    or names a network the caller may not know exists."""
    if network is None or not can_see_network(principal, network):
        raise NotFound(f"no network {quote(asked)}")
    return network


def require_members(principal: Principal, network: Network) -> None:
    if not can_read_members(principal, network):
        raise AccessDenied(f"{principal.label} may not read the members of network {network.id!r}")


def require_vetting(principal: Principal, network: Network) -> None:
    if not can_read_vetting(principal, network):
        raise AccessDenied(f"{principal.label} may not read the vetting of network {network.id!r}")


def require_manage(principal: Principal, network: Network) -> None:
    if not can_manage_network(principal, network):
        raise AccessDenied(f"{principal.label} may not change network {network.id!r}")


def require_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise AccessDenied("only an admin may do this")
