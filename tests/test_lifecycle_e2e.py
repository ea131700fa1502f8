"""Issue #10's acceptance, end to end: sequences of runs of the real CLI (`issueplan sync … --now …` through
cli.main, the command's own entry, in this process to keep dozens of runs fast; one run per step, a day or
more apart, each with its own run id) and of the action's entrypoint against the fake GitHub over loopback.
After every step the test says which issue of the key is open or closed; it counts comments and writes but
never reads their wording (render/comments.py owns that)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from issueplan import action, cli
from issueplan.render.managed_block import parse_issue_body
from issueplan.render.marker import HISTORY_LIMIT, Marker
from issueplan.tracker.sandbox import FakeGitHub

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
KEY = "suite-failed/unit_tests"
FAILING = """<?xml version="1.0"?><testsuite name="t">
<testcase classname="app.CartTest" name="test_total"><failure message="boom">boom</failure></testcase>
<testcase classname="app.CartTest" name="test_empty"/></testsuite>
"""
PASSING = """<?xml version="1.0"?><testsuite name="t">
<testcase classname="app.CartTest" name="test_total"/><testcase classname="app.CartTest" name="test_empty"/>
</testsuite>
"""
SUREFIRE_FLAKY = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.example.PaymentTest" tests="2" errors="0" skipped="0" failures="0">
  <testcase name="chargesCard" classname="com.example.PaymentTest" time="0.4">
    <flakyFailure message="expected 200 but was 503" type="java.lang.AssertionError">
      <stackTrace>java.lang.AssertionError: expected 200 but was 503</stackTrace>
    </flakyFailure>
  </testcase>
  <testcase name="refunds" classname="com.example.PaymentTest" time="0.3"/>
</testsuite>
"""
SUREFIRE_CLEAN = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.example.PaymentTest" tests="2" errors="0" skipped="0" failures="0">
  <testcase name="chargesCard" classname="com.example.PaymentTest" time="0.4"/>
  <testcase name="refunds" classname="com.example.PaymentTest" time="0.3"/>
</testsuite>
"""
PYTEST_RERUN = """<?xml version="1.0" encoding="utf-8"?><testsuites>
<testsuite name="pytest" errors="0" failures="1" skipped="0" tests="3" time="2.1">
<testcase classname="tests.test_api" name="test_login" file="tests/test_api.py" line="12" time="1.0">
<failure message="AssertionError: 502 != 200">tests/test_api.py:14: AssertionError</failure></testcase>
<testcase classname="tests.test_api" name="test_login" file="tests/test_api.py" line="12" time="0.9"/>
<testcase classname="tests.test_api" name="test_health" file="tests/test_api.py" line="40" time="0.2"/>
</testsuite></testsuites>
"""
PYTEST_CLEAN = """<?xml version="1.0" encoding="utf-8"?><testsuites>
<testsuite name="pytest" errors="0" failures="0" skipped="0" tests="2" time="1.1">
<testcase classname="tests.test_api" name="test_login" file="tests/test_api.py" line="12" time="0.9"/>
<testcase classname="tests.test_api" name="test_health" file="tests/test_api.py" line="40" time="0.2"/>
</testsuite></testsuites>
"""
FLAKY_FORMATS = {
    "surefire flakyFailure": (
        "backend_java",
        SUREFIRE_FLAKY,
        SUREFIRE_CLEAN,
        "flaky/backend_java/com.example.PaymentTest.chargesCard",
    ),
    "pytest rerun": ("api_tests", PYTEST_RERUN, PYTEST_CLEAN, "flaky/api_tests/tests.test_api.test_login"),
}


def write_results(root: Path, suite: str, text: str) -> None:
    folder = root / "test-results" / suite
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "junit.xml").write_text(text, encoding="utf-8")


class Repository:
    """One repository's CI: results under test-results/, a config, and `sync`, a run of the real CLI `days`
    after the last one with the next workflow run id."""

    def __init__(self, fake: FakeGitHub, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.fake, self.root, self.capsys = fake, root, capsys
        self.now = START
        self.run_id = 1000
        self.configure("extends: default\n")
        self.results("unit_tests", FAILING)

    def configure(self, text: str) -> None:
        (self.root / "issueplan.yml").write_text(text, encoding="utf-8")

    def results(self, suite: str, text: str) -> None:
        write_results(self.root, suite, text)

    def sync(self, *, days: float = 1) -> str:
        self.now += timedelta(days=days)
        self.run_id += 1
        argv = [
            "sync",
            str(self.root / "test-results"),
            "--config",
            str(self.root / "issueplan.yml"),
            "--now",
            self.now.isoformat().replace("+00:00", "Z"),
            "--run-url",
            f"https://github.com/octo/demo/actions/runs/{self.run_id}",
            "--repo",
            "octo/demo",
            "--api-url",
            self.fake.base_url,
            "--write-interval",
            "0",
        ]
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        out, err = self.capsys.readouterr()
        assert exited.value.code == 0, out + err
        return out

    def fail(self, **kwargs: Any) -> str:
        self.results("unit_tests", FAILING)
        return self.sync(**kwargs)

    def pass_(self, **kwargs: Any) -> str:
        self.results("unit_tests", PASSING)
        return self.sync(**kwargs)


@pytest.fixture
def repo(
    fake_github: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Repository:
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    # A run inside a workflow would take these from the environment; the test gives them as options.
    for name in ("GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_SERVER_URL", "GITHUB_SHA", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return Repository(fake_github, tmp_path, capsys)


def issues_of(fake: FakeGitHub, key: str) -> list[dict[str, Any]]:
    """Every issue (open or closed) whose marker names `key`, oldest first."""
    found = []
    for issue in fake.issues():
        parsed = parse_issue_body(str(issue.get("body") or ""))
        if parsed is not None and parsed.marker.key == key:
            found.append(issue)
    return found


def states(fake: FakeGitHub, key: str = KEY) -> list[tuple[int, str]]:
    return [(issue["number"], issue["state"]) for issue in issues_of(fake, key)]


def marker(issue: dict[str, Any]) -> Marker:
    parsed = parse_issue_body(str(issue["body"]))
    assert parsed is not None
    return parsed.marker


def issue_no(fake: FakeGitHub, number: int) -> dict[str, Any]:
    return next(issue for issue in fake.issues() if issue["number"] == number)


def labels(issue: dict[str, Any]) -> set[str]:
    return {label["name"] for label in issue["labels"]}


def writes_to(fake: FakeGitHub, number: int) -> list[str]:
    """The writes of any kind (edit, comment, close, reopen, labels) to issue #number since the log was
    cleared."""
    own = re.compile(rf"/issues/{number}(?:/|$)")
    return [f"{e.method} {e.path}" for e in fake.writes() if own.search(e.path)]


def test_fail_pass_fail_pass_pass_pass_closes_reopens_then_closes_on_the_third_pass(
    repo: Repository,
) -> None:
    """S15 with damping: the returning problem reopens its own issue, which then needs three healthy runs."""
    repo.fail()
    ((number, state),) = states(repo.fake)
    assert state == "open"
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")], "close_after: 1, the first healthy run closes"
    repo.fail()
    assert states(repo.fake) == [(number, "open")], "back within the window: the same issue, reopened"
    repo.pass_()
    assert states(repo.fake) == [(number, "open")], "reopened in the window: 3 healthy runs needed"
    repo.pass_()
    assert states(repo.fake) == [(number, "open")]
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")], "the third healthy run in a row closes it"
    assert len(repo.fake.comments(number)) == 3, "closed, reopened, closed: one comment each"
    assert issue_no(repo.fake, number)["state_reason"] == "completed"


def test_close_after_two_closes_on_the_second_pass_not_the_first(repo: Repository) -> None:
    repo.configure("extends: default\nlifecycle:\n  close_after: 2\n")
    repo.fail()
    ((number, _),) = states(repo.fake)
    repo.pass_()
    assert states(repo.fake) == [(number, "open")], "one healthy run is not enough with close_after: 2"
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")]


def test_a_failure_between_passes_starts_the_count_again(repo: Repository) -> None:
    repo.configure("extends: default\nlifecycle:\n  close_after: 2\n")
    repo.fail()
    ((number, _),) = states(repo.fake)
    repo.pass_()
    repo.fail()
    repo.pass_()
    assert states(repo.fake) == [(number, "open")], "the failure ended the streak of one"
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")]


def test_a_return_within_the_window_reopens_and_a_later_one_opens_a_new_issue_following_it(
    repo: Repository,
) -> None:
    repo.fail()
    ((number, _),) = states(repo.fake)
    repo.pass_()
    repo.fail(days=10)
    assert states(repo.fake) == [(number, "open")], "10 days after the close is within reopen_within_days"
    for _ in range(3):
        repo.pass_()
    assert states(repo.fake) == [(number, "closed")]
    comments = len(repo.fake.comments(number))

    repo.fail(days=11)
    ((old, old_state), (new, new_state)) = states(repo.fake)
    assert (old, old_state, new_state) == (number, "closed", "open"), "after the window: a new issue"
    follower = issues_of(repo.fake, KEY)[1]
    assert marker(follower).follows == number
    assert f"#{number}" in follower["body"], "the new issue links the old one"
    assert len(repo.fake.comments(number)) == comments, "the old issue is left as it was"
    repo.pass_()
    assert states(repo.fake) == [(number, "closed"), (new, "closed")], "a fresh issue: close_after again"
    repo.fail()
    assert states(repo.fake) == [(number, "closed"), (new, "open")], "the newest of the key's issues reopens"
    for _ in range(3):  # reopened within the window: close_after_flapping
        repo.pass_()
    repo.fail(days=12)
    ((_, first), (_, second), (third, _)) = states(repo.fake)
    assert (first, second) == ("closed", "closed")
    assert marker(issue_no(repo.fake, third)).follows == new, "each new issue follows the one before"


def test_two_reopens_make_it_flaky_it_stays_open_until_a_human_removes_the_label(repo: Repository) -> None:
    repo.fail()
    ((number, _),) = states(repo.fake)
    repo.pass_()  # closed
    repo.fail()  # reopened once
    for _ in range(3):
        repo.pass_()  # closed again
    assert states(repo.fake) == [(number, "closed")]
    repo.fail()  # reopened twice within the window
    (issue,) = issues_of(repo.fake, KEY)
    assert issue["state"] == "open"
    assert "flaky" in labels(issue)
    assert marker(issue).flaky_since is not None
    repo.fake.clear_log()
    for _ in range(6):
        repo.pass_()
        assert states(repo.fake) == [(number, "open")], "a flaky issue is not closed automatically"
    assert writes_to(repo.fake, number) == [], "nor written to by healthy runs"

    repo.fake.human_edit(number, labels=sorted(labels(issue) - {"flaky"}))
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")], "the label removed, the next healthy run closes it"


def test_an_update_of_a_flaky_issue_keeps_its_label(repo: Repository) -> None:
    repo.fail()
    ((number, _),) = states(repo.fake)
    for step in (repo.pass_, repo.fail, repo.pass_, repo.pass_, repo.pass_, repo.fail):
        step()
    assert "flaky" in labels(issue_no(repo.fake, number))
    repo.fake.clear_log()
    repo.results(
        "unit_tests", FAILING.replace('name="test_empty"/>', 'name="test_empty"><failure/></testcase>')
    )
    repo.sync()  # two failing tests now: the body is rewritten
    assert f"PATCH /repos/octo/demo/issues/{number}" in writes_to(repo.fake, number)
    (issue,) = issues_of(repo.fake, KEY)
    assert "flaky" in labels(issue), "issueplan's own flaky label is not taken off by its next update"
    assert marker(issue).flaky_since is not None
    assert "test_empty" in issue["body"]


@pytest.mark.parametrize("fmt", sorted(FLAKY_FORMATS))
def test_a_flaky_test_stays_open_through_four_clean_runs_and_closes_on_the_fifth_after_seven_quiet_days(
    repo: Repository, fmt: str
) -> None:
    suite, flaky, clean, key = FLAKY_FORMATS[fmt]
    repo.results("unit_tests", PASSING)
    repo.results(suite, flaky)
    repo.sync()
    ((number, _),) = states(repo.fake, key)
    repo.results(suite, clean)
    for run in range(1, 5):
        repo.sync(days=2)
        assert states(repo.fake, key) == [(number, "open")], f"clean run {run} of 5"
    repo.sync(days=2)
    assert states(repo.fake, key) == [(number, "closed")], "the fifth clean run, 8 quiet days after the first"


@pytest.mark.parametrize("fmt", sorted(FLAKY_FORMATS))
def test_a_flaky_test_is_not_closed_on_the_fifth_clean_run_before_seven_quiet_days(
    repo: Repository, fmt: str
) -> None:
    suite, flaky, clean, key = FLAKY_FORMATS[fmt]
    repo.results("unit_tests", PASSING)
    repo.results(suite, flaky)
    repo.sync()
    ((number, _),) = states(repo.fake, key)
    repo.results(suite, clean)
    first_clean = repo.now + timedelta(days=1)
    for _ in range(7):  # daily: the fifth clean run is only 4 days after the first
        repo.sync()
        assert states(repo.fake, key) == [(number, "open")], f"{repo.now - first_clean} quiet"
    repo.sync()
    assert repo.now - first_clean == timedelta(days=7)
    assert states(repo.fake, key) == [(number, "closed")], "seven quiet days and more than five clean runs"


def test_a_flaky_rerun_among_the_clean_runs_starts_the_count_again(repo: Repository) -> None:
    suite, flaky, clean, key = FLAKY_FORMATS["pytest rerun"]
    repo.results("unit_tests", PASSING)
    repo.results(suite, flaky)
    repo.sync()
    ((number, _),) = states(repo.fake, key)
    repo.results(suite, clean)
    for _ in range(4):
        repo.sync(days=2)
    repo.results(suite, flaky)
    repo.sync(days=2)
    repo.results(suite, clean)
    for _ in range(4):
        repo.sync(days=2)
        assert states(repo.fake, key) == [(number, "open")]
    repo.sync(days=2)
    assert states(repo.fake, key) == [(number, "closed")]


@pytest.mark.parametrize(
    ("config", "label"),
    [("", "snoozed"), ("lifecycle:\n  snooze_label: on-hold\n", "On-Hold")],
    ids=["default label", "configured label, other case"],
)
def test_a_snooze_label_means_zero_writes_for_its_issue_until_it_is_removed(
    repo: Repository, config: str, label: str
) -> None:
    repo.configure(f"extends: default\n{config}")
    repo.fail()
    ((number, _),) = states(repo.fake)
    issue = issue_no(repo.fake, number)
    repo.fake.human_edit(number, labels=[*labels(issue), label])
    repo.fake.clear_log()
    for step in (repo.pass_, repo.fail, repo.pass_, repo.fail):
        step()
        assert states(repo.fake) == [(number, "open")]
    repo.pass_(days=20)
    assert writes_to(repo.fake, number) == [], "no edit, comment, close or reopen while snoozed"
    comments = len(repo.fake.comments(number))

    repo.fake.human_edit(number, labels=sorted(labels(issue)))
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")], "the label gone, it syncs again"
    assert len(repo.fake.comments(number)) == comments + 1


def test_a_snooze_date_in_the_body_means_zero_writes_until_it_passes_then_it_is_said_once(
    repo: Repository,
) -> None:
    repo.fail()
    ((number, _),) = states(repo.fake)
    until = (repo.now + timedelta(days=3)).date()
    body = issue_no(repo.fake, number)["body"]
    repo.fake.human_edit(number, body=f"{body}\n\nWaiting for the vendor.\nsnooze: {until.isoformat()}\n")
    repo.fake.clear_log()
    for step in (repo.pass_, repo.fail, repo.pass_):  # the last of them on the date itself
        step()
        assert states(repo.fake) == [(number, "open")]
    assert repo.now.date() == until
    assert writes_to(repo.fake, number) == [], "no write of any kind up to and on the snooze date"

    repo.fail()  # the day after: it syncs again, and the end of the snooze is said
    assert len(repo.fake.comments(number)) == 1
    assert states(repo.fake) == [(number, "open")]
    repo.fail()
    assert len(repo.fake.comments(number)) == 1, "said once"
    repo.pass_()
    assert states(repo.fake) == [(number, "closed")]
    assert f"snooze: {until.isoformat()}" in issue_no(repo.fake, number)["body"], "the human's line stays"


def test_a_snoozed_closed_issue_is_not_reopened(repo: Repository) -> None:
    repo.fail()
    ((number, _),) = states(repo.fake)
    repo.pass_()
    issue = issue_no(repo.fake, number)
    repo.fake.human_edit(number, labels=[*labels(issue), "snoozed"])
    repo.fake.clear_log()
    repo.fail()
    assert states(repo.fake) == [(number, "closed")]
    assert writes_to(repo.fake, number) == []
    assert [state for _, state in states(repo.fake)] == ["closed"], "nor replaced by a new issue"


def test_an_issue_closed_as_not_planned_gets_no_write_whatever_the_runs_see(repo: Repository) -> None:
    """S14: not planned stays closed, and nothing is written to it."""
    repo.fail()
    ((number, _),) = states(repo.fake)
    repo.fake.human_edit(number, state="closed", state_reason="not_planned")
    repo.fake.clear_log()
    for step in (repo.fail, repo.pass_, repo.fail):
        step()
        assert states(repo.fake) == [(number, "closed")]
    assert writes_to(repo.fake, number) == []


def test_the_schema_command_lists_every_lifecycle_key_of_the_default_policy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["schema"])
    assert exited.value.code == 0
    schema = json.loads(capsys.readouterr().out)
    lifecycle = schema["$defs"]["Lifecycle"]
    assert schema["properties"]["lifecycle"]["$ref"] == "#/$defs/Lifecycle"
    default = (Path(cli.__file__).parent / "policy" / "default.yml").read_text(encoding="utf-8")
    section = default.split("\nlifecycle:", 1)[1].split("\n\n", 1)[0]
    keys = re.findall(r"^  ([a-z_]+):", section, flags=re.MULTILINE)
    assert keys, "default.yml has a lifecycle section"
    assert set(keys) <= set(lifecycle["properties"])
    assert set(lifecycle["properties"]) == {
        "close_after",
        "quiet_days",
        "close_after_flapping",
        "reopen_within_days",
        "flaky_after",
        "flaky_clean_runs",
        "flaky_quiet_days",
        "flaky_label",
        "snooze_label",
    }
    assert lifecycle["additionalProperties"] is False, "a misspelt key is refused, not ignored"
    for name, spec in lifecycle["properties"].items():
        assert spec.get("description"), f"lifecycle.{name} has a description"
        if spec.get("type") == "integer":
            assert "minimum" in spec, f"lifecycle.{name} has a lower bound"
    for name in ("close_after", "close_after_flapping", "flaky_clean_runs"):
        assert lifecycle["properties"][name]["maximum"] == HISTORY_LIMIT, "no streak the marker cannot hold"


@pytest.mark.parametrize("name", ["close_after", "close_after_flapping", "flaky_clean_runs"])
def test_a_streak_longer_than_the_marker_remembers_is_refused_before_any_run(
    repo: Repository, name: str
) -> None:
    """The marker keeps the last 10 observations: `close_after: 14` could never be counted, so it would
    silently never close. It is a config error instead, naming the key and the bound."""
    repo.configure(f"extends: default\nlifecycle:\n  {name}: 14\n")
    repo.fake.clear_log()
    with pytest.raises(SystemExit) as exited:
        cli.main(["plan", str(repo.root / "test-results"), "--config", str(repo.root / "issueplan.yml")])
    assert exited.value.code == 2
    err = repo.capsys.readouterr().err
    assert f"lifecycle.{name}: input should be less than or equal to 10 (got 14)" in err
    repo.configure(f"extends: default\nlifecycle:\n  {name}: 10\n")
    repo.fail()
    assert len(states(repo.fake)) == 1, "10 is allowed"


# --- the action's entrypoint -------------------------------------------------------------------------------


def run_action(fake: FakeGitHub, workspace: Path, run_id: int) -> int:
    runner = workspace / "runner"
    runner.mkdir(exist_ok=True)
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": str(run_id),
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": str(workspace / "test-results"),
        "INPUT_CONFIG": str(workspace / "issueplan.yml"),
        "INPUT_GITHUB-TOKEN": "test-token",
        "INPUT_API-URL": fake.base_url,
        "INPUT_WRITE-INTERVAL": "0",
    }
    return action.main(env, stdout=io.StringIO())


def test_the_action_drives_the_same_lifecycle_fail_pass_fail_reopens_and_damps(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    """The action has no clock input: its runs are moments apart, all within the reopen window."""
    (tmp_path / "issueplan.yml").write_text("extends: default\n", encoding="utf-8")
    steps = [(FAILING, "open"), (PASSING, "closed"), (FAILING, "open"), (PASSING, "open"), (PASSING, "open")]
    steps.append((PASSING, "closed"))
    number = None
    for run_id, (results, expected) in enumerate(steps, start=7001):
        write_results(tmp_path, "unit_tests", results)
        assert run_action(fake_github, tmp_path, run_id) == 0
        ((number_now, state),) = states(fake_github)
        assert number in (None, number_now), "one issue for the key throughout"
        number = number_now
        assert state == expected, f"run {run_id}"
    assert number is not None
    history = marker(issues_of(fake_github, KEY)[0]).history
    assert [entry.run for entry in history][-3:] == ["7004", "7005", "7006"], "each run's id is remembered"
    assert len(fake_github.comments(number)) == 3
