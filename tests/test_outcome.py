"""What a run reports, through the real CLI (`issueplan.cli.main`) and the action's entrypoint
(`issueplan.action.main(env)`) against the fake GitHub with injected faults: every operation's fate, counts
that say only what happened, the exit code, budget stops, guards, and the links of new issues in a dry run.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from issueplan import action, cli
from issueplan.errors import ExitCode
from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub, Fault
from runner_parsing import read_outputs, runner_commands

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = "2026-11-20T10:00:00Z"
TOKEN = "ghs_" + "OutcomeTestToken0" * 2
DOCS = "https://docs.github.com/rest"
ITEMS = 10  # the bundled example's plan
LOCKED = "Unable to create comment because issue is locked."
COUNTS = re.compile(r"(\d+) created, (\d+) updated, (\d+) closed, (\d+) reopened, (\d+) unchanged")
WOULD = re.compile(r"would create (\d+), update (\d+), close (\d+), reopen (\d+), (\d+) unchanged")


@dataclass
class FaultAfter(Fault):
    """A Fault that lets the first `after` matching requests through (e.g. a 403 after 5 creates)."""

    after: int = 0
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        if not super().matches(method, path):
            return False
        self.seen += 1
        return self.seen > self.after


def github_error(status: int, message: str) -> Fault:
    return Fault(method="*", status=status, body={"message": message, "documentation_url": DOCS})


@pytest.fixture
def fake(fake_github_factory: Callable[..., FakeGitHub]) -> FakeGitHub:
    return fake_github_factory(token=TOKEN)


@pytest.fixture
def sync_cli(
    fake: FakeGitHub, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """`issueplan sync` on the bundled example against the fake; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)

    def run(*extra: str) -> tuple[int, str, str]:
        argv = [
            "sync",
            str(EXAMPLES / "results"),
            "--outcomes",
            str(EXAMPLES / "outcomes.json"),
            "--workspace",
            str(EXAMPLES / "workspace"),
            "--now",
            NOW,
            "--repo",
            "octo/demo",
            "--api-url",
            fake.base_url,
            "--write-interval",
            "0",
            *extra,
        ]
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        out, err = capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 1), out, err

    return run


def counts(out: str) -> tuple[int, ...]:
    [found] = COUNTS.findall(out)
    return tuple(int(n) for n in found)


def managed(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [issue for issue in fake.issues() if parse_issue_body(issue["body"] or "") is not None]


def _number_of(fake: FakeGitHub, item_id: str) -> int:
    for issue in managed(fake):
        parsed = parse_issue_body(issue["body"])
        if parsed is not None and parsed.marker.id == item_id:
            return int(issue["number"])
    raise AssertionError(f"no issue for {item_id}")


# --- S17: failures are failures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message"), [(502, "Server Error"), (422, "Validation Failed")], ids=["502", "422"]
)
def test_s17_every_write_refused_exits_4_names_each_failure_and_counts_nothing_done(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]], status: int, message: str
) -> None:
    for method in ("POST", "PATCH"):
        fault = github_error(status, message)
        fault.method, fault.times = method, 10_000
        fake.inject(fault)

    code, out, err = sync_cli()

    assert code == ExitCode.GITHUB
    assert counts(out) == (0, 0, 0, 0, 0)
    assert managed(fake) == []
    failed = [line for line in out.splitlines() if line.startswith("FAILED: ")]
    assert failed, out
    assert all(f": {status} {message}" in line for line in failed)
    assert any(line.startswith("FAILED: create issue ") for line in failed)
    assert f"GitHub refused or failed {len(failed)} changes" in err
    assert "create label 'issueplan'" in err


@pytest.mark.parametrize(
    ("status", "message"), [(404, "Not Found"), (410, "This issue was deleted")], ids=["404", "410"]
)
def test_s17_one_patch_answering_404_or_410_fails_that_update_only(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]], status: int, message: str
) -> None:
    sync_cli()
    gone, kept = _number_of(fake, "BUG-001"), _number_of(fake, "BUG-002")
    fake.human_edit(gone, title="renamed by a human")
    fake.human_edit(kept, title="renamed too")
    fault = github_error(status, message)
    fault.method, fault.path = "PATCH", rf"/issues/{gone}$"
    fake.inject(fault)

    code, out, err = sync_cli()

    assert code == ExitCode.GITHUB
    assert counts(out) == (0, 1, 0, 0, ITEMS - 2)
    assert "1 failed" in out
    assert f"FAILED: update issue #{gone} (BUG-001): title: {status} {message}" in out
    assert f"update issue #{gone}" in err
    assert f"{status} {message}" in err
    renamed = {issue["number"]: issue["title"] for issue in fake.issues()}
    assert renamed[kept].startswith("BUG-002")


# --- S18: a 403 that is not about permissions ---------------------------------------------------------------


def test_s18_a_locked_issues_comment_fails_that_change_only_and_the_run_goes_on(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]]
) -> None:
    sync_cli()
    locked, other = _number_of(fake, "BUG-001"), _number_of(fake, "BUG-002")
    for number in (locked, other):
        fake.human_edit(number, state="closed", state_reason="completed")
    fault = github_error(403, LOCKED)
    fault.method, fault.path = "POST", rf"/issues/{locked}/comments$"
    fake.inject(fault)

    code, out, err = sync_cli()

    assert code == ExitCode.GITHUB
    assert f"FAILED: reopen issue #{locked} (BUG-001) with a comment; body: 403 {LOCKED}" in out
    assert "the issue was reopened, the comment not posted" in out
    # Both reopened issues' markers record the reopen (the lifecycle's memory) in the reopen's own edit.
    assert counts(out) == (0, 0, 0, 1, ITEMS - 2)
    assert "Stopped" not in out
    assert "issues: write" not in err, "a locked issue is no missing permission"
    state = {issue["number"]: issue["state"] for issue in fake.issues()}
    assert state[other] == "open"
    assert "reopened" in fake.comments(other)[-1]["body"]


# --- a permission refusal mid-run keeps what was done ----------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(EXAMPLES / "workspace", root)
    shutil.copytree(EXAMPLES / "results", root / "test-results")
    return root


@dataclass
class ActionRun:
    code: int
    stdout: str
    outputs: dict[str, str]
    summary: str

    @property
    def errors(self) -> list[str]:
        return [data for name, _, data in runner_commands(self.stdout) if name == "error"]


@pytest.fixture
def run_action(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., ActionRun]:
    monkeypatch.chdir(workspace)

    def run(fake: FakeGitHub, **inputs: str) -> ActionRun:
        runner = workspace.parent / "runner"
        shutil.rmtree(runner, ignore_errors=True)
        runner.mkdir()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_REPOSITORY": "octo/demo",
            "GITHUB_EVENT_NAME": "push",
            "GITHUB_OUTPUT": str(runner / "output"),
            "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
            "INPUT_RESULTS": "test-results/",
            "INPUT_OUTCOMES": (EXAMPLES / "outcomes.json").read_text(encoding="utf-8"),
            "INPUT_GITHUB-TOKEN": TOKEN,
            "INPUT_API-URL": fake.base_url,
            "INPUT_WRITE-INTERVAL": "0",
            **{f"INPUT_{name.upper().replace('_', '-')}": value for name, value in inputs.items()},
        }
        stdout = io.StringIO()
        code = action.main(env, stdout=stdout)
        output = runner / "output"
        summary = runner / "summary.md"
        return ActionRun(
            code=code,
            stdout=stdout.getvalue(),
            outputs=read_outputs(output.read_text(encoding="utf-8")) if output.exists() else {},
            summary=summary.read_text(encoding="utf-8") if summary.exists() else "",
        )

    return run


def test_a_403_permission_refusal_after_5_creates_keeps_the_partial_result_and_exits_4(
    fake: FakeGitHub, run_action: Callable[..., ActionRun]
) -> None:
    refusal = FaultAfter(method="POST", path=r"/issues$", status=403, after=5, times=10_000)
    refusal.body = {"message": "Resource not accessible by integration", "documentation_url": DOCS}
    fake.inject(refusal)

    run = run_action(fake)

    assert run.code == ExitCode.GITHUB
    assert len(managed(fake)) == 5
    assert run.outputs["created"] == "5"
    assert run.outputs["failed"] == "1"
    assert int(run.outputs["left"]) >= ITEMS - 6
    assert sorted(json.loads(run.outputs["issues"]).values()) == sorted(i["number"] for i in managed(fake))
    assert "Nothing was synced" not in run.stdout
    assert run.stdout.count("Reading results from") == 1, "the job is never run twice"
    assert "5 created" in run.stdout
    assert any("403 Resource not accessible by integration" in e and "issues: write" in e for e in run.errors)
    stop = r"lack of permission .*; stopped after \d+ writes, (\d+) changes left for the next run"
    [left] = [m.group(1) for e in run.errors if (m := re.search(stop, e))]
    assert left == run.outputs["left"]
    assert "Stopped early (permission)" in run.summary
    assert "Failed:" in run.summary


def test_s17_the_action_reports_every_502_as_failed_and_exits_4(
    fake: FakeGitHub, run_action: Callable[..., ActionRun]
) -> None:
    fake.inject(Fault.server_error(502, method="POST", times=10_000))

    run = run_action(fake)

    assert run.code == ExitCode.GITHUB
    assert run.outputs["created"] == "0"
    assert int(run.outputs["failed"]) > 0
    assert "0 created" in run.stdout
    assert any("502 Server Error" in error for error in run.errors)
    assert run.outputs["overall-status"] == "critical_failure"  # the plan is still published


# --- S16: the write budget ----------------------------------------------------------------------------------


def test_s16_a_write_budget_stop_says_how_many_writes_and_what_is_left_then_the_next_run_finishes(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]]
) -> None:
    code, out, _ = sync_cli("--max-writes", "3")

    assert code == ExitCode.OK
    [stop] = [line for line in out.splitlines() if line.startswith("Stopped early")]
    left = [line for line in out.splitlines() if line.startswith("left: ")]
    assert stop == (
        f"Stopped early (budget): the write budget of 3 is spent; stopped after 3 writes, "
        f"{len(left)} changes left for the next run"
    )
    assert f"{len(left)} left for the next run" in out
    assert len(fake.writes()) == 3

    code, out, _ = sync_cli()
    assert code == ExitCode.OK
    assert counts(out)[0] == ITEMS
    fake.clear_log()
    sync_cli()
    assert fake.writes() == []


# --- dry runs count as real runs do ------------------------------------------------------------------------


def test_a_dry_run_counts_exactly_what_the_real_run_then_does(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]]
) -> None:
    _, dry_first, _ = sync_cli("--dry-run")
    _, real_first, _ = sync_cli()
    [would] = WOULD.findall(dry_first)
    assert tuple(map(int, would)) == counts(real_first) == (ITEMS, 0, 0, 0, 0)

    for item_id in ("BUG-001", "BUG-002", "BUG-003"):
        fake.human_edit(_number_of(fake, item_id), title="renamed")
    _, dry, _ = sync_cli("--dry-run")
    _, real, _ = sync_cli()

    [would] = WOULD.findall(dry)
    updates = [line for line in dry.splitlines() if line.startswith("would: update issue #")]
    assert len(updates) == 3
    assert tuple(map(int, would)) == counts(real) == (0, 3, 0, 0, ITEMS - 3)


def test_the_links_of_new_issues_are_listed_by_the_dry_run_and_written_without_a_re_read(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]]
) -> None:
    _, dry, _ = sync_cli("--dashboard", "--dry-run")
    follow_ups = [line for line in dry.splitlines() if "links to the new issues of" in line]
    assert follow_ups, dry
    assert all(line.startswith("would: update issue ") for line in follow_ups)
    listed = len([line for line in dry.splitlines() if line.startswith("would: ")])
    fake.clear_log()

    code, real, _ = sync_cli("--dashboard")

    assert code == ExitCode.OK
    linked = [line for line in real.splitlines() if "links to the new issues of" in line]
    assert len(linked) == len(follow_ups)
    writes = fake.writes()
    assert len([w for w in writes if w.method == "PATCH"]) == len(follow_ups)
    assert len(writes) == listed
    first_write = fake.exchanges.index(writes[0])
    assert not [e for e in fake.exchanges[first_write:] if e.method == "GET"], "no re-read after the writes"
    board = next(i for i in managed(fake) if parse_issue_body(i["body"]).marker.key == "dashboard/default")
    for issue in managed(fake):
        if issue["number"] != board["number"]:
            assert f"#{issue['number']} **" in board["body"]
    fake.clear_log()
    sync_cli("--dashboard")
    assert fake.writes() == [], "S1: the run after is a no-op"


# --- --fail-on names what reached it ------------------------------------------------------------------------


def test_fail_on_exits_1_naming_the_items_that_reached_it(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]], run_action: Callable[..., ActionRun]
) -> None:
    code, out, err = sync_cli("--fail-on", "critical", "--dry-run")

    assert code == ExitCode.FAILED
    [line] = [line for line in err.splitlines() if "fail-on" in line]
    criticals = re.findall(r"^(\S+)\s+critical\b", out, flags=re.MULTILINE)
    assert criticals
    assert f"fail-on critical: {len(criticals)} items reached it" in line
    for item_id in criticals:
        assert f"{item_id} (critical)" in line

    run = run_action(fake, dry_run="true", fail_on="critical")
    assert run.code == ExitCode.FAILED
    assert any(all(f"{i} (critical)" in error for i in criticals) for error in run.errors)


# --- S23: the creation guard --------------------------------------------------------------------------------


def test_s23_more_new_issues_than_allowed_is_refused_without_writes_unless_allowed(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]], run_action: Callable[..., ActionRun]
) -> None:
    code, out, err = sync_cli("--max-new-issues", "3")

    assert code == ExitCode.FAILED
    assert fake.writes() == []
    assert f"would create {ITEMS} new issues" in err
    assert "more than the 3" in err
    assert "--allow-mass-create" in err
    assert "BUG-001" in out, "the plan is still shown"

    run = run_action(fake, max_new_issues="3")
    assert run.code == ExitCode.FAILED
    assert fake.writes() == []
    assert any("allow-mass-create: true" in error for error in run.errors)
    assert "Not synced" in run.summary
    assert run.outputs["overall-status"] == "critical_failure"

    code, out, _ = sync_cli("--max-new-issues", "3", "--allow-mass-create")
    assert code == ExitCode.OK
    assert counts(out)[0] == ITEMS


def test_a_refused_read_of_the_issues_exits_4_writes_nothing_and_still_shows_the_plan(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]]
) -> None:
    refusal = github_error(403, "Resource not accessible by integration")
    refusal.method, refusal.path = "GET", r"/issues$"
    fake.inject(refusal)

    code, out, err = sync_cli()

    assert code == ExitCode.GITHUB
    assert fake.writes() == []
    assert f"{ITEMS} items, status critical_failure: nothing synced" in out
    assert "BUG-001" in out
    assert "403" in err


def test_a_github_failure_outranks_fail_on_and_both_are_reported(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]]
) -> None:
    fake.inject(FaultAfter(method="POST", path=r"/issues$", status=502, after=7, times=100))

    code, out, err = sync_cli("--fail-on", "any")

    assert code == ExitCode.GITHUB
    assert counts(out)[0] == 7
    assert f"{ITEMS - 7} failed" in out
    assert f"GitHub refused or failed {ITEMS - 7} changes" in err
    assert f"fail-on any: {ITEMS} items reached it" in err


def test_a_negative_max_new_issues_is_a_usage_error_before_any_write(
    fake: FakeGitHub, sync_cli: Callable[..., tuple[int, str, str]], run_action: Callable[..., ActionRun]
) -> None:
    code, _, err = sync_cli("--max-new-issues", "-1")
    assert code == ExitCode.USAGE
    assert "--max-new-issues" in err

    run = run_action(fake, max_new_issues="-1")
    assert run.code == ExitCode.USAGE
    assert any("input `max-new-issues`: '-1'" in error for error in run.errors)
    assert fake.exchanges == []
