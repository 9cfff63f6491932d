"""A bound on the size of request bodies: anything bigger gets HTTP 413.

A declared ``Content-Length`` over the bound is refused before a byte of the
body is read. A body without one (``Transfer-Encoding: chunked``) is read up to
the bound and refused as soon as it passes it, so the server never holds more
than ``max_bytes`` of one request. The body read here is handed on to the app
unchanged.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send, int(declared))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away before sending its whole body
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self._refuse(scope, receive, send, None)
                return
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, declared: int | None) -> None:
        size = "unknown size (chunked)" if declared is None else f"{declared:,} bytes"
        log.info("refused a request body of %s on %s: over %d bytes", size, scope.get("path"), self.max_bytes)
        response = JSONResponse(
            {
                "errors": [
                    {
                        "message": f"request body too large: at most {self.max_bytes:,} bytes are accepted",
                        "extensions": {"code": "PAYLOAD_TOO_LARGE", "maxBytes": self.max_bytes},
                    }
                ]
            },
            status_code=413,
        )
        await response(scope, receive, send)
