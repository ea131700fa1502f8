"""Issue 13's acceptance list through the action's entrypoint (`issueplan.action.main(env)`), for the lines
the CLI's tests prove on their own (tests/test_cli_e2e.py, tests/policy/test_plan_cli.py,
tests/test_mixed_scenario.py): the seed still gives its 11 items, two medium advisories give no critical
item, 81 findings of one rule are one group, and 200 failing suites are refused, by the CLI and the action,
unless the creation guard is lifted."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issueplan import action
from issueplan.errors import ExitCode
from issueplan.tracker.sandbox import FakeGitHub
from runner_parsing import read_outputs

DATA = Path(__file__).resolve().parent / "data"
SCENARIOS = DATA / "scenarios"
TOKEN = "ghs_" + "AcceptanceToken0" * 2
SEED_CONFIG = """\
suites:
  - name: unit_tests
  - name: api_tests
  - name: frontend_tests
  - name: security_tests
  - name: integration_tests
"""


class ActionRun:
    def __init__(self, code: int, log: str, runner: Path, workspace: Path) -> None:
        self.code, self.log = code, log
        self.summary = (runner / "summary.md").read_text(encoding="utf-8")
        self.outputs = read_outputs((runner / "output").read_text(encoding="utf-8"))
        self.plan: dict[str, Any] = json.loads(
            (workspace / self.outputs["plan-json"]).read_text(encoding="utf-8")
        )
        self.markdown = (workspace / self.outputs["plan-markdown"]).read_text(encoding="utf-8")


def run_action(workspace: Path, monkeypatch: pytest.MonkeyPatch, **inputs: str) -> ActionRun:
    """The action in `workspace` (results under test-results/), as a runner starts it; no token unless
    given: a plan-only run that still writes the summary, the outputs and the plan files."""
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": "test-results/",
        "INPUT_WRITE-INTERVAL": "0",
        **{f"INPUT_{name.replace('_', '-').upper()}": value for name, value in inputs.items()},
    }
    (runner / "output").unlink(missing_ok=True)
    (runner / "summary.md").unlink(missing_ok=True)
    monkeypatch.chdir(workspace)
    log = io.StringIO()
    code = action.main(env, stdout=log)
    return ActionRun(code, log.getvalue(), runner, workspace)


def checkout(tmp_path: Path, results: Path | None = None) -> Path:
    """The healthy scenario's checkout (CI, monitoring, a k6 script), with `results` as its test-results/."""
    workspace = tmp_path / "workspace"
    shutil.copytree(SCENARIOS / "healthy" / "workspace", workspace)
    if results is not None:
        shutil.copytree(results, workspace / "test-results")
    return workspace


def test_the_seed_scenario_gives_its_eleven_items_through_the_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(DATA / "seed" / "scenario" / "workspace", workspace)
    shutil.copytree(DATA / "seed" / "scenario" / "ci-results", workspace / "test-results")
    (workspace / "issueplan.yml").write_text(SEED_CONFIG, encoding="utf-8")
    outcomes = (DATA / "seed" / "scenario" / "outcomes.json").read_text(encoding="utf-8")
    run = run_action(workspace, monkeypatch, outcomes=outcomes, config="issueplan.yml")
    assert run.code == 0, run.log
    assert [item["id"] for item in run.plan["items"]] == [
        "BUG-004", "BUG-005", "SEC-001", "BUG-001", "BUG-002", "BUG-003", "ENH-001",
        "SEC-002", "ENH-002", "INF-002", "PERF-002",
    ]  # fmt: skip
    assert run.outputs["overall-status"] == "critical_failure"
    assert "11 actions (7 critical, 3 high, 1 medium)" in run.summary


def test_two_medium_advisories_give_no_critical_item_through_the_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_action(checkout(tmp_path, SCENARIOS / "medium-advisories" / "results"), monkeypatch)
    assert run.code == 0, run.log
    assert [(item["id"], item["priority"]) for item in run.plan["items"]] == [("BUG-001", "high")]
    assert run.outputs["overall-status"] == "failing"
    assert "critical" not in run.summary.split("### Action items", 1)[1].split("###", 1)[0]


def test_81_findings_of_one_rule_are_one_group_through_the_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = [
        {
            "ruleId": "py/sql-injection",
            "message": {"text": "This query depends on a user-provided value."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f"app/q{n}.py"},
                        "region": {"startLine": n + 1},
                    }
                }
            ],
        }
        for n in range(81)
    ]
    rule = {"id": "py/sql-injection", "properties": {"tags": ["security", "external/cwe/cwe-089"]}}
    log = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "CodeQL", "rules": [rule]}}, "results": results}],
    }
    workspace = checkout(tmp_path)
    (workspace / "test-results" / "scans").mkdir(parents=True)
    (workspace / "test-results" / "scans" / "codeql.sarif").write_text(json.dumps(log), encoding="utf-8")
    run = run_action(workspace, monkeypatch)
    assert run.code == 0, run.log
    assert "**Findings**: 81 findings in 1 group" in run.markdown
    assert run.markdown.count("- **CodeQL py/sql-injection**") == 1
    assert "| medium | CodeQL py/sql-injection | 81 | `app/q0.py:1` |" in run.summary
    assert run.summary.count("CodeQL py/sql-injection") == 1
    [owner] = [item for item in run.plan["items"] if item["key"].startswith("findings/")]
    assert len(owner["evidence"]["findings"]) == 81, "plan.json lists every finding"


# --- 200 failing suites: a broken runner, not 200 problems -------------------------------------------------

SUITES = 200
CLI = (sys.executable, "-m", "issueplan")


def two_hundred_failing_suites(workspace: Path) -> None:
    for n in range(SUITES):
        folder = workspace / "test-results" / f"suite_{n:03d}"
        folder.mkdir(parents=True)
        (folder / "junit.xml").write_text(
            f'<testsuite name="s{n}" tests="1" failures="1"><testcase classname="c" name="t">'
            '<failure message="runner lost"/></testcase></testsuite>',
            encoding="utf-8",
        )


@pytest.fixture
def broken_runner(tmp_path: Path) -> Path:
    workspace = checkout(tmp_path)
    two_hundred_failing_suites(workspace)
    return workspace


def test_200_failing_suites_are_refused_by_the_cli_without_allow_mass_create(
    fake_github_factory: Callable[..., FakeGitHub], broken_runner: Path
) -> None:
    fake = fake_github_factory(token=TOKEN)
    done = subprocess.run(
        [*CLI, "sync", "test-results", "--repo", "octo/demo", "--api-url", fake.base_url],
        cwd=broken_runner,
        env={"PATH": "/usr/bin:/bin", "GITHUB_TOKEN": TOKEN, "HOME": str(broken_runner.parent)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr
    assert fake.writes() == []
    found = re.search(r"would create (\d+) new issues", done.stderr)
    assert found, done.stderr
    assert int(found.group(1)) > SUITES, "one per failing suite, and the checkout's own items"
    assert "more than the 50" in done.stderr
    assert "--allow-mass-create" in done.stderr
    assert "BUG-200" in done.stdout, "the plan is still shown"


def test_200_failing_suites_are_refused_by_the_action_without_allow_mass_create(
    fake_github_factory: Callable[..., FakeGitHub], broken_runner: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_github_factory(token=TOKEN)
    run = run_action(broken_runner, monkeypatch, github_token=TOKEN, api_url=fake.base_url)
    assert run.code == ExitCode.FAILED, run.log
    assert fake.writes() == []
    assert "allow-mass-create: true" in run.log
    assert "Not synced" in run.summary
    assert len(run.plan["items"]) > SUITES, "the plan is still published"
