"""Owners end to end: the real CLI and the action entrypoint, as subprocesses, against the fake GitHub on the
seed scenario, with a team map and a CODEOWNERS file: who gets assigned, who cannot be (reported, exit 0),
a human's change kept, and an identical re-run that writes and asks nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub
from runner_parsing import runner_commands

NOW = "2025-08-20T10:05:39.316987Z"
CONFIG = """\
suites:
  - name: unit_tests
  - name: api_tests
  - name: frontend_tests
  - name: security_tests
  - name: integration_tests
teams:
  security_team: [sec-alice, sec-bob]
  devops_team: [ops-carol]
codeowners: true
"""
# The seed's evidence paths: app/auth/tokens.py (SEC-001, SEC-002, BUG-005), app/settings.py (SEC-002,
# BUG-005), app/reports/queries.py (BUG-005), tests/unit/... (BUG-001), src/api/__tests__/... (BUG-002).
CODEOWNERS = """\
*             @acme/everyone
/app/         @app-dave
/app/auth/    @auth-erin auth-team@example.com
/tests/       @qa-frank
"""
EVERYONE = ["sec-alice", "sec-bob", "ops-carol", "app-dave", "auth-erin", "qa-frank"]


@pytest.fixture
def scenario(seed_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "scenario"
    shutil.copytree(seed_dir / "scenario", copy)
    (copy / "issueplan.yml").write_text(CONFIG, encoding="utf-8")
    (copy / "workspace" / ".github" / "CODEOWNERS").write_text(CODEOWNERS, encoding="utf-8")
    return copy


def sync_cli(fake: FakeGitHub, scenario: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_TOKEN": "test-token"}
    env.pop("GITHUB_REPOSITORY", None)
    args = [
        str(scenario / "ci-results"),
        "--outcomes",
        str(scenario / "outcomes.json"),
        "--workspace",
        str(scenario / "workspace"),
        "--config",
        str(scenario / "issueplan.yml"),
        "--now",
        NOW,
        "--repo",
        "octo/demo",
        "--api-url",
        fake.base_url,
        "--write-interval",
        "0",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "issueplan", "sync", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
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


def assignees(fake: FakeGitHub) -> dict[str, list[str]]:
    return {item: [a["login"] for a in issue["assignees"]] for item, issue in sorted(by_id(fake).items())}


def checked(fake: FakeGitHub) -> list[str]:
    """The logins the run asked GitHub about (GET /repos/octo/demo/assignees/{login})."""
    prefix = "/repos/octo/demo/assignees/"
    return sorted(e.path.removeprefix(prefix) for e in fake.exchanges if e.path.startswith(prefix))


def test_assignees_come_from_the_team_map_and_codeowners_and_a_rerun_writes_and_asks_nothing(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    sync_cli(fake_github, scenario)

    found = assignees(fake_github)
    assert found["SEC-001"] == ["auth-erin", "sec-alice", "sec-bob"]  # its team, and CODEOWNERS of its path
    assert found["BUG-005"] == ["app-dave", "auth-erin"]  # CODEOWNERS only: its team is not in the map
    assert found["SEC-002"] == ["app-dave", "auth-erin", "sec-alice", "sec-bob"]
    assert found["BUG-001"] == ["qa-frank"]
    assert found["INF-002"] == ["ops-carol"]  # no evidence path: its team's people
    assert found["BUG-002"] == []  # only a team owns src/: teams are never assigned
    assert checked(fake_github) == sorted(EVERYONE)  # each person once, however many issues they get
    for issue in fake_github.issues():
        body = issue.get("body") or ""
        assert not any(f"@{login}" in body for login in [*EVERYONE, "acme/everyone"]), "no mention written"

    fake_github.clear_log()
    sync_cli(fake_github, scenario)

    assert fake_github.writes() == []
    assert checked(fake_github) == [], "nothing to assign: nobody's assignability is asked"


def test_a_humans_change_of_assignees_is_kept_and_only_issueplans_own_change(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    sync_cli(fake_github, scenario)
    sec = by_id(fake_github)["SEC-001"]
    # A person takes auth-erin off and adds zoe: issueplan neither re-adds erin nor removes zoe.
    fake_github.human_edit(sec["number"], assignees=["sec-alice", "sec-bob", "zoe"])

    fake_github.clear_log()
    sync_cli(fake_github, scenario)
    assert fake_github.writes() == []
    assert checked(fake_github) == [], "auth-erin, whom a human took off, is not to be added: nothing asked"
    assert assignees(fake_github)["SEC-001"] == ["sec-alice", "sec-bob", "zoe"]

    # sec-bob leaves the team: issueplan takes off the one it had set, and only that one.
    config = scenario / "issueplan.yml"
    config.write_text(CONFIG.replace("[sec-alice, sec-bob]", "[sec-alice]"), encoding="utf-8")
    done = sync_cli(fake_github, scenario)

    assert assignees(fake_github)["SEC-001"] == ["sec-alice", "zoe"]
    assert "assignees \u2212sec-bob" in done.stdout
    fake_github.clear_log()
    sync_cli(fake_github, scenario)
    assert fake_github.writes() == []


def test_a_person_who_cannot_be_assigned_is_reported_and_the_rest_is_synced(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    fake_github.allow_assignees([login for login in EVERYONE if login != "sec-bob"])

    done = sync_cli(fake_github, scenario)  # exit 0: asserted by sync_cli

    assert assignees(fake_github)["SEC-001"] == ["auth-erin", "sec-alice"]
    assert "issueplan: warning: sec-bob was not assigned: GitHub says they cannot be assigned" in done.stderr
    assert checked(fake_github) == sorted(EVERYONE)
    assert all(e.status < 400 for e in fake_github.writes()), "nobody unassignable was sent"


def test_the_action_reports_an_unassignable_person_in_the_log_summary_and_annotations(
    fake_github: FakeGitHub, scenario: Path, tmp_path: Path
) -> None:
    fake_github.allow_assignees([login for login in EVERYONE if login != "sec-bob"])
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(scenario / "workspace"),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": str(scenario / "ci-results"),
        "INPUT_OUTCOMES": (scenario / "outcomes.json").read_text(encoding="utf-8"),
        "INPUT_CONFIG": str(scenario / "issueplan.yml"),
        "INPUT_GITHUB-TOKEN": "test-token",
        "INPUT_API-URL": fake_github.base_url,
        "INPUT_WRITE-INTERVAL": "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "issueplan.action"],
        cwd=scenario,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [message for name, _, message in runner_commands(done.stdout) if name == "warning"]
    assert [message.split(":")[0] for message in warnings] == ["sec-bob was not assigned"]
    summary = (runner / "summary.md").read_text(encoding="utf-8")
    assert "> **Warning:** sec-bob was not assigned" in summary
    assert "@sec-bob" not in summary
    assert assignees(fake_github)["SEC-001"] == ["auth-erin", "sec-alice"]
