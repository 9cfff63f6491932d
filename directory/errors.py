"""The one exception hierarchy of provnet.

    ProvnetError
    ├── ConfigurationError      a setting is missing or malformed
    ├── StoreError              the store failed; driver errors are wrapped here
    │   ├── StoreUnavailable    cannot reach or open the store
    │   └── ConstraintViolation a uniqueness or reference rule was broken
    ├── NotFound                an id the caller named does not exist
    ├── InputError              bad input the caller can fix
    │   ├── SourceFormatError   a source file is not in the format it claims
    │   ├── OutOfOrderError     an incremental file was applied out of date order
    │   └── PathwayExhausted    a need's treatments tried cover every step of the TRD pathway
    ├── AccessDenied            the caller's role or tenant may not do this
    ├── Conflict                the request conflicts with what the store holds
    │   ├── AlreadyExists       an id that is taken
    │   └── Archived            a change to an archived network
    ├── RegistryError           the NPI Registry API answered with an error
    │   ├── RegistryRequestError   the API's ``Errors`` payload: our query was bad
    │   └── RegistryUnavailable    timeouts, 429 and 5xx after the retries ran out
    └── RoutingError            the OSRM server (travel times) failed or refused a request

Adapters translate their drivers' exceptions at the boundary with
``raise StoreError(...) from exc`` so callers never import a driver.
"""

from __future__ import annotations


class ProvnetError(Exception):
    """Base of every error provnet raises on purpose."""


class ConfigurationError(ProvnetError):
    pass


class StoreError(ProvnetError):
    pass


class StoreUnavailable(StoreError):
    pass


class ConstraintViolation(StoreError):
    pass


class NotFound(ProvnetError):
    pass


class InputError(ProvnetError):
    pass


class SourceFormatError(InputError):
    pass


class OutOfOrderError(InputError):
    pass


class PathwayExhausted(InputError):
    """Every step of the TRD pathway was tried: there is no next step to propose."""


class AccessDenied(ProvnetError):
    pass


class Conflict(ProvnetError):
    pass


class AlreadyExists(Conflict):
    pass


class Archived(Conflict):
    pass


class RegistryError(ProvnetError):
    pass


class RegistryRequestError(RegistryError):
    """The API returned an ``Errors`` payload (HTTP 200 with errors)."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        text = "; ".join(f"{e.get('field', '?')} ({e.get('number', '?')}): {e.get('description', '')}" for e in errors)
        super().__init__(text or "NPI Registry API returned an error")


class RegistryUnavailable(RegistryError):
    pass


class RoutingError(ProvnetError):
    """The OSRM server configured for travel times failed or answered with an error."""


#: Characters of a caller's value an error message repeats (a 1 MB argument must not come back whole).
MAX_ECHO = 100


def quoted(value: object, limit: int = MAX_ECHO) -> str:
    """``value`` as an error message shows it: its repr, cut to ``limit`` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"
