"""Errors as the API shows them.

Expected errors are part of the schema: mutations return typed errors with an
:class:`ErrorCode`, and queries raise provnet's own InputError, NotFound,
AccessDenied, Archived or AlreadyExists, which reach the client with their
message and ``extensions.code``. Anything else is masked as "Unexpected error." and
logged with its traceback on the server.

No message is longer than :data:`MAX_MESSAGE` characters: ours quote input
through ``arguments.quote``, and graphql-core's own (an enum value or a variable
of the wrong type) can repeat a whole argument, so every message is cut here.
"""

from __future__ import annotations

import enum
import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from directory.errors import AccessDenied, AlreadyExists, Archived, InputError, NotFound

log = logging.getLogger(__name__)

#: Longest error message sent to a client; a longer one is cut (so at most this much of any input comes back).
MAX_MESSAGE = 200


@strawberry.enum(description="Why an operation was refused.")
class ErrorCode(enum.Enum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID_INPUT = "invalid_input"
    VETTING_FAILED = "vetting_failed"
    ARCHIVED = "archived"
    ALREADY_EXISTS = "already_exists"


_EXPECTED: tuple[tuple[type[Exception], ErrorCode], ...] = (
    (AccessDenied, ErrorCode.FORBIDDEN),
    (NotFound, ErrorCode.NOT_FOUND),
    (InputError, ErrorCode.INVALID_INPUT),
    (Archived, ErrorCode.ARCHIVED),
    (AlreadyExists, ErrorCode.ALREADY_EXISTS),
)


def code_for(exc: BaseException) -> ErrorCode | None:
    for kind, code in _EXPECTED:
        if isinstance(exc, kind):
            return code
    return None


def is_unexpected(error: GraphQLError) -> bool:
    """Validation and syntax errors (no original error) and our expected errors are shown."""
    original = error.original_error
    return original is not None and code_for(original) is None and not isinstance(original, GraphQLError)


class ErrorPolicy(MaskErrors):
    """MaskErrors that also labels the errors it lets through with a code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            code = code_for(error.original_error) if error.original_error is not None else None
            if code is not None:
                error.extensions = {**(error.extensions or {}), "code": code.name}
            if len(error.message) > MAX_MESSAGE:
                error.message = error.message[:MAX_MESSAGE] + "... (message cut)"
        return processed


def log_errors(errors: list[GraphQLError]) -> None:
    """Server-side log: unexpected errors with their traceback, expected ones briefly."""
    for error in errors:
        if is_unexpected(error):
            log.error("unexpected error in %s: %s", error.path, error.message, exc_info=error.original_error)
        else:
            log.debug("refused: %s", error.message)
