"""Issue #10 point 6 and issue #13 point 5, end to end through the real CLI against the fake GitHub: the seed
scenario fails, is fixed, and fails again; every comment issueplan writes says what the run observed in
words (the suite's counts, the scanners' names, the run and commit, linked) and never an internal key."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub

SEED_CONFIG = """\
suites:
  - name: unit_tests
  - name: api_tests
  - name: frontend_tests
  - name: security_tests
  - name: integration_tests
"""
PASSING_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="2" time="0.1">
<testcase classname="tests.{kind}.test_ok" name="test_one" time="0.05"/>
<testcase classname="tests.{kind}.test_ok" name="test_two" time="0.05"/>
</testsuite></testsuites>
"""
SHA = "abc1234def5678abc1234def5678abc1234def56"
RUNS = "https://github.com/octo/demo/actions/runs"
# An item's key as the tool spells it (`suite-failed/unit_tests`, `findings/security`, `rule/SEC-001`).
KEY = re.compile(r"\b(?:suite-failed|findings|rule|flaky|dashboard)/")
EVENT = re.compile(r"\n<!-- issueplan:event \{[^\n]*\} -->\n$")


def sync(root: Path, fake: FakeGitHub, now: str, run: int, *commit: str) -> None:
    env = {**os.environ, "GITHUB_TOKEN": "test-token"}
    env.pop("GITHUB_REPOSITORY", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "issueplan",
            "sync",
            str(root / "ci-results"),
            "--outcomes",
            str(root / "outcomes.json"),
            "--workspace",
            str(root / "workspace"),
            "--config",
            str(root / "issueplan.yml"),
            "--now",
            now,
            "--repo",
            "octo/demo",
            "--api-url",
            fake.base_url,
            "--write-interval",
            "0",
            "--allow-mass-close",
            "--run-url",
            f"{RUNS}/{run}",
            *commit,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def fix(root: Path, suite: str, kind: str) -> None:
    (root / "ci-results" / suite / "junit.xml").write_text(PASSING_JUNIT.format(kind=kind), encoding="utf-8")
    outcomes = json.loads((root / "outcomes.json").read_text(encoding="utf-8"))
    outcomes[suite] = "success"
    (root / "outcomes.json").write_text(json.dumps(outcomes), encoding="utf-8")


def clean_scans(root: Path) -> None:
    """The scanners run again and report nothing: Bandit's SARIF without results, pip-audit without vulns."""
    folder = root / "ci-results" / "security_tests"
    sarif = json.loads((folder / "bandit.sarif").read_text(encoding="utf-8"))
    for run in sarif["runs"]:
        run["results"] = []
    (folder / "bandit.sarif").write_text(json.dumps(sarif), encoding="utf-8")
    audit = json.loads((folder / "pip-audit.json").read_text(encoding="utf-8"))
    for dependency in audit["dependencies"]:
        dependency["vulns"] = []
    (folder / "pip-audit.json").write_text(json.dumps(audit), encoding="utf-8")


def comments_by_id(fake: FakeGitHub) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for issue in fake.issues():
        parsed = parse_issue_body(issue.get("body") or "")
        if parsed is not None:
            found[parsed.marker.id] = [comment["body"] for comment in fake.comments(issue["number"])]
    return found


def test_every_comment_of_the_seed_lifecycle_says_what_was_seen_in_words_and_no_key(
    fake_github: FakeGitHub, seed_dir: Path, tmp_path: Path
) -> None:
    root = tmp_path / "scenario"
    shutil.copytree(seed_dir / "scenario", root)
    (root / "issueplan.yml").write_text(SEED_CONFIG, encoding="utf-8")
    sync(root, fake_github, "2025-08-20T10:05:39Z", 41)
    fix(root, "unit_tests", "unit")
    fix(root, "security_tests", "security")
    clean_scans(root)
    sync(root, fake_github, "2025-08-21T10:05:39Z", 42, "--commit", SHA)
    shutil.copy(seed_dir / "scenario/ci-results/unit_tests/junit.xml", root / "ci-results/unit_tests")
    sync(root, fake_github, "2025-08-22T10:05:39Z", 43)

    comments = comments_by_id(fake_github)
    at = f"in [run 42]({RUNS}/42) at commit [`abc1234`](https://github.com/octo/demo/commit/{SHA})"
    close, reopen = comments["BUG-001"]
    assert close.startswith(f"issueplan closed this issue: `unit_tests` ran {at}: all 2 tests passed.\n")
    assert reopen.startswith(
        f"issueplan reopened this issue: `unit_tests` failed again in [run 43]({RUNS}/43): 4 failing tests "
        "of 128 (tests.unit.test_auth.test_token_refresh, "
    )
    assert "\nIt was closed on 2025-08-21.\n" in reopen
    (findings,) = comments["BUG-005"]
    assert findings.startswith(
        f"issueplan closed this issue: `Bandit` and `pip-audit` ran {at}: none of this issue's findings is "
        "reported any more.\n"
    )
    every = [comment for written in comments.values() for comment in written]
    assert len(every) >= 5, sorted(comments)
    for comment in every:
        assert not KEY.search(comment), comment
        assert EVENT.search(comment), "each comment keeps its hidden per-run event line"
        assert "#4" not in comment, "a run is `run 42`: `#42` would link to an issue"
