"""Who is calling and what they may read and do: every access rule of the API lives here.

Tokens come only from the ``auth_tokens`` setting (``PROVNET_AUTH_TOKENS``,
``token=role[:tenant]`` separated by commas) and arrive as
``Authorization: Bearer <token>``. With no tokens configured every request is an
anonymous navigator, which suits local use only: ``create_app`` refuses a
non-loopback address without tokens unless ``PROVNET_ALLOW_ANONYMOUS`` says so.

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
* which employers use provnet (``employers``): each employer itself, and admins;
* the review queue and match decisions (``reviewQueue``, ``matchesFor``,
  ``decideMatch``): admins.

A network may be changed by the tenant that owns it (with the role of its kind)
and by admins.

Guessed ids: a network the caller may not know exists looks **exactly like a
missing id**: ``network(id:)`` is null, and everything else says
``NOT_FOUND: no network '<id>'`` with the same message a missing id gets. A
tenant-owned field of public data (the member list of a payer network) and an
admin-only operation are refused with ``FORBIDDEN`` whatever the id: the
refusal comes before any lookup, or concerns an object whose existence is
public anyway, so it tells the caller nothing new.
"""

from __future__ import annotations

import enum
import hmac
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from directory.errors import AccessDenied, ConfigurationError, NotFound
from directory.model import Network, NetworkKind

from .arguments import quote

log = logging.getLogger(__name__)


class Role(enum.Enum):
    NAVIGATOR = "navigator"
    EMPLOYER = "employer"
    PAYER = "payer"
    ADMIN = "admin"


#: Roles that act for a tenant and so need one in their token.
_TENANT_ROLES = {Role.EMPLOYER: NetworkKind.EMPLOYER, Role.PAYER: NetworkKind.PAYER}


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    tenant: str | None = None

    @property
    def label(self) -> str:
        """How the caller is named in the evidence of facts it writes."""
        return self.role.value if self.tenant is None else f"{self.role.value}:{self.tenant}"


ANONYMOUS = Principal(Role.NAVIGATOR)


class Unauthenticated(Exception):
    """The request carried no valid token while tokens are configured."""


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


def require_safe_exposure(host: str, tokens: dict[str, Principal], allow_anonymous: bool) -> None:
    """ConfigurationError when serving ``host`` would let anyone in: no tokens,
    an address other than loopback, and anonymous access not allowed explicitly."""
    if tokens or allow_anonymous or is_loopback(host):
        return
    raise ConfigurationError(
        f"refusing to serve on {host} without PROVNET_AUTH_TOKENS (anyone who can reach it would be let in): "
        "set PROVNET_AUTH_TOKENS, or PROVNET_ALLOW_ANONYMOUS=1 to allow anonymous read access"
    )


class Authenticator:
    """Maps an Authorization header to a Principal."""

    def __init__(self, tokens: dict[str, Principal]):
        self._tokens = tokens

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def authenticate(self, authorization: str | None) -> Principal:
        if not self._tokens:
            return ANONYMOUS
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("missing bearer token: send `Authorization: Bearer <token>`")
        found = None
        for known, principal in self._tokens.items():  # compare every token in constant time
            if hmac.compare_digest(known.encode(), token.strip().encode()):
                found = principal
        if found is None:
            raise Unauthenticated("invalid token")
        return found


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
