"""Fixtures of the source-record tests: the benchmark's five-source generator
(shared with bench/resolve) and a store loaded through the real loaders."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "resolve"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))
