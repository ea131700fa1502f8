"""Issue #10, point 3, for jest: a real `jest --json` report (tests/data/jest-json, its PROVENANCE.md) through
the real CLI against the fake GitHub over loopback. The test that failed and then passed on `jest.retryTimes`
is one flaky item; the tests that failed outright fail their suite, and are no flaky item."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fake_issues import issues_by_key
from issueplan.tracker.sandbox import FakeGitHub

DATA = Path(__file__).resolve().parent / "data" / "jest-json"
NOW = "2026-12-03T08:00:00Z"


def _sync(root: Path, fake: FakeGitHub) -> subprocess.CompletedProcess[str]:
    (root / "issueplan.yml").write_text("extends: default\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_TOKEN": "test-token"}
    env.pop("GITHUB_REPOSITORY", None)
    args = [str(root / "test-results"), "--config", str(root / "issueplan.yml"), "--now", NOW]
    target = ["--repo", "octo/demo", "--api-url", fake.base_url, "--write-interval", "0"]
    return subprocess.run(
        [sys.executable, "-m", "issueplan", "sync", *args, *target],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("report", ["jest30-runner-checkout.json", "jest29-outside-checkout.json"])
def test_a_jest_retry_gives_one_flaky_item_and_the_failures_a_failed_suite(
    fake_github: FakeGitHub, tmp_path: Path, report: str
) -> None:
    folder = tmp_path / "test-results" / "web_unit"
    folder.mkdir(parents=True)
    shutil.copyfile(DATA / report, folder / "jest-results.json")
    done = _sync(tmp_path, fake_github)
    assert done.returncode == 0, done.stdout + done.stderr
    issues = issues_by_key(fake_github)
    key = "flaky/web_unit/network.reconnects after a dropped socket"
    assert sorted(k for k in issues if k.startswith("flaky/")) == [key]
    assert issues[key]["title"] == "FLAKY-001: Flaky: 'network.reconnects after a dropped socket'"
    labels = {label["name"] for label in issues[key]["labels"]}  # type: ignore[attr-defined]  # fake's JSON
    assert "flaky" in labels
    failed = str(issues["suite-failed/web_unit"]["body"])
    assert "`cart total.applies the discount` (failed)" in failed
    assert "`network.times out` (error)" in failed
    # Listed beside the failures, as flaky: it is not what failed the suite.
    assert "`network.reconnects after a dropped socket` (flaky)" in failed


def test_the_retried_tests_failed_attempt_is_shown_in_its_item(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    folder = tmp_path / "test-results" / "web_unit"
    folder.mkdir(parents=True)
    shutil.copyfile(DATA / "jest30-runner-checkout.json", folder / "jest-results.json")
    done = _sync(tmp_path, fake_github)
    assert done.returncode == 0, done.stdout + done.stderr
    issue = issues_by_key(fake_github)["flaky/web_unit/network.reconnects after a dropped socket"]
    body = str(issue["body"])
    assert "toBeGreaterThan" in body
    assert "Received:   1" in body
    # In a runner's checkout the test's file is a repository path, at the test's own line.
    assert "(flaky) at `test/network.test.js:17`" in body
