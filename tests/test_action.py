"""The action's entrypoint: inputs from the environment, and whole runs of `python -m issueplan.action`
against the fake GitHub: outputs file, job summary, annotations, exit codes, fork and read-only runs, GHES.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from issueplan import action
from issueplan.action import ActionInputs, main
from issueplan.errors import UsageError
from issueplan.model import StepOutcome
from issueplan.modes import FailOn
from issueplan.tracker.sandbox import FakeGitHub
from issueplan.tracker.sandbox.faults import Fault
from runner_parsing import read_outputs, runner_commands

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TOKEN = "ghs_" + "T0kenForTheFakeGitHub" * 2
# What our own output may ask of the runner; anything else came from untrusted text (I9).
OUR_COMMANDS = {"add-mask", "error", "warning", "notice", "group", "endgroup"}


# --- inputs -------------------------------------------------------------------------------------------------


def test_inputs_read_the_same_with_dashes_or_underscores() -> None:
    dashed = ActionInputs.from_env(
        {"INPUT_GITHUB-TOKEN": "t1", "INPUT_DRY-RUN": "true", "INPUT_FAIL-ON": "High"}
    )
    underscored = ActionInputs.from_env(
        {"INPUT_GITHUB_TOKEN": "t1", "INPUT_DRY_RUN": "true", "INPUT_FAIL_ON": "High"}
    )
    assert dashed == underscored
    assert dashed.token is not None
    assert (dashed.token.get_secret_value(), dashed.dry_run, dashed.fail_on) == ("t1", True, FailOn.HIGH)


def test_absent_inputs_take_action_yml_defaults_and_the_context(tmp_path: Path) -> None:
    inputs = ActionInputs.from_env(
        {
            "GITHUB_REPOSITORY": "octo/demo",
            "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
            "GITHUB_WORKSPACE": str(tmp_path),
            "GITHUB_SERVER_URL": "https://ghe.example.com",
            "GITHUB_RUN_ID": "42",
            "INPUT_GITHUB-TOKEN": "t1",
        }
    )
    assert inputs.results == ("test-results/**",)
    assert (inputs.repository, inputs.api_url) == ("octo/demo", "https://ghe.example.com/api/v3")
    assert inputs.run_url == "https://ghe.example.com/octo/demo/actions/runs/42"
    # label and milestones: None means "as the config says" (the config's default: issueplan, by priority)
    assert (inputs.label, inputs.milestones, inputs.fail_on, inputs.summary, inputs.dry_run) == (
        None,
        None,
        FailOn.NEVER,
        True,
        False,
    )
    assert (inputs.write_interval, inputs.max_writes, inputs.dry_run_reason) == (0.8, None, None)


def test_results_and_outcomes_are_parsed() -> None:
    inputs = ActionInputs.from_env(
        {
            "INPUT_RESULTS": "reports/unit/*.xml, reports/api\n\n  scans/ \n",
            "INPUT_OUTCOMES": '{"unit_tests": "Failure", "e2e": "skipped"}',
        }
    )
    assert inputs.results == ("reports/unit/*.xml", "reports/api", "scans/")
    assert inputs.outcomes == {"unit_tests": StepOutcome.FAILURE, "e2e": StepOutcome.SKIPPED}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("INPUT_DRY-RUN", "maybe", "input `dry-run`: 'maybe' is not a boolean; use true or false"),
        ("INPUT_MILESTONES", "weekly", "input `milestones`: 'weekly' is not one of priority, week, none"),
        ("INPUT_FAIL-ON", "critcal", "(did you mean 'critical'?)"),
        ("INPUT_MAX-WRITES", "-3", "input `max-writes`: '-3' is not a whole number from 0 to 100000"),
        ("INPUT_WRITE-INTERVAL", "1000", "input `write-interval`: '1000' is not a number of seconds"),
        ("INPUT_OUTCOMES", "unit=failure", "input `outcomes`: not JSON"),
        ("INPUT_OUTCOMES", '["failure"]', "input `outcomes`: expected a JSON object of suite to outcome"),
        ("INPUT_OUTCOMES", '{"unit": "faild"}', "'faild' is not one of success, failure"),
        ("INPUT_REPOSITORY", "just-a-name", "input `repository`: 'just-a-name' is not OWNER/NAME"),
        ("INPUT_API-URL", "ghe.example.com", "GitHub Enterprise Server: https://HOST/api/v3"),
        ("INPUT_RESULTS", " , \n", "input `results` is empty"),
    ],
)
def test_a_bad_input_is_a_usage_error_naming_the_input_and_the_fix(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        ActionInputs.from_env({variable: value, "INPUT_GITHUB-TOKEN": "t1"})
    assert message in str(raised.value)


def _pull_request_event(tmp_path: Path, head: str | None, base: str = "octo/demo") -> dict[str, str]:
    head_repo = None if head is None else {"full_name": head}
    event = {"pull_request": {"head": {"repo": head_repo}, "base": {"repo": {"full_name": base}}}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path), "INPUT_GITHUB-TOKEN": "t1"}


def test_s11_a_pull_request_from_a_fork_is_a_dry_run_with_its_reason(tmp_path: Path) -> None:
    """S11: a `pull_request` event whose head is another repository cannot write: dry run, reason given."""
    inputs = ActionInputs.from_env(_pull_request_event(tmp_path, head="mallory/demo"))
    assert inputs.dry_run_reason is not None
    assert "mallory/demo" in inputs.dry_run_reason
    assert "\n" not in inputs.dry_run_reason
    assert inputs.job_options().dry_run_reason == inputs.dry_run_reason


@pytest.mark.parametrize(("head", "fork"), [("octo/demo", False), (None, True)])
def test_a_pull_request_is_a_fork_unless_its_head_is_the_base(
    tmp_path: Path, head: str | None, fork: bool
) -> None:
    inputs = ActionInputs.from_env(_pull_request_event(tmp_path, head=head))
    assert inputs.dry_run_reason is not None
    assert ("fork" in inputs.dry_run_reason) == fork


def test_every_pull_request_run_is_a_dry_run_even_from_the_repository_itself(tmp_path: Path) -> None:
    """Issue #10: a pull request's results are of code not merged yet; it shows what it would change."""
    inputs = ActionInputs.from_env(_pull_request_event(tmp_path, head="octo/demo"))
    assert inputs.dry_run_reason == "a pull request run shows what it would change and writes no issue"
    assert inputs.pull_request
    assert inputs.job_options().dry_run_reason == inputs.dry_run_reason


def test_an_unreadable_pull_request_event_counts_as_a_fork(tmp_path: Path) -> None:
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(tmp_path / "absent.json")}
    assert ActionInputs.from_env({**env, "INPUT_GITHUB-TOKEN": "t1"}).dry_run_reason is not None


def test_s11_no_token_means_plan_only_with_a_reason() -> None:
    """S11: without a token nothing can be read or written; the plan is still built (sync off)."""
    inputs = ActionInputs.from_env({"INPUT_GITHUB-TOKEN": "", "GITHUB_REPOSITORY": "octo/demo"})
    assert inputs.dry_run_reason is not None
    assert "no GitHub token" in inputs.dry_run_reason
    assert inputs.job_options().sync is False


def test_a_dependabot_run_is_a_dry_run() -> None:
    inputs = ActionInputs.from_env({"INPUT_GITHUB-TOKEN": "t1", "GITHUB_ACTOR": "dependabot[bot]"})
    assert inputs.dry_run_reason is not None
    assert "Dependabot" in inputs.dry_run_reason


def test_the_token_never_shows_in_the_inputs_repr() -> None:
    assert TOKEN not in repr(ActionInputs.from_env({"INPUT_GITHUB-TOKEN": TOKEN}))


# --- whole runs ---------------------------------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout like the bundled example's, with its CI results under test-results/."""
    root = tmp_path / "workspace"
    shutil.copytree(EXAMPLES / "workspace", root)
    shutil.copytree(EXAMPLES / "results", root / "test-results")
    return root


def _env(workspace: Path, fake: FakeGitHub | None, **inputs: str) -> dict[str, str]:
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "7",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": "test-results/",
        "INPUT_OUTCOMES": (EXAMPLES / "outcomes.json").read_text(encoding="utf-8"),
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_WRITE-INTERVAL": "0",
    }
    if fake is not None:
        env["INPUT_API-URL"] = fake.base_url
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    return env


class Run:
    def __init__(self, completed: subprocess.CompletedProcess[str], env: dict[str, str]) -> None:
        self.code = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        output = Path(env["GITHUB_OUTPUT"])
        summary = Path(env["GITHUB_STEP_SUMMARY"])
        self.outputs = read_outputs(output.read_text(encoding="utf-8")) if output.exists() else {}
        self.summary = summary.read_text(encoding="utf-8") if summary.exists() else ""
        self.commands = runner_commands(self.stdout)


@pytest.fixture
def run_action(workspace: Path) -> Callable[..., Run]:
    def run(fake: FakeGitHub | None, context: dict[str, str] | None = None, **inputs: Any) -> Run:
        env = _env(workspace, fake, **{k.replace("_", "-"): str(v) for k, v in inputs.items()})
        env.update(context or {})
        completed = subprocess.run(
            [sys.executable, "-m", "issueplan.action"],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Run(completed, env)

    return run


def test_a_run_syncs_and_reports_through_outputs_summary_and_annotations(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run], workspace: Path
) -> None:
    broken = workspace / "test-results" / "unit_tests" / "broken.xml"
    broken.write_text('<testsuite name="cut" tests="1"><testcase name="a">', encoding="utf-8")
    fake = fake_github_factory(token=TOKEN)
    run = run_action(fake)
    assert run.code == 0, run.stdout + run.stderr
    output_file = (workspace.parent / "runner" / "output").read_text(encoding="utf-8")
    assert re.match(r"overall-status<<ghadelimiter_[0-9a-f-]{36}\n", output_file)
    issues = json.loads(run.outputs["issues"])
    assert int(run.outputs["created"]) == len(issues) > 0
    titles = {record.number: record.title for record in fake.state.issues}
    assert set(issues.values()) <= set(titles)
    assert run.outputs["overall-status"] == "critical_failure"
    assert (run.outputs["updated"], run.outputs["closed"], run.outputs["reopened"]) == ("0", "0", "0")
    plan = json.loads((workspace / run.outputs["plan-json"]).read_text(encoding="utf-8"))
    assert sorted(item["id"] for item in plan["items"]) == sorted(issues)
    assert (workspace / run.outputs["plan-markdown"]).is_file()
    assert run.summary.strip()
    # The token is masked before anything else is printed, and never printed itself.
    assert run.commands[0][0] == "add-mask"
    assert TOKEN not in run.stdout.replace(f"::add-mask::{TOKEN}", "")
    # Failing cases of the examples become error annotations on their file.
    errors = [c for c in run.commands if c[0] == "error"]
    assert errors
    assert all("file" in properties for _, properties, _ in errors)
    # An unreadable result file is a warning on that file, relative to the workspace; the run goes on.
    warnings = [properties.get("file") for name, properties, _ in run.commands if name == "warning"]
    assert "test-results/unit_tests/broken.xml" in warnings


def test_i9_hostile_test_names_in_a_whole_run_emit_no_command_of_their_own(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run], workspace: Path
) -> None:
    """I9: a failing case named like workflow commands, run through the whole entrypoint, leaves only the
    commands issueplan means: masks for its token, annotations, groups."""
    # The suite is named after its folder, and its name reaches the logged change lines.
    hostile = workspace / "test-results" / "evil ##[add-mask]suite"
    hostile.mkdir()
    names = ["::warning::x", "::add-mask::y", "::stop-commands::z", "##[add-path]/tmp/evil"]
    cases = "".join(
        f'<testcase classname="h" name="{n}" file="tests/h.py" line="3"><failure message="{n}">{n}\n{n}'
        "</failure></testcase>"
        for n in names
    )
    (hostile / "junit.xml").write_text(
        f'<testsuite name="hostile" tests="{len(names)}" failures="{len(names)}">{cases}</testsuite>',
        encoding="utf-8",
    )
    run = run_action(fake_github_factory(token=TOKEN), dry_run="true")
    assert run.code == 0, run.stdout + run.stderr
    assert "]suite" in run.stdout  # the suite's name did reach a log line
    assert {name for name, _, _ in run.commands} <= OUR_COMMANDS
    assert [data for name, _, data in run.commands if name == "add-mask"] == [TOKEN]
    titles = {properties.get("title") for name, properties, _ in run.commands if name == "error"}
    assert {f"h.{n} failed" for n in names} <= titles


def test_a_second_run_reports_everything_unchanged(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run]
) -> None:
    fake = fake_github_factory(token=TOKEN)
    first = run_action(fake)
    fake.clear_log()
    second = run_action(fake)
    assert second.code == 0, second.stdout + second.stderr
    assert second.outputs["created"] == "0"
    assert second.outputs["unchanged"] == first.outputs["created"]
    assert second.outputs["issues"] == first.outputs["issues"]
    assert fake.writes() == []


@pytest.mark.parametrize(("fail_on", "code"), [("never", 0), ("low", 2), ("critical", 1), ("any", 1)])
def test_fail_on_sets_the_exit_code(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run], fail_on: str, code: int
) -> None:
    run = run_action(fake_github_factory(token=TOKEN), dry_run="true", fail_on=fail_on)
    assert run.code == code, run.stdout + run.stderr
    if code == 1:
        # The plan is still published when the step fails on it.
        assert run.outputs["overall-status"] == "critical_failure"
        assert run.summary.strip()
        assert any(name == "error" and "fail-on" in data for name, _, data in run.commands)


def test_s11_a_fork_pull_request_writes_nothing_and_still_summarises(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run], workspace: Path
) -> None:
    """S11: a `pull_request` from a fork: no write reaches GitHub; plan, summary and outputs are produced."""
    fake = fake_github_factory(token=TOKEN, permissions="read")
    event = workspace.parent / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "head": {"repo": {"full_name": "mallory/demo"}},
                    "base": {"repo": {"full_name": "octo/demo"}},
                }
            }
        ),
        encoding="utf-8",
    )
    run = run_action(fake, {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)})
    assert run.code == 0, run.stdout + run.stderr
    assert fake.writes() == []
    assert "Dry run" in run.summary
    assert "mallory/demo" in run.summary
    assert run.outputs["overall-status"] == "critical_failure"
    assert run.outputs["created"] == "0"
    assert any(name == "notice" and "mallory/demo" in data for name, _, data in run.commands)


def test_s11_a_fork_whose_token_cannot_even_read_issues_still_summarises(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run], workspace: Path
) -> None:
    """S11: a fork's dry run whose issue reads are refused: a warning, no write, the plan still published."""
    fake = fake_github_factory(token=TOKEN, permissions="read")
    fake.inject(Fault.forbidden_integration(method="GET", times=1_000))
    run = run_action(
        fake, {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(workspace / "none")}
    )
    assert run.code == 0, run.stdout + run.stderr
    assert fake.writes() == []
    assert "Not synced" in run.summary
    assert run.outputs["overall-status"] == "critical_failure"
    assert any(name == "warning" and "could not read the issues" in data for name, _, data in run.commands)


def test_s11_a_read_only_token_fails_clearly_without_writes_and_still_summarises(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run]
) -> None:
    """S11: a read-only token on a push: no write is accepted, exit 4 naming the permission, and the plan is
    still in the job summary."""
    fake = fake_github_factory(token=TOKEN, permissions="read")
    run = run_action(fake)
    assert run.code == 4, run.stdout + run.stderr
    assert [w for w in fake.writes() if w.status < 400] == []
    assert "Not synced" in run.summary
    assert run.outputs["overall-status"] == "critical_failure"
    [error] = [data for name, _, data in run.commands if name == "error" and "issues" in data]
    assert "write" in error


def test_a_github_enterprise_server_api_url_is_used_as_given(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run]
) -> None:
    fake = fake_github_factory(token=TOKEN, api_prefix="/api/v3")
    assert fake.base_url.endswith("/api/v3")
    run = run_action(fake)
    assert run.code == 0, run.stdout + run.stderr
    assert int(run.outputs["created"]) > 0
    assert all(exchange.path.startswith("/api/v3/") for exchange in fake.exchanges)


def test_a_bad_input_exits_2_with_an_error_annotation(run_action: Callable[..., Run]) -> None:
    run = run_action(None, milestones="monthly")
    assert run.code == 2
    [(name, _, data)] = [c for c in run.commands if c[0] != "add-mask"]
    assert name == "error"
    assert "input `milestones`" in data
    assert run.outputs == {}


# --- the error boundary -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "code"), [(KeyboardInterrupt(), 130), (RuntimeError("::warning::boom"), 3)]
)
def test_unexpected_failures_map_to_their_exit_codes(
    monkeypatch: pytest.MonkeyPatch, workspace: Path, raised: BaseException, code: int
) -> None:
    def explode(*_: Any, **__: Any) -> Any:
        raise raised

    monkeypatch.setattr(action, "run_job", explode)
    monkeypatch.chdir(workspace)
    stdout = io.StringIO()
    assert main(_env(workspace, None), stdout=stdout) == code
    # Even a bug's traceback, whose text we do not control, runs no command.
    assert {name for name, _, _ in runner_commands(stdout.getvalue())} <= OUR_COMMANDS
    assert "::warning::boom" not in [data for _, _, data in runner_commands(stdout.getvalue())]


def test_the_job_summary_links_every_issue_the_run_touched(
    fake_github_factory: Callable[..., FakeGitHub], run_action: Callable[..., Run], workspace: Path
) -> None:
    """Issue 13 point 6: the summary is the triage view: each created issue by number, linked on the
    workflow's server; a dry run says "would"; no instant finer than a minute anywhere."""
    fake = fake_github_factory(token=TOKEN)
    run = run_action(fake)
    assert run.code == 0, run.stdout + run.stderr
    issues = json.loads(run.outputs["issues"])
    changed = run.summary.split("### Issues changed in this run", 1)[1].split("###", 1)[0]
    linked = re.findall(
        r"\[#(\d+)\]\(https://github\.com/octo/demo/issues/(\d+)\) \| ([A-Z]+-\d+) \|", changed
    )
    assert sorted((int(a), item) for a, b, item in linked if a == b) == sorted(
        (number, item) for item, number in issues.items()
    )
    assert all(row.endswith("| created |") for row in changed.strip().splitlines()[2:])
    assert "| security_tests | security | ⚠️ 6 findings |" in run.summary
    assert not re.search(r"\d:\d\d:\d\d", run.summary)
    (workspace.parent / "runner" / "summary.md").unlink()
    unit = workspace / "test-results" / "unit_tests"
    shutil.rmtree(unit)
    unit.mkdir()
    (unit / "junit.xml").write_text(
        '<testsuite name="unit" tests="1"><testcase classname="t" name="ok"/></testsuite>', encoding="utf-8"
    )
    outcomes = json.loads((EXAMPLES / "outcomes.json").read_text(encoding="utf-8")) | {
        "unit_tests": "success"
    }
    dry = run_action(fake, dry_run="true", outcomes=json.dumps(outcomes))
    assert dry.code == 0, dry.stdout + dry.stderr
    number = issues["BUG-003"]
    assert f"| [#{number}](https://github.com/octo/demo/issues/{number}) | BUG-003 |" in dry.summary
    assert "| would close |" in dry.summary
