"""The container test: image_check.py builds the action's image twice and runs it as GitHub runs a Docker
action. It needs a container engine and minutes, so it runs only when asked:

    ISSUEPLAN_CONTAINER_TEST=1 python -m pytest -q tests/container
    ISSUEPLAN_CONTAINER_TEST=1 ISSUEPLAN_CONTAINER_ARGS='--engine podman --base IMAGE' python -m pytest ...

ISSUEPLAN_CONTAINER_ARGS holds image_check.py's options (the engine, a local base image, ...).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "image_check.py"

pytestmark = pytest.mark.skipif(
    os.environ.get("ISSUEPLAN_CONTAINER_TEST") != "1",
    reason="builds and runs the image: set ISSUEPLAN_CONTAINER_TEST=1 (README, 'Releasing the action image')",
)


def test_the_image_runs_as_github_runs_it_and_two_builds_hold_the_same_files(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    options = shlex.split(os.environ.get("ISSUEPLAN_CONTAINER_ARGS", ""))
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--reproducible", "--report", str(report), *options],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    print(completed.stdout)  # the numbers (build time, size over the base, run times), shown with -s
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    numbers = json.loads(report.read_text(encoding="utf-8"))
    assert numbers["failed"] == []
    assert numbers["added_mb"] > 0
