"""Issue types and sub-issues end to end: the real CLI and the action entrypoint, as subprocesses, against the
fake GitHub over loopback (its exchanges checked against GitHub's OpenAPI description at teardown)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub, Fault
from test_project_e2e import (
    FAILING_JUNIT,
    NOW,
    PASSING_JUNIT,
    action_env,
    numbers_by_id,
    run_action,
    run_cli,
    scenario,
    synced,
)

__all__ = ["scenario"]  # the fixture, shared with the board's end-to-end tests

TYPES = ["Bug", "Feature", "Task", "Epic"]
NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def types(fake: FakeGitHub) -> dict[str, str | None]:
    return {item_id: fake.issue_type_of(number) for item_id, number in numbers_by_id(fake).items()}


def item_creates(fake: FakeGitHub) -> list[dict[str, object]]:
    return [e.body for e in fake.writes() if e.method == "POST" and e.path == "/repos/octo/demo/issues"]


def test_the_seed_gets_the_repositorys_issue_types_and_keeps_a_humans(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    fake_github.offer_issue_types(TYPES)
    synced(fake_github, scenario, board=False)

    found = types(fake_github)
    assert len(found) == 11
    assert found["SEC-001"] == "Bug", "security -> Bug"
    assert found["BUG-001"] == "Bug"
    assert found["ENH-001"] == "Feature"
    assert found["INF-002"] == "Task"
    assert all(item.get("type") for item in item_creates(fake_github)), "set in the create request itself"
    assert not [e for e in fake_github.writes() if e.method == "PATCH" and "type" in (e.body or {})]

    fake_github.human_set_issue_type(numbers_by_id(fake_github)["ENH-001"], "Epic")
    fake_github.clear_log()
    synced(fake_github, scenario, board=False)
    assert fake_github.writes() == [], "an identical re-run writes nothing; the human's type is no change"
    assert types(fake_github)["ENH-001"] == "Epic"


def test_no_type_is_requested_where_the_repository_answers_404(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    done = synced(fake_github, scenario, board=False)  # the fake's repository has no issue types

    creates = item_creates(fake_github)
    assert len(creates) == 11
    assert all("type" not in body for body in creates)
    assert "FAILED" not in done.stdout
    assert "issue type" not in done.stderr, "silently"
    labels = {label["name"] for issue in fake_github.issues() for label in issue["labels"]}
    assert {"type: security", "type: bug_fix", "type: enhancement", "type: infrastructure"} <= labels


def test_the_dashboard_parents_the_open_items_and_a_closed_one_leaves_it(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    dry = synced(fake_github, scenario, "--dashboard", "--dry-run", board=False)
    assert dry.stdout.count("would: attach issue ") == 11
    assert "would: attach issue BUG-004 (new) under DASHBOARD (new) as a sub-issue" in dry.stdout
    assert fake_github.writes() == []

    synced(fake_github, scenario, "--dashboard", board=False)
    ids = numbers_by_id(fake_github)
    board = ids.pop("DASHBOARD")
    assert sorted(fake_github.sub_issue_numbers(board)) == sorted(ids.values())

    # The unit and security suites pass: BUG-001, BUG-004 and ENH-001 are closed (see test_project_e2e).
    for suite, kind in (("unit_tests", "unit"), ("security_tests", "security")):
        (scenario / "ci-results" / suite / "junit.xml").write_text(PASSING_JUNIT.format(kind=kind))
    outcomes = json.loads((scenario / "outcomes.json").read_text(encoding="utf-8"))
    outcomes.update(unit_tests="success", security_tests="success")
    (scenario / "outcomes.json").write_text(json.dumps(outcomes), encoding="utf-8")
    done = synced(fake_github, scenario, "--dashboard", board=False)

    closed = {ids["BUG-001"], ids["BUG-004"], ids["ENH-001"]}
    assert {i["number"] for i in fake_github.issues() if i["state"] == "closed"} == closed
    assert sorted(fake_github.sub_issue_numbers(board)) == sorted(set(ids.values()) - closed)
    assert done.stdout.count("detach issue #") == 3

    fake_github.clear_log()
    again = synced(fake_github, scenario, "--dashboard", board=False)
    assert fake_github.writes() == []
    reads = [e for e in fake_github.exchanges if e.method == "GET"]
    # ceil(11/100) issues + labels + milestones + issue types + the dashboard's sub-issues
    assert len(reads) == 5, [e.path for e in reads]
    assert "8 unchanged" in again.stdout


def test_more_than_100_open_items_go_through_one_holder_per_priority(
    fake_github: FakeGitHub, tmp_path: Path, seed_dir: Path
) -> None:
    results = tmp_path / "many"
    for number in range(1, 103):
        suite = results / f"suite_{number:03}"
        suite.mkdir(parents=True)
        (suite / "junit.xml").write_text(FAILING_JUNIT.format(name=suite.name), encoding="utf-8")
    args = [
        str(results), "--workspace", str(seed_dir / "scenario" / "workspace"), "--now", NOW,
        "--repo", "octo/demo", "--api-url", fake_github.base_url, "--write-interval", "0",
        "--dashboard", "--allow-mass-create",
    ]  # fmt: skip
    env = {**os.environ, "GITHUB_TOKEN": "test-token"}
    env.pop("GITHUB_REPOSITORY", None)

    def run() -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "issueplan", "sync", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run()
    keys = {}
    for issue in fake_github.issues():
        parsed = parse_issue_body(issue["body"] or "")
        if parsed is not None and issue["state"] == "open":
            keys[parsed.marker.key] = issue["number"]
    board = keys.pop("dashboard/default")
    holders = {key: number for key, number in keys.items() if key.startswith("dashboard/")}
    items = {key: number for key, number in keys.items() if key not in holders}
    assert len(items) > 100
    assert sorted(fake_github.sub_issue_numbers(board)) == sorted(holders.values())
    assert "dashboard/default/priority/critical/2" in holders, "102 failing suites: two holders"
    held = [child for number in holders.values() for child in fake_github.sub_issue_numbers(number)]
    assert sorted(held) == sorted(items.values()), "every open item under exactly one holder"
    assert all(len(fake_github.sub_issue_numbers(number)) <= 100 for number in holders.values())

    fake_github.clear_log()
    run()
    assert fake_github.writes() == []


def test_the_action_degrades_silently_where_sub_issues_answer_404(
    fake_github: FakeGitHub, scenario: Path, tmp_path: Path
) -> None:
    fake_github.offer_issue_types(TYPES)
    fake_github.inject(Fault(path=r"/sub_issues?$", status=404, times=100, body=NOT_FOUND))
    env = action_env(fake_github, scenario, tmp_path / "runner", INPUT_DASHBOARD="true", INPUT_PROJECT="")
    first = run_action(env, scenario)
    assert "FAILED" not in first.stdout
    assert types(fake_github)["SEC-001"] == "Bug", "issue types work beside it"
    tries = [e for e in fake_github.exchanges if "sub_issue" in e.path]
    assert len(tries) == 1, "the first 404 ends it: no other sub-issue request"

    fake_github.clear_log()
    run_action(env, scenario)
    assert fake_github.writes() == []
    assert [e.status for e in fake_github.exchanges if "sub_issue" in e.path] == [404], "one read"


def test_a_refused_attach_is_reported_and_exits_4(fake_github: FakeGitHub, scenario: Path) -> None:
    refusal = {
        "message": "Validation Failed",
        "errors": [{"resource": "SubIssue", "code": "custom", "message": "the parent is locked"}],
        "documentation_url": "https://docs.github.com/rest",
    }
    fake_github.inject(Fault(method="POST", path=r"/sub_issues$", status=422, times=1, body=refusal))

    done = run_cli(fake_github, scenario, "--dashboard", board=False)

    assert done.returncode == 4, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED: ")]
    assert len(failed) == 1
    assert "as a sub-issue: 422 Validation Failed" in failed[0]
    synced(fake_github, scenario, "--dashboard", board=False)  # the next run attaches it
    fake_github.clear_log()
    synced(fake_github, scenario, "--dashboard", board=False)
    assert fake_github.writes() == []
