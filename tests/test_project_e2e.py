"""The project board end to end: the real CLI and the action entrypoint, as subprocesses, against the fake
GitHub (REST and GraphQL over loopback) on the seed scenario."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub
from issueplan.tracker.sandbox.faults import Fault
from issueplan.tracker.sandbox.graphql_routes import is_mutation
from issueplan.tracker.sandbox.replies import Reply

NOW = "2025-08-20T10:05:39.316987Z"
SEED_CONFIG = """\
suites:
  - name: unit_tests
  - name: api_tests
  - name: frontend_tests
  - name: security_tests
  - name: integration_tests
"""
TEAMS = ("development_team", "security_team", "devops_team", "qa_team")
# The acceptance board: Status, Priority, Team and Due date only (no Effort, no Type), and a field of the
# people's own that issueplan does not map.
BOARD = (
    ("Status", "SINGLE_SELECT", ("Todo", "In Progress", "Done")),
    ("Priority", "SINGLE_SELECT", ("Critical", "High", "Medium", "Low")),
    ("Team", "SINGLE_SELECT", TEAMS),
    ("Due date", "DATE", ()),
    ("Sprint", "TEXT", ()),
)
PASSING_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="1" time="0.1">
<testcase classname="tests.{kind}.test_ok" name="test_one" time="0.05"/>
</testsuite></testsuites>
"""
FAILING_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="1" time="0.1">
<testcase classname="tests.{name}" name="test_one" time="0.05"><failure message="boom">boom</failure>
</testcase>
</testsuite></testsuites>
"""
PROJECT_TOKEN = "project-" + "T0kenForTheBoard" * 2


@pytest.fixture
def scenario(seed_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "scenario"
    shutil.copytree(seed_dir / "scenario", copy)
    (copy / "issueplan.yml").write_text(SEED_CONFIG, encoding="utf-8")
    return copy


def project_url(fake: FakeGitHub, number: int = 5) -> str:
    return f"{fake.site.origin}/orgs/octo/projects/{number}"


def run_cli(
    fake: FakeGitHub, scenario: Path, *extra: str, board: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_TOKEN": "test-token", "PROJECT_TOKEN": PROJECT_TOKEN}
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
        *(("--project", project_url(fake)) if board else ()),
    ]
    return subprocess.run(
        [sys.executable, "-m", "issueplan", "sync", *args, *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def synced(
    fake: FakeGitHub, scenario: Path, *extra: str, board: bool = True
) -> subprocess.CompletedProcess[str]:
    done = run_cli(fake, scenario, *extra, board=board)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def numbers_by_id(fake: FakeGitHub) -> dict[str, int]:
    found = {}
    for issue in fake.issues():
        parsed = parse_issue_body(issue.get("body") or "")
        if parsed is not None:
            found[parsed.marker.id] = issue["number"]
    return found


def mutations(fake: FakeGitHub) -> int:
    """Mutation fields sent (each alias counts)."""
    return sum(
        exchange.body["query"].count("ProjectV2Item")  # addProjectV2ItemById / updateProjectV2ItemFieldValue
        for exchange in fake.graphql()
        if is_mutation(exchange.body)
    )


def test_the_seed_lands_on_the_project_with_its_values_and_a_rerun_writes_nothing(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    done = synced(fake_github, scenario)
    ids = numbers_by_id(fake_github)
    board = fake_github.project_values("octo", 5)
    assert sorted(board) == sorted(ids.values()), "every managed issue is on the project"
    assert len(board) == 11
    assert board[ids["SEC-001"]] == {
        "Status": "Todo",
        "Priority": "Critical",
        "Team": "security_team",
        "Due date": "2025-08-23",
    }
    assert board[ids["PERF-002"]] == {
        "Status": "Todo",
        "Priority": "Medium",
        "Team": "qa_team",
        "Due date": "2025-09-20",
    }
    assert all(values["Status"] == "Todo" for values in board.values())
    # Effort and Type are default names the board lacks: said in the log, not an error.
    assert "no field 'Effort'" in done.stderr
    assert "no field 'Type'" in done.stderr
    assert PROJECT_TOKEN not in done.stdout + done.stderr

    fake_github.clear_log()
    again = synced(fake_github, scenario)
    assert fake_github.writes() == [], "an identical re-run: no REST write and no GraphQL mutation"
    assert len(fake_github.graphql()) == 1, "one query reads the board's fields and its 11 items"
    assert "11 unchanged" in again.stdout


def test_closing_an_item_sets_done_and_humans_keep_their_status_and_their_fields(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    synced(fake_github, scenario)
    ids = numbers_by_id(fake_github)
    # People at work on the board: a Status on an open item, their own Sprint field, and a Priority (mapped).
    fake_github.human_set_project_field(ids["SEC-002"], "Status", "In Progress", owner="octo", number=5)
    fake_github.human_set_project_field(ids["SEC-002"], "Sprint", "Sprint 12", owner="octo", number=5)
    fake_github.human_set_project_field(ids["ENH-002"], "Priority", "Low", owner="octo", number=5)
    # The unit and security suites pass: BUG-001, BUG-004 and ENH-001 are closed (see test_cli_e2e).
    for suite, kind in (("unit_tests", "unit"), ("security_tests", "security")):
        (scenario / "ci-results" / suite / "junit.xml").write_text(PASSING_JUNIT.format(kind=kind))
    outcomes = json.loads((scenario / "outcomes.json").read_text(encoding="utf-8"))
    outcomes.update(unit_tests="success", security_tests="success")
    (scenario / "outcomes.json").write_text(json.dumps(outcomes), encoding="utf-8")
    done = synced(fake_github, scenario)
    board = fake_github.project_values("octo", 5)
    closed = {
        number
        for number, issue in ((i["number"], i) for i in fake_github.issues())
        if issue["state"] == "closed"
    }
    assert closed == {ids["BUG-001"], ids["BUG-004"], ids["ENH-001"]}
    assert all(board[number]["Status"] == "Done" for number in closed)
    assert board[ids["SEC-002"]]["Status"] == "In Progress", "a Status a person chose stays"
    assert board[ids["SEC-002"]]["Sprint"] == "Sprint 12", "a field the config does not map is never touched"
    assert board[ids["ENH-002"]]["Priority"] == "High", "a mapped field follows the item"
    assert "set project fields of issue" in done.stdout

    fake_github.clear_log()
    synced(fake_github, scenario)
    assert fake_github.writes() == []


def test_a_reopened_item_goes_back_to_the_open_status(
    fake_github: FakeGitHub, scenario: Path, seed_dir: Path
) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    junit = scenario / "ci-results" / "unit_tests" / "junit.xml"
    synced(fake_github, scenario)
    ids = numbers_by_id(fake_github)
    outcomes_path = scenario / "outcomes.json"
    seed_outcomes = outcomes_path.read_text(encoding="utf-8")
    junit.write_text(PASSING_JUNIT.format(kind="unit"))
    outcomes_path.write_text(json.dumps({**json.loads(seed_outcomes), "unit_tests": "success"}))
    synced(fake_github, scenario)
    # BUG-001 is the unit suite's item here (with the config's suites, see test_cli_e2e)
    assert fake_github.project_values("octo", 5)[ids["BUG-001"]]["Status"] == "Done"
    shutil.copy(seed_dir / "scenario/ci-results/unit_tests/junit.xml", junit)
    outcomes_path.write_text(seed_outcomes)
    done = synced(fake_github, scenario)
    assert "reopen issue" in done.stdout
    assert fake_github.project_values("octo", 5)[ids["BUG-001"]]["Status"] == "Todo"


def test_a_missing_option_exits_2_naming_it_before_any_write(fake_github: FakeGitHub, scenario: Path) -> None:
    without_critical = tuple(
        (name, kind, tuple(o for o in options if o != "Critical")) for name, kind, options in BOARD
    )
    fake_github.create_project("octo", 5, fields=without_critical)
    done = run_cli(fake_github, scenario)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "has no option 'critical'" in done.stderr
    assert "'Priority'" in done.stderr
    assert "Settings" in done.stderr, "it says how to add it"
    assert fake_github.writes() == [], "no REST write and no mutation"
    assert len(fake_github.issues()) == 1, "only the seeded pull request"


def test_a_missing_field_the_config_names_exits_2(fake_github: FakeGitHub, scenario: Path) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    config = scenario / "issueplan.yml"
    config.write_text(SEED_CONFIG + "project:\n  fields:\n    effort: Effort\n", encoding="utf-8")
    done = run_cli(fake_github, scenario)
    assert done.returncode == 2
    assert "has no field 'Effort'" in done.stderr
    assert fake_github.writes() == []


def test_an_unreadable_board_stops_the_run_before_any_write(fake_github: FakeGitHub, scenario: Path) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    refusal = {"message": "Bad credentials", "documentation_url": "https://docs.github.com/graphql"}
    fake_github.inject(Fault(method="POST", path="^/graphql$", status=401, times=100, body=refusal))
    done = run_cli(fake_github, scenario)
    assert done.returncode == 4, done.stdout + done.stderr
    assert "could not read the project" in done.stderr
    assert "Bad credentials" in done.stderr
    assert "GITHUB_TOKEN cannot access projects" in done.stderr
    assert [e for e in fake_github.exchanges if e.method in {"POST", "PATCH", "PUT", "DELETE"}] == [
        e for e in fake_github.exchanges if e.path == "/graphql"
    ], "no REST write: the board is read before anything is decided"


def _refuse_the_first_value(_url: str, reply: Reply) -> None:
    """GitHub refusing one aliased mutation of each request, beside the others' data."""
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if isinstance(data, dict) and "u0" in data:
        data["u0"] = None
        reply.body["errors"] = [{"type": "FORBIDDEN", "path": ["u0"], "message": "The field is locked"}]


def test_a_refused_value_is_reported_with_githubs_message_and_exit_4(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    fake_github.inject(Fault(method="POST", path="^/graphql$", times=1000, rewrite=_refuse_the_first_value))
    done = run_cli(fake_github, scenario)
    assert done.returncode == 4, done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED: ")]
    assert failed, done.stdout
    assert all("to the project" in line and "The field is locked" in line for line in failed)
    assert "11 created" in done.stdout, "the issues were created; only some board values failed"
    assert "GitHub refused or failed" in done.stderr

    fake_github.faults.clear()
    synced(fake_github, scenario)
    fake_github.clear_log()
    synced(fake_github, scenario)
    assert fake_github.writes() == [], "the next run finished the job"


def test_github_enterprise_server_is_asked_at_api_graphql(
    fake_github_factory: Callable[..., FakeGitHub], scenario: Path
) -> None:
    fake = fake_github_factory(api_prefix="/api/v3")
    fake.create_project("octo", 5, fields=BOARD)
    synced(fake, scenario)
    assert {exchange.path for exchange in fake.graphql()} == {"/api/graphql"}
    assert len(fake.project_values("octo", 5)) == 11


def test_s16_the_write_budget_counts_mutation_requests_and_the_next_run_finishes(
    fake_github: FakeGitHub, scenario: Path
) -> None:
    synced(fake_github, scenario, board=False)  # the issues exist; the board comes later
    fake_github.create_project("octo", 5, fields=BOARD)
    fake_github.clear_log()
    done = synced(fake_github, scenario, "--max-writes", "2")
    assert len(fake_github.writes()) == 2, "the adds, then one request of values: the budget"
    assert "Stopped early (budget)" in done.stdout
    assert "left: set project fields" in done.stdout or "left: add issue" in done.stdout
    synced(fake_github, scenario)
    assert all(len(values) == 4 for values in fake_github.project_values("octo", 5).values())
    fake_github.clear_log()
    synced(fake_github, scenario)
    assert fake_github.writes() == []


def test_dry_run_lists_the_board_changes_and_writes_nothing(fake_github: FakeGitHub, scenario: Path) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    done = synced(fake_github, scenario, "--dry-run")
    assert fake_github.writes() == []
    assert done.stdout.count("to the project, set Status='Todo'") == 11
    assert (
        "would: add issue BUG-004 (new) to the project, set Status='Todo', Priority='Critical'" in done.stdout
    )


def test_a_project_without_its_token_is_a_usage_error(fake_github: FakeGitHub, scenario: Path) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    done = run_cli(fake_github, scenario, "--project-token-env", "NO_SUCH_VARIABLE")
    assert done.returncode == 2
    assert "GITHUB_TOKEN cannot access projects" in done.stderr
    assert fake_github.exchanges == []


def action_env(fake: FakeGitHub, scenario: Path, runner: Path, **inputs: str) -> dict[str, str]:
    runner.mkdir(exist_ok=True)
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
        "INPUT_API-URL": fake.base_url,
        "INPUT_WRITE-INTERVAL": "0",
        "INPUT_PROJECT": project_url(fake),
        "INPUT_PROJECT-TOKEN": PROJECT_TOKEN,
    }
    env.update(inputs)
    return env


def run_action(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "issueplan.action"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_action_keeps_the_board_too(fake_github: FakeGitHub, scenario: Path, tmp_path: Path) -> None:
    fake_github.create_project("octo", 5, fields=BOARD)
    env = action_env(fake_github, scenario, tmp_path / "runner")
    first = run_action(env, scenario)
    assert f"::add-mask::{PROJECT_TOKEN}" in first.stdout
    assert PROJECT_TOKEN not in first.stdout.replace(f"::add-mask::{PROJECT_TOKEN}", "")
    assert len(fake_github.project_values("octo", 5)) == len(numbers_by_id(fake_github)) > 0
    fake_github.clear_log()
    run_action(env, scenario)
    assert fake_github.writes() == []


def test_s11_a_fork_without_the_project_secret_still_dry_runs(
    fake_github: FakeGitHub, scenario: Path, tmp_path: Path
) -> None:
    """A fork's pull request gets no secrets: an empty project-token is no error there; nothing is written."""
    fake_github.create_project("octo", 5, fields=BOARD)
    event = tmp_path / "event.json"
    pull = {"head": {"repo": {"full_name": "mallory/demo"}}, "base": {"repo": {"full_name": "octo/demo"}}}
    event.write_text(json.dumps({"pull_request": pull}), encoding="utf-8")
    context = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "INPUT_PROJECT-TOKEN": "",
    }
    run_action(action_env(fake_github, scenario, tmp_path / "runner", **context), scenario)
    assert fake_github.writes() == []
    assert fake_github.graphql() == []


def test_the_sandbox_seeds_the_project_and_shows_its_fields(scenario: Path, tmp_path: Path) -> None:
    sandbox = tmp_path / "sandbox"
    args = [
        sys.executable, "-m", "issueplan", "sync", str(scenario / "ci-results"),
        "--outcomes", str(scenario / "outcomes.json"), "--workspace", str(scenario / "workspace"),
        "--config", str(scenario / "issueplan.yml"), "--now", NOW, "--sandbox", str(sandbox),
        "--project", "https://github.com/orgs/sandbox/projects/1",
    ]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key not in {"GITHUB_TOKEN", "PROJECT_TOKEN"}}
    first = subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    board = (sandbox / "issues.md").read_text(encoding="utf-8")
    assert "## Project sandbox/1: Action plan" in board
    assert "| Status | Priority | Team | Due date | Effort | Type |" in board
    assert board.count("| Todo | Critical |") == 7
    again = subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=300)
    assert again.returncode == 0
    assert "to the project" not in again.stdout
    assert "set project fields" not in again.stdout
    assert (sandbox / "issues.md").read_text(encoding="utf-8") == board


@pytest.mark.slow
def test_250_items_use_a_bounded_number_of_graphql_requests(fake_github: FakeGitHub, tmp_path: Path) -> None:
    """Reads: one query per 100 items; writes: the issues' ids per 100, adds and values 20 per request."""
    results = tmp_path / "results"
    suites = [f"suite_{n:03d}" for n in range(250)]
    for name in suites:
        (results / name).mkdir(parents=True)
        (results / name / "junit.xml").write_text(FAILING_JUNIT.format(name=name), encoding="utf-8")
    scenario = tmp_path / "scenario"
    (scenario / "workspace").mkdir(parents=True)
    (scenario / "workspace" / ".github" / "workflows").mkdir(parents=True)
    (scenario / "workspace" / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    fake_github.create_project("octo", 5, fields=BOARD)
    env = {**os.environ, "GITHUB_TOKEN": "test-token", "PROJECT_TOKEN": PROJECT_TOKEN}
    args = [
        sys.executable, "-m", "issueplan", "sync", str(results), "--workspace", str(scenario / "workspace"),
        "--now", NOW, "--repo", "octo/demo", "--api-url", fake_github.base_url, "--write-interval", "0",
        "--project", project_url(fake_github), "--allow-mass-create",
    ]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    items = len(fake_github.project_values("octo", 5))
    assert items >= 250
    requests = fake_github.graphql()
    reads = math.ceil(items / 100)
    # ids + adds + 4 values an item (Status, Priority, Team, Due date), 20 mutations a request
    bound = reads + math.ceil(items / 100) + math.ceil(items / 20) + math.ceil(items * 4 / 20)
    assert len(requests) <= bound
    assert mutations(fake_github) == items * 5

    fake_github.clear_log()
    again = subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=600)
    assert again.returncode == 0
    assert len(fake_github.graphql()) == reads
    assert fake_github.writes() == []
