"""Who is calling and what they may do: every access rule of the API lives here.

Tokens come only from the ``auth_tokens`` setting (``PROVNET_AUTH_TOKENS``,
``token=role[:tenant]`` separated by commas) and arrive as
``Authorization: Bearer <token>``. With no tokens configured every request is an
anonymous navigator, which suits local use only.

Roles: a *navigator* searches and reads; an *employer* manages the vetted
networks its tenant owns; a *payer* manages its own payer networks; an *admin*
does everything, including the entity-resolution review queue. Employer
networks are private to their owner (and admins); payer networks are public.
"""

from __future__ import annotations

import enum
import hmac
import logging
from dataclasses import dataclass

from directory.errors import AccessDenied, ConfigurationError
from directory.model import Network, NetworkKind

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
def can_read_network(principal: Principal, network: Network) -> bool:
    """Payer networks are public; an employer network only to its owner and admins."""
    if principal.role is Role.ADMIN or network.kind is NetworkKind.PAYER:
        return True
    return principal.role is Role.EMPLOYER and principal.tenant == network.owner_id


def can_manage_network(principal: Principal, network: Network) -> bool:
    if principal.role is Role.ADMIN:
        return True
    kind = _TENANT_ROLES.get(principal.role)
    return kind is network.kind and principal.tenant == network.owner_id


def can_see_employer(principal: Principal, employer_id: str) -> bool:
    """Which employers use provnet is their business: owners and admins only."""
    return principal.role is Role.ADMIN or (principal.role is Role.EMPLOYER and principal.tenant == employer_id)


def require_read_network(principal: Principal, network: Network) -> None:
    if not can_read_network(principal, network):
        raise AccessDenied(f"{principal.label} may not read network {network.id!r}")


def require_manage_network(principal: Principal, network: Network) -> None:
    if not can_manage_network(principal, network):
        raise AccessDenied(f"{principal.label} may not change network {network.id!r}")


def require_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise AccessDenied("only an admin may do this")
