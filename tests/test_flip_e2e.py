"""Issue #10 point 3, the tests of a same-commit flip, end to end: runs of the real CLI (`issueplan sync`
through cli.main, in this process; each run with its own `--now`, `--commit` and workflow run id) against
the fake GitHub over loopback. A test that failed in one run and passed in another of the same commit (or
the other way round) becomes its own "Flaky: `pkg.Class.test`" item, which then follows the flaky close
rule; a flip across commits, or from an infrastructure failure, files nothing; many flips are one item."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fake_issues import flaky_keys, issues_by_key
from issueplan import cli
from issueplan.tracker.sandbox import FakeGitHub

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
C = "0123456789abcdef0123456789abcdef01234567"
SUITE_KEY = "suite-failed/unit_tests"
X_KEY = "flaky/unit_tests/app.CartTest.test_total"


def junit(failing: list[str], passing: list[str]) -> str:
    cases = [
        f'<testcase classname="app.CartTest" name="{name}"><failure message="boom: {name}">boom</failure>'
        "</testcase>"
        for name in failing
    ]
    cases += [f'<testcase classname="app.CartTest" name="{name}"/>' for name in passing]
    return f'<?xml version="1.0"?><testsuite name="t">{"".join(cases)}</testsuite>\n'


X_FAILS = junit(["test_total"], ["test_empty"])
ALL_PASS = junit([], ["test_total", "test_empty"])


class Repository:
    """One repository's CI: `sync(report, commit)` is the next workflow run, `days` after the last one."""

    def __init__(self, fake: FakeGitHub, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.fake, self.root, self.capsys = fake, root, capsys
        self.now = START
        self.run_id = 1000
        self.last: list[str] = []
        (root / "issueplan.yml").write_text("extends: default\n", encoding="utf-8")

    def sync(self, report: str, commit: str = C, *, days: float = 1) -> None:
        self.now += timedelta(days=days)
        self.run_id += 1
        folder = self.root / "test-results" / "unit_tests"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "junit.xml").write_text(report, encoding="utf-8")
        self.last = [
            "sync",
            str(self.root / "test-results"),
            "--config",
            str(self.root / "issueplan.yml"),
            "--now",
            self.now.isoformat().replace("+00:00", "Z"),
            "--commit",
            commit,
            "--run-url",
            f"https://github.com/octo/demo/actions/runs/{self.run_id}",
            "--repo",
            "octo/demo",
            "--api-url",
            self.fake.base_url,
            "--write-interval",
            "0",
        ]
        self._run(self.last)

    def rerun_writes(self) -> list[str]:
        """The writes of the last run made again, unchanged (a no-op re-run)."""
        self.fake.clear_log()
        self._run(self.last)
        return [f"{e.method} {e.path}" for e in self.fake.writes()]

    def _run(self, argv: list[str]) -> None:
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        out, err = self.capsys.readouterr()
        assert exited.value.code == 0, out + err


@pytest.fixture
def repo(
    fake_github: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Repository:
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    for name in ("GITHUB_REPOSITORY", "GITHUB_RUN_ID", "GITHUB_SERVER_URL", "GITHUB_SHA", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return Repository(fake_github, tmp_path, capsys)


def labels(issue: dict[str, Any]) -> set[str]:
    return {label["name"] for label in issue["labels"]}


def test_a_test_failing_then_passing_on_one_commit_is_a_flaky_item_that_closes_on_the_fifth_clean_run(
    repo: Repository,
) -> None:
    repo.sync(X_FAILS)
    assert SUITE_KEY in issues_by_key(repo.fake)
    assert flaky_keys(repo.fake) == []
    assert repo.rerun_writes() == [], "a no-op re-run"

    repo.sync(ALL_PASS)
    assert flaky_keys(repo.fake) == [X_KEY]
    item = issues_by_key(repo.fake)[X_KEY]
    assert item["state"] == "open"
    assert item["title"] == "FLAKY-001: Flaky: 'app.CartTest.test_total'"
    assert {"flaky", "priority: medium", "type: bug_fix"} <= labels(item)
    assert (
        "app.CartTest.test_total of the unit_tests suite failed in run 1001 on commit 0123456789ab, then "
        "passed in run 1002 on the same commit"
    ) in item["body"]
    suite = issues_by_key(repo.fake)[SUITE_KEY]
    assert suite["state"] == "open"
    assert "flaky" in labels(suite), "the suite's issue is marked flaky, as before"
    assert repo.rerun_writes() == [], "a no-op re-run"

    other = "fedcba9876543210fedcba9876543210fedcba98"
    for run in range(1, 6):  # clean runs of new commits, two days apart
        repo.sync(ALL_PASS, other[:-2] + f"{run:02d}", days=2)
        state = issues_by_key(repo.fake)[X_KEY]["state"]
        assert state == ("closed" if run == 5 else "open"), f"clean run {run}"
    assert issues_by_key(repo.fake)[X_KEY]["state_reason"] == "completed"
    assert flaky_keys(repo.fake) == [X_KEY], "no other test was flaky"


def test_a_test_passing_then_failing_on_one_commit_is_a_flaky_item(repo: Repository) -> None:
    repo.sync(X_FAILS, "b" * 40)
    repo.sync(ALL_PASS)  # commit C is healthy: the suite's issue closes
    assert issues_by_key(repo.fake)[SUITE_KEY]["state"] == "closed"

    repo.sync(X_FAILS)  # and fails on the same commit C
    assert flaky_keys(repo.fake) == [X_KEY]
    body = issues_by_key(repo.fake)[X_KEY]["body"]
    assert (
        "app.CartTest.test_total of the unit_tests suite passed in run 1002 on commit 0123456789ab, then "
        "failed in run 1003 on the same commit: boom: test_total"
    ) in body
    suite = issues_by_key(repo.fake)[SUITE_KEY]
    assert suite["state"] == "open"
    assert "flaky" in labels(suite), "reopened as flaky, as before"
    assert repo.rerun_writes() == [], "a no-op re-run"


def test_a_test_failing_then_passing_on_another_commit_is_fixed_not_flaky(repo: Repository) -> None:
    repo.sync(X_FAILS)
    repo.sync(ALL_PASS, "d" * 40)
    assert flaky_keys(repo.fake) == []
    assert issues_by_key(repo.fake)[SUITE_KEY]["state"] == "closed"
    assert repo.rerun_writes() == [], "a no-op re-run"


def test_fifteen_tests_flipping_in_one_suite_are_one_grouped_item(repo: Repository) -> None:
    names = [f"test_{n:02d}" for n in range(15)]
    ok = [f"ok_{n:02d}" for n in range(20)]
    repo.sync(junit(names, ok))  # 15 of 35 fail: no infrastructure failure
    repo.sync(junit([], names + ok))
    assert flaky_keys(repo.fake) == ["flaky/unit_tests"]
    body = issues_by_key(repo.fake)["flaky/unit_tests"]["body"]
    assert "15 tests of the unit_tests suite failed in one run of commit 0123456789ab and passed in" in body
    assert repo.rerun_writes() == [], "a no-op re-run"


def test_an_85_percent_failing_run_then_passing_on_the_same_commit_marks_no_test_flaky(
    repo: Repository,
) -> None:
    names = [f"test_{n:02d}" for n in range(17)]
    repo.sync(junit(names, ["ok_1", "ok_2", "ok_3"]))  # 17 of 20 fail
    repo.sync(junit([], [*names, "ok_1", "ok_2", "ok_3"]))
    assert flaky_keys(repo.fake) == []
    assert "flaky" in labels(issues_by_key(repo.fake)[SUITE_KEY]), "the suite's own issue, as before"
    assert repo.rerun_writes() == [], "a no-op re-run"


def test_the_marker_remembers_the_failing_tests_of_the_run_by_key(repo: Repository) -> None:
    repo.sync(X_FAILS)
    line = next(
        line
        for line in issues_by_key(repo.fake)[SUITE_KEY]["body"].splitlines()
        if line.startswith("<!-- issueplan {")
    )
    assert re.search(r'"tests":\{"failed":1,"keys":\["app\.CartTest\.test_total"\],"of":2\}', line)
