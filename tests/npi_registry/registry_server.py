"""A local stand-in for the NPI Registry API on 127.0.0.1, for the client tests.

It answers from the recorded real responses in ``tests/data/npi_registry_api``
(served byte for byte) and from a synthetic population built from a recorded
result, filtered, sorted and paged like the real API. It enforces the real
limits (version 2.1, limit 1..200, skip 0..1000) by answering with an
``Errors`` payload, and it records every query it receives.

``script`` holds canned answers (status, headers, body, delay) consumed one per
request before normal routing: that is how tests provoke 429, 5xx, slow and
non-JSON answers.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from directory.npi import make_npi

DATA = Path(__file__).resolve().parent.parent / "data" / "npi_registry_api"

NPI1_FILE = "api-b2f594.json"  # one NPI-1 result: 1720377294, Elise Hiza MD
NPI2_FILE = "api-8bdc8b.json"  # one NPI-2 result: 1568946812, CSP Anesthesia LLC
EMPTY_FILE = "api-a2f836.json"  # {"result_count":0, "results":[]}
ERRORS_04_FILE = "api-8d2d52.json"  # generic 04: No valid search criteria provided
ERRORS_09_FILE = "api-c85286.json"  # enumeration_type 09: requires additional search criteria
PAGE_FILE = "api-f62abe.json"  # a recorded page of 5 NPI-1 results


def recorded(name: str) -> dict:
    return json.loads((DATA / name).read_bytes())


def recorded_results() -> list[dict]:
    """Every result in every recorded response."""
    return [r for path in sorted(DATA.glob("*.json")) for r in json.loads(path.read_bytes()).get("results", [])]


@dataclass
class Canned:
    """One scripted answer. ``status=None`` routes normally (after ``delay``)."""

    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def _errors(field_name: str, number: str, description: str) -> bytes:
    return json.dumps({"Errors": [{"field": field_name, "number": number, "description": description}]}).encode()


def synthesize(count: int, postal_codes, descriptions, first_base: int = 150_000_000) -> list[dict]:
    """``count`` results shaped like the recorded NPI-1 result, with valid
    generated NPIs; ``postal_codes(i)`` and ``descriptions(i)`` pick each one's
    9-digit postal code and taxonomy description."""
    template = recorded(NPI1_FILE)["results"][0]
    population = []
    for i in range(count):
        result = copy.deepcopy(template)
        result["number"] = int(make_npi(str(first_base + i)))
        result["basic"]["last_name"] = "SYNTH"
        result["basic"]["first_name"] = f"P{i:05d}"
        postal = postal_codes(i)
        for address in result["addresses"] + result["practiceLocations"]:
            address["postal_code"] = postal
        result["taxonomies"] = [dict(result["taxonomies"][0], desc=descriptions(i))]
        population.append(result)
    return population


def _matches(result: dict, query: dict[str, str]) -> bool:
    if "enumeration_type" in query and result["enumeration_type"] != query["enumeration_type"]:
        return False
    for key in ("first_name", "last_name"):
        if key in query:
            want, have = query[key].upper(), str(result["basic"].get(key, "")).upper()
            if not (have.startswith(want[:-1]) if want.endswith("*") else have == want):
                return False
    if "taxonomy_description" in query:
        want = query["taxonomy_description"].upper()
        if not any(t.get("desc", "").upper() == want for t in result["taxonomies"]):
            return False
    if "postal_code" in query:
        want = query["postal_code"]
        codes = [a["postal_code"] for a in result["addresses"] + result.get("practiceLocations", [])]
        if want.endswith("*"):
            ok = any(c.startswith(want[:-1]) for c in codes)
        elif len(want) == 5:  # a ZIP5 also matches ZIP+4
            ok = any(c[:5] == want for c in codes)
        else:
            ok = want in codes
        if not ok:
            return False
    return True


class RegistryServer:
    def __init__(self) -> None:
        self.queries: list[dict[str, str]] = []
        self.script: list[Canned] = []
        self.population: list[dict] = []
        self._lock = threading.Lock()
        self._single = {str(r["number"]): r for name in (NPI1_FILE, NPI2_FILE) for r in recorded(name)["results"]}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), name="registry-server", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/"

    def start(self) -> RegistryServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def searches(self) -> list[dict[str, str]]:
        """Queries received, without the version parameter."""
        return [{k: v for k, v in q.items() if k != "version"} for q in self.queries]

    # ------------------------------------------------------------------ routing
    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path != "/api/":
            return 404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"
        json_type = {"Content-Type": "application/json"}
        if query.get("version") != "2.1":
            return 200, json_type, _errors("version", "00", "this stand-in answers version 2.1 only")
        limit, skip = int(query.get("limit", "10")), int(query.get("skip", "0"))
        if not 1 <= limit <= 200:
            return 200, json_type, _errors("limit", "03", "Field limit must be between 1 and 200")
        if not 0 <= skip <= 1000:
            return 200, json_type, _errors("skip", "03", "Field skip must be between 0 and 1000")
        if query.get("first_name") == "ERRORS04":
            return 200, json_type, (DATA / ERRORS_04_FILE).read_bytes()
        if query.get("first_name") == "ERRORS09":
            return 200, json_type, (DATA / ERRORS_09_FILE).read_bytes()
        if query.get("last_name") == "RECORDED":
            return 200, json_type, (DATA / PAGE_FILE).read_bytes()
        if "number" in query:
            found = self._single.get(query["number"])
            if found is None:
                found = next((r for r in self.population if str(r["number"]) == query["number"]), None)
            if found is None:
                return 200, json_type, (DATA / EMPTY_FILE).read_bytes()
            return 200, json_type, json.dumps({"result_count": 1, "results": [found]}).encode()
        matching = sorted((r for r in self.population if _matches(r, query)), key=lambda r: r["number"])
        page = matching[skip : skip + limit]
        return 200, json_type, json.dumps({"result_count": len(page), "results": page}).encode()

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                # headers and body go out in two writes: without this, delayed ACKs cost 40 ms a request
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                with server._lock:
                    server.queries.append(query)
                    canned = server.script.pop(0) if server.script else None
                if canned is not None and canned.delay:
                    time.sleep(canned.delay)
                if canned is not None and canned.status is not None:
                    status, headers, body = canned.status, canned.headers, canned.body
                else:
                    status, headers, body = server.answer(parts.path, query)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (read timeout): expected in the slow-answer tests

            def log_message(self, *args):
                pass

        return Handler
