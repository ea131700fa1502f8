"""Issue #10, points 3 and 5, end to end: the real CLI (a subprocess) and the action entrypoint against the
fake GitHub over loopback. Flaky tests become items (one per test, one per suite with many, none from an
infrastructure failure); `fail-on new` fails only on items not tracked before; a pull request's summary says
what it would open and close."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from fake_issues import flaky_keys, issues_by_key
from issueplan import action
from issueplan.tracker.sandbox import FakeGitHub
from runner_parsing import read_outputs

NOW = "2026-11-20T10:00:00Z"
CONFIG = "extends: default\n"

SUREFIRE_FLAKY = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.example.PaymentTest" time="1.9" tests="3" errors="0" skipped="0" failures="0">
  <testcase name="chargesCard" classname="com.example.PaymentTest" time="0.4">
    <flakyFailure message="expected 200 but was 503" type="java.lang.AssertionError">
      <stackTrace>java.lang.AssertionError: expected 200 but was 503
	at com.example.PaymentTest.chargesCard(PaymentTest.java:41)</stackTrace>
    </flakyFailure>
  </testcase>
  <testcase name="refunds" classname="com.example.PaymentTest" time="0.3"/>
  <testcase name="listsPayments" classname="com.example.PaymentTest" time="1.2"/>
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
FAILING = '<testcase classname="{cls}" name="{name}"><failure message="boom">boom</failure></testcase>'


def junit(cases: list[str]) -> str:
    return f'<?xml version="1.0"?><testsuite name="t">{"".join(cases)}</testsuite>\n'


def flaky_case(cls: str, name: str) -> str:
    """Gradle's test-retry shape: the testcase written twice, failed, then passed."""
    return FAILING.format(cls=cls, name=name) + f'<testcase classname="{cls}" name="{name}"/>'


def passing(cls: str, name: str) -> str:
    return f'<testcase classname="{cls}" name="{name}"/>'


def write(root: Path, suite: str, text: str) -> None:
    folder = root / "test-results" / suite
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "junit.xml").write_text(text, encoding="utf-8")


def cli(root: Path, fake: FakeGitHub, *extra: str) -> subprocess.CompletedProcess[str]:
    (root / "issueplan.yml").write_text(CONFIG, encoding="utf-8")
    env = {**os.environ, "GITHUB_TOKEN": "test-token"}
    env.pop("GITHUB_REPOSITORY", None)
    args = [str(root / "test-results"), "--config", str(root / "issueplan.yml"), "--now", NOW]
    target = ["--repo", "octo/demo", "--api-url", fake.base_url, "--write-interval", "0"]
    return subprocess.run(
        [sys.executable, "-m", "issueplan", "sync", *args, *target, *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_a_surefire_flaky_failure_gives_one_flaky_item(fake_github: FakeGitHub, tmp_path: Path) -> None:
    write(tmp_path, "backend_java", SUREFIRE_FLAKY)
    done = cli(tmp_path, fake_github)
    assert done.returncode == 0, done.stdout + done.stderr
    assert flaky_keys(fake_github) == ["flaky/backend_java/com.example.PaymentTest.chargesCard"]
    issue = issues_by_key(fake_github)["flaky/backend_java/com.example.PaymentTest.chargesCard"]
    # The plan's title is "Flaky: `…`"; an issue title shows no code span, so the renderer quotes it.
    assert issue["title"] == "FLAKY-001: Flaky: 'com.example.PaymentTest.chargesCard'"
    labels = {label["name"] for label in issue["labels"]}  # type: ignore[attr-defined]  # JSON of the fake
    assert {"flaky", "priority: medium", "type: bug_fix"} <= labels
    assert "expected 200 but was 503" in str(issue["body"])
    assert "suite-failed/backend_java" not in issues_by_key(fake_github), "a flaky test fails no suite"


def test_a_pytest_rerun_gives_one_flaky_item(fake_github: FakeGitHub, tmp_path: Path) -> None:
    write(tmp_path, "api_tests", PYTEST_RERUN)
    done = cli(tmp_path, fake_github)
    assert done.returncode == 0, done.stdout + done.stderr
    assert flaky_keys(fake_github) == ["flaky/api_tests/tests.test_api.test_login"]
    assert "AssertionError: 502 != 200" in str(issues_by_key(fake_github)[flaky_keys(fake_github)[0]]["body"])


def test_fifteen_flaky_tests_of_one_suite_give_one_grouped_item(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    cases = [flaky_case("app.CartTest", f"test_{n:02d}") for n in range(15)]
    write(tmp_path, "unit_tests", junit(cases + [passing("app.CartTest", f"ok_{n}") for n in range(20)]))
    done = cli(tmp_path, fake_github)
    assert done.returncode == 0, done.stdout + done.stderr
    assert flaky_keys(fake_github) == ["flaky/unit_tests"]
    body = str(issues_by_key(fake_github)["flaky/unit_tests"]["body"])
    assert "15 tests of the unit_tests suite failed, then passed" in body


def test_an_85_percent_failing_suite_marks_no_test_flaky(fake_github: FakeGitHub, tmp_path: Path) -> None:
    cases = [FAILING.format(cls="app.DbTest", name=f"test_{n:02d}") for n in range(17)]
    cases += [flaky_case("app.DbTest", "test_retry"), passing("app.DbTest", "a"), passing("app.DbTest", "b")]
    write(tmp_path, "integration_tests", junit(cases))  # 17 of 20 fail: 85 %
    done = cli(tmp_path, fake_github)
    assert done.returncode == 0, done.stdout + done.stderr
    assert flaky_keys(fake_github) == []
    assert "suite-failed/integration_tests" in issues_by_key(fake_github), "the suite's item is filed"


def test_fail_on_new_passes_a_second_identical_run_and_fails_on_one_new_critical_item(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    write(tmp_path, "backend_java", SUREFIRE_FLAKY)
    first = cli(tmp_path, fake_github)
    assert first.returncode == 0, first.stdout + first.stderr

    second = cli(tmp_path, fake_github, "--fail-on", "new")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "fail-on" not in second.stderr

    write(tmp_path, "unit_tests", junit([FAILING.format(cls="app.CartTest", name="test_total")]))
    third = cli(tmp_path, fake_github, "--fail-on", "new-critical")
    assert third.returncode == 1, third.stdout + third.stderr
    assert "fail-on new-critical: 1 new item reached it: BUG-" in third.stderr
    assert "(critical)" in third.stderr

    fourth = cli(tmp_path, fake_github, "--fail-on", "new")
    assert fourth.returncode == 0, "the new item is tracked now: " + fourth.stderr


def run_action(
    fake: FakeGitHub, workspace: Path, event: str, **inputs: str
) -> tuple[int, dict[str, str], str]:
    runner = workspace / "runner"
    runner.mkdir(exist_ok=True)
    for stale in ("output", "summary.md"):
        (runner / stale).unlink(missing_ok=True)
    payload = workspace / "event.json"
    same_repo = {"repo": {"full_name": "octo/demo"}}
    payload.write_text(json.dumps({"pull_request": {"head": same_repo, "base": same_repo}}), encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": str(workspace / "test-results"),
        "INPUT_GITHUB-TOKEN": "test-token",
        "INPUT_API-URL": fake.base_url,
        "INPUT_WRITE-INTERVAL": "0",
        **{f"INPUT_{name.upper()}": value for name, value in inputs.items()},
    }
    code = action.main(env, stdout=io.StringIO())
    outputs = read_outputs((runner / "output").read_text(encoding="utf-8"))
    return code, outputs, (runner / "summary.md").read_text(encoding="utf-8")


def test_a_pull_request_run_writes_nothing_and_lists_what_it_would_open_and_close(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    calm = SUREFIRE_FLAKY.replace("flakyFailure", "system-out")  # the same suite, no rerun
    write(tmp_path, "backend_java", calm)
    write(tmp_path, "unit_tests", junit([FAILING.format(cls="app.CartTest", name="test_total")]))
    code, outputs, _ = run_action(fake_github, tmp_path, "push")
    assert code == 0
    new_ids = json.loads(outputs["new-items"])
    assert "BUG-001" in new_ids
    assert outputs["new"] == str(len(new_ids))
    bug_number = issues_by_key(fake_github)["suite-failed/unit_tests"]["number"]
    # The pull request fixes the unit suite and brings a flaky test.
    write(tmp_path, "unit_tests", junit([passing("app.CartTest", "test_total")]))
    write(tmp_path, "backend_java", SUREFIRE_FLAKY)
    fake_github.clear_log()

    code, outputs, summary = run_action(fake_github, tmp_path, "pull_request", **{"FAIL-ON": "new"})

    assert fake_github.writes() == [], "a pull request run is a dry run"
    assert code == 1, "one new item, and fail-on new"
    assert (outputs["new"], json.loads(outputs["new-items"])) == ("1", ["FLAKY-001"])
    section = summary.split("### What this pull request changes", 1)[1].split("\n## ", 1)[0]
    assert "**Would open** (1):" in section
    assert "- FLAKY-001: Flaky: \\`com.example.PaymentTest.chargesCard\\` (medium)" in section  # escaped text
    assert "**Would close** (1):" in section
    assert f"#{bug_number} (BUG-001)" in section
    assert "Would reopen" not in section
