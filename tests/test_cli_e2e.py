"""The real CLI, run as a subprocess, on the seed scenario: plan goldens, then a sync lifecycle against the
fake GitHub over loopback (create, no-op, close what passed, reopen what came back)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub

DATA = Path(__file__).resolve().parent / "data" / "seed"
NOW = "2025-08-20T10:05:39.316987Z"
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


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("GITHUB_REPOSITORY", None)
    return subprocess.run(
        [sys.executable, "-m", "issueplan", *args],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
        timeout=120,
    )


@pytest.fixture
def scenario(seed_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed scenario (results, outcomes, workspace) plus a config naming the suites."""
    copy = tmp_path / "scenario"
    shutil.copytree(seed_dir / "scenario", copy)
    (copy / "issueplan.yml").write_text(SEED_CONFIG, encoding="utf-8")
    return copy


def plan_args(scenario: Path) -> list[str]:
    return [
        str(scenario / "ci-results"),
        "--outcomes",
        str(scenario / "outcomes.json"),
        "--workspace",
        str(scenario / "workspace"),
        "--config",
        str(scenario / "issueplan.yml"),
        "--now",
        NOW,
    ]


def _golden(name: str, actual: str, scenario: Path) -> None:
    # Paths of the private copy vary per run: the golden files hold them as <scenario>.
    actual = actual.replace(str(scenario), "<scenario>")
    path = DATA / name
    if os.environ.get("ISSUEPLAN_REGEN_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; ISSUEPLAN_REGEN_GOLDEN=1 rewrites it"


@pytest.mark.parametrize(("fmt", "golden"), [("markdown", "plan.md"), ("json", "plan.json")])
def test_the_seed_plan_matches_its_golden_file(scenario: Path, fmt: str, golden: str) -> None:
    done = run_cli("plan", *plan_args(scenario), "--format", fmt)
    assert done.returncode == 0, done.stderr
    _golden(golden, done.stdout, scenario)


def test_the_seed_plan_is_the_seeds_eleven_items_told_truthfully(scenario: Path) -> None:
    done = run_cli("plan", *plan_args(scenario), "--format", "json")
    plan = json.loads(done.stdout)
    assert [item["id"] for item in plan["items"]] == [
        "BUG-004", "BUG-005", "SEC-001", "BUG-001", "BUG-002", "BUG-003", "ENH-001",
        "SEC-002", "ENH-002", "INF-002", "PERF-002",
    ]  # fmt: skip
    assert plan["summary"]["total"] == 11
    assert plan["summary"]["by_priority"]["critical"] == 7
    assert plan["summary"]["by_priority"]["high"] == 3
    assert plan["summary"]["estimated_completion"] == "2025-09-20T10:05:39.316987Z"
    assert plan["overall_status"] == "critical_failure"
    text = done.stdout
    assert "with 0 failures" not in text
    assert "unknown failures" not in text
    assert "ghp_" not in text, "the planted token must be redacted"


def test_the_markdown_plan_defuses_the_seeds_mention_and_reference(scenario: Path) -> None:
    """R1, R2 through the CLI: the seed's unit failures mention @octocat and #42."""
    done = run_cli("plan", *plan_args(scenario), "--format", "markdown")
    description = next(line for line in done.stdout.splitlines() if "ping" in line and "Description" in line)
    assert "`@octocat`" in description
    assert "@octocat" not in description.replace("`@octocat`", "")
    assert "ghp_" not in done.stdout


def test_plans_are_byte_identical_across_runs(scenario: Path) -> None:
    first = run_cli("plan", *plan_args(scenario), "--format", "json").stdout
    second = run_cli("plan", *plan_args(scenario), "--format", "json").stdout
    assert first == second


# --- the sync lifecycle ------------------------------------------------------------------------------------


def sync_cli(fake: FakeGitHub, scenario: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = run_cli(
        "sync",
        *plan_args(scenario),
        "--repo",
        "octo/demo",
        "--api-url",
        fake.base_url,
        "--write-interval",
        "0",
        *extra,
        env={"GITHUB_TOKEN": "test-token"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def by_id(fake: FakeGitHub) -> dict[str, dict[str, Any]]:
    issues: dict[str, dict[str, Any]] = {}
    for issue in fake.issues():
        parsed = parse_issue_body(issue.get("body") or "")
        if parsed is not None:
            issues[parsed.marker.id] = issue
    return issues


def make_pass(scenario: Path, suite: str, kind: str) -> None:
    (scenario / "ci-results" / suite / "junit.xml").write_text(
        PASSING_JUNIT.format(kind=kind), encoding="utf-8"
    )
    outcomes_path = scenario / "outcomes.json"
    outcomes = json.loads(outcomes_path.read_text(encoding="utf-8"))
    outcomes[suite] = "success"
    outcomes_path.write_text(json.dumps(outcomes), encoding="utf-8")


def test_the_seed_sync_lifecycle_create_noop_close_reopen(
    fake_github: FakeGitHub, scenario: Path, seed_dir: Path
) -> None:
    """S1 and S15 through the real CLI: 11 issues and 3 milestones, no write, closes, then a reopen."""
    sync_cli(fake_github, scenario)
    issues = by_id(fake_github)
    assert sorted(issues) == sorted(
        ["BUG-001", "BUG-002", "BUG-003", "BUG-004", "BUG-005", "SEC-001", "ENH-001", "SEC-002", "ENH-002",
         "INF-002", "PERF-002"]
    )  # fmt: skip
    assert all(issue["state"] == "open" for issue in issues.values())
    milestones = {m["title"]: m for m in fake_github.milestones()}
    assert {title: m["due_on"][:10] for title, m in milestones.items()} == {
        "Critical action items": "2025-08-23",
        "High priority action items": "2025-08-30",
        "Medium priority action items": "2025-09-20",
    }
    assert issues["BUG-004"]["milestone"]["title"] == "Critical action items"
    labels = {label["name"]: label["color"] for label in fake_github.labels()}
    assert {"issueplan", "priority: critical", "team: security_team", "type: security"} <= set(labels)
    assert labels["issueplan"] != "ededed", (
        "managed labels get their own colour, not GitHub's auto-created grey"
    )
    assert {label["name"] for label in issues["SEC-001"]["labels"]} >= {"issueplan", "priority: critical"}

    fake_github.clear_log()
    sync_cli(fake_github, scenario)
    assert fake_github.writes() == [], "a second identical run makes no write"

    make_pass(scenario, "unit_tests", "unit")
    make_pass(scenario, "security_tests", "security")
    sync_cli(fake_github, scenario)
    after = by_id(fake_github)
    closed = sorted(item for item, issue in after.items() if issue["state"] == "closed")
    # unit and security suites pass: their failures are fixed, and ENH-001 (a security suite failed) no longer
    # triggers; SEC-001 stays (a high finding), the findings item stays (the scanners still report).
    assert closed == ["BUG-001", "BUG-004", "ENH-001"]
    assert all(after[item]["state_reason"] == "completed" for item in closed)
    assert fake_github.comments(after["BUG-001"]["number"]), "a close says why, in a comment"

    shutil.copy(seed_dir / "scenario/ci-results/unit_tests/junit.xml", scenario / "ci-results/unit_tests")
    sync_cli(fake_github, scenario)
    final = by_id(fake_github)
    assert final["BUG-001"]["number"] == issues["BUG-001"]["number"], "the same issue, not a new one"
    assert final["BUG-001"]["state"] == "open"
    assert len(fake_github.comments(final["BUG-001"]["number"])) == 2, (
        "closed with a comment, reopened with one"
    )
    assert len(final) == 11, "no new issue for a returning problem"


def test_dry_run_prints_the_changes_and_writes_nothing(fake_github: FakeGitHub, scenario: Path) -> None:
    done = sync_cli(fake_github, scenario, "--dry-run")
    assert fake_github.writes() == []
    assert "would: create issue BUG-004" in done.stdout
    assert done.stdout.count("would: create issue") == 11


def test_the_sync_log_says_what_changed_in_an_update(fake_github: FakeGitHub, scenario: Path) -> None:
    """Issue 13 point 5: `update issue #N (BUG-001): body: 4 → 3 failing tests`, not just "body"."""
    sync_cli(fake_github, scenario)
    junit = scenario / "ci-results/unit_tests/junit.xml"
    text = junit.read_text(encoding="utf-8")
    first = re.search(r"<testcase [^>]*>\s*<failure.*?</testcase>", text, flags=re.DOTALL)
    assert first is not None
    junit.write_text(text.replace(first.group(0), "", 1), encoding="utf-8")
    done = sync_cli(fake_github, scenario)
    number = by_id(fake_github)["BUG-001"]["number"]
    assert f"update issue #{number} (BUG-001): body: 4 → 3 failing tests\n" in done.stdout
