"""Travel times from an OSRM server: a real HTTP server on loopback that speaks
the ``/table/v1`` JSON of OSRM, with durations the test decides."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import add, counties_of, north_of, npi, open_store, provider, run, zip_point

from directory.errors import ConfigurationError, RoutingError
from directory.geo import haversine_miles
from directory.model import GeoPoint
from directory.services import adequacy


class OsrmHandler(BaseHTTPRequestHandler):
    """Durations: great-circle miles at ``mph``; a destination north of ``blocked_lat`` has no route."""

    mph = 30.0
    blocked_lat = 90.0
    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)  # not urlparse: it would take ";..." for path parameters
        parts = url.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            return self._send(400, {"code": "InvalidUrl", "message": "not a table request"})
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        q = parse_qs(url.query)
        sources = [int(i) for i in q["sources"][0].split(";")]
        dests = [int(i) for i in q["destinations"][0].split(";")]
        type(self).seen.append(
            {"sources": len(sources), "destinations": len(dests), "annotations": q["annotations"][0]}
        )
        rows = []
        for s in sources:
            row = []
            for d in dests:
                (slon, slat), (dlon, dlat) = coords[s], coords[d]
                miles = haversine_miles(GeoPoint(slat, slon), GeoPoint(dlat, dlon))
                row.append(None if dlat > self.blocked_lat else miles / self.mph * 3600)
            rows.append(row)
        self._send(200, {"code": "Ok", "durations": rows})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def osrm():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OsrmHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    OsrmHandler.seen = []
    OsrmHandler.mph, OsrmHandler.blocked_lat = 30.0, 90.0
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_road_times_from_osrm_decide_coverage(tmp_path, osrm):
    store = open_store(tmp_path)
    counties = counties_of(tmp_path, [("NY", "New York County", "Large Metro")])
    lat, lon, county, state = zip_point("10016")
    add(
        store,
        [
            provider(1, [(north_of(lat, 5), lon, "10029", county, state)]),
            provider(2, [(north_of(lat, 9), lon, "10463", county, state)]),
        ],
        network=[npi(1), npi(2)],
    )
    travel, _ = adequacy.travel_from_settings({"PROVNET_OSRM_URL": osrm})
    assert isinstance(travel, adequacy.OsrmTable)
    # at 30 mph: 5 miles = 10 min, 9 miles = 18 min; both within 10 miles and 20 minutes
    cell = run(store, {"10016": 10}, counties, travel=travel).cell("NY", "New York County", "Psychiatry")
    assert (cell.covered, cell.providers) == (10, 2)
    assert OsrmHandler.seen and all(s["annotations"] == "duration" for s in OsrmHandler.seen)
    # slow roads: 16 mph makes 9 miles 34 minutes, over the limit; 5 miles take 18.75 minutes
    OsrmHandler.mph = 16.0
    cell = run(store, {"10016": 10}, counties, travel=travel).cell("NY", "New York County", "Psychiatry")
    assert (cell.covered, cell.providers) == (10, 1)
    # no route to either location: nobody is covered
    OsrmHandler.blocked_lat = lat
    cell = run(store, {"10016": 10}, counties, travel=travel).cell("NY", "New York County", "Psychiatry")
    assert (cell.covered, cell.providers, cell.passed) == (0, 0, False)
    assert "OSRM" in run(store, {"10016": 10}, counties, travel=travel).method["time"]
    store.close()


def test_osrm_errors_and_settings(osrm):
    table = adequacy.OsrmTable(osrm + "/nope")
    with pytest.raises(RoutingError, match="refused a table request: InvalidUrl"):
        table._table([(-73.9, 40.7)], [(-73.9, 40.8)])
    with pytest.raises(RoutingError, match="failed"):
        adequacy.OsrmTable("http://127.0.0.1:9", timeout=2)._table([(-73.9, 40.7)], [(-73.9, 40.8)])
    with pytest.raises(ConfigurationError, match="http"):
        adequacy.travel_from_settings({"PROVNET_OSRM_URL": "ftp://x"})
    with pytest.raises(ConfigurationError, match="lacks a speed for CEAC"):
        adequacy.travel_from_settings({"PROVNET_ADEQUACY_SPEEDS_MPH": "Large Metro=30,Metro=40,Micro=45,Rural=50"})
    travel, speeds = adequacy.travel_from_settings({})
    assert isinstance(travel, adequacy.StraightLine) and speeds["Metro"] == 40.0
