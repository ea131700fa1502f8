"""The renderer fuzz tests reuse tests/render's inertness check and plan factory; pytest only puts a test's
own folder on sys.path, and tests/fuzz is collected before tests/render, so add that folder here."""

from __future__ import annotations

import sys
from pathlib import Path

RENDER_TESTS = str(Path(__file__).resolve().parents[1] / "render")
if RENDER_TESTS not in sys.path:
    sys.path.append(RENDER_TESTS)
