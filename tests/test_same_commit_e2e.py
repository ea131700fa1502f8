"""Issue #10 point 3, end to end through the real CLI against the fake GitHub: a suite that fails in one run
and passes in another run of the same commit (`--commit`) is flaky, not fixed: its issue stays open with the
`flaky` label and one comment saying why, and the marker's history keeps the commit of each run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub

SHA = "0123456789abcdef0123456789abcdef01234567"
FAILING = """<?xml version="1.0"?><testsuite name="t" tests="2" failures="1">
<testcase classname="tests.test_cart" name="test_total"><failure message="boom">boom</failure></testcase>
<testcase classname="tests.test_cart" name="test_empty"/></testsuite>
"""
PASSING = """<?xml version="1.0"?><testsuite name="t" tests="2" failures="0">
<testcase classname="tests.test_cart" name="test_total"/>
<testcase classname="tests.test_cart" name="test_empty"/></testsuite>
"""


def sync(root: Path, fake: FakeGitHub, report: str, now: str, run: int) -> None:
    folder = root / "test-results" / "unit_tests"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "junit.xml").write_text(report, encoding="utf-8")
    env = {**os.environ, "GITHUB_TOKEN": "test-token"}
    env.pop("GITHUB_REPOSITORY", None)
    env.pop("GITHUB_SHA", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "issueplan",
            "sync",
            str(root / "test-results"),
            "--now",
            now,
            "--repo",
            "octo/demo",
            "--api-url",
            fake.base_url,
            "--write-interval",
            "0",
            "--commit",
            SHA,
            "--run-url",
            f"https://github.com/octo/demo/actions/runs/{run}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_suite_that_fails_and_passes_on_one_commit_is_flaky_not_fixed(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    sync(tmp_path, fake_github, FAILING, "2026-11-20T10:00:00Z", 41)
    sync(tmp_path, fake_github, PASSING, "2026-11-20T11:00:00Z", 42)

    (issue,) = [i for i in fake_github.issues() if i["title"].startswith("BUG-")]
    assert issue["state"] == "open", "the same commit passed: nothing was fixed"
    assert "flaky" in {label["name"] for label in issue["labels"]}
    (comment,) = fake_github.comments(issue["number"])
    assert comment["body"].startswith(
        "issueplan marked this issue flaky: it passed in [run 42](https://github.com/octo/demo/actions/runs/42)"
        " at commit [`0123456`]("
    )
    parsed = parse_issue_body(issue["body"])
    assert parsed is not None
    assert [(o.run, o.commit) for o in parsed.marker.history] == [("41", SHA[:12]), ("42", SHA[:12])]
    assert parsed.marker.flaky_since is not None

    fake_github.clear_log()
    sync(tmp_path, fake_github, PASSING, "2026-11-20T12:00:00Z", 43)
    (again,) = [i for i in fake_github.issues() if i["number"] == issue["number"]]
    assert again["state"] == "open", "a flaky issue is not closed on its own"
    assert not any(e.path.endswith("/comments") for e in fake_github.writes()), "said once"
