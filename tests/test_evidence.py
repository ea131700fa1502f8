"""Observed, or not at all: through the real CLI and the action entrypoint.

A results argument that matches no file is refused before any write (I13), rules that fire on absence stay
quiet on a run that read nothing (I13), an item that rests on a step outcome waits for one (S22), and globs
and folders stay inside the workspace, end on symlink loops, read a file once and within a budget (I12, I14).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from fake_issues import issues_by_key
from issueplan import action, cli
from issueplan.errors import ExitCode
from issueplan.tracker.sandbox import FakeGitHub
from runner_parsing import runner_commands

NOW = "2025-08-20T10:05:39Z"
TOKEN = "ghs_" + "EvidenceTokenForTheFake" * 2


def junit(cases: int = 2, *, failures: int = 0, name: str = "t") -> str:
    """A pytest-like JUnit report; `failures` of its `cases` fail."""
    body = "".join(
        f'<testcase classname="c" name="{name}{i}">'
        + ('<failure message="boom">trace</failure>' if i < failures else "")
        + "</testcase>"
        for i in range(cases)
    )
    return (
        f'<?xml version="1.0"?><testsuites><testsuite name="s" tests="{cases}" failures="{failures}" '
        f'errors="0" skipped="0">{body}</testsuite></testsuites>\n'
    )


def sarif(*rules: str) -> str:
    results = [{"ruleId": rule, "level": "error", "message": {"text": rule}} for rule in rules]
    return json.dumps(
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Scan"}}, "results": results}]}
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with real results under test-results/ and no other file: the working directory."""
    write(tmp_path / "test-results" / "unit_tests" / "junit.xml", junit())
    (tmp_path / "empty-checkout").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return tmp_path


def plan_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(
        capsys, "plan", *argv, "--workspace", "empty-checkout", "--now", NOW, "--format", "json"
    )
    assert code == ExitCode.OK, err
    plan: dict[str, Any] = json.loads(out)
    return plan


# --- I13: a results argument that matches no file -----------------------------------------------------------


@pytest.mark.parametrize("typo", ["test-result/", "does/not/exist", "test-results/*.xmll"])
def test_i13_a_results_argument_that_matches_no_file_is_exit_2_naming_it_before_any_write(
    capsys: pytest.CaptureFixture[str], here: Path, fake_github: FakeGitHub, typo: str
) -> None:
    """I13: no request reaches GitHub, no plan file is written, and the message names the argument and the
    ways out."""
    code, _, err = run(
        capsys, "sync", "test-results/", typo, "--repo", "octo/demo", "--api-url", fake_github.base_url,
        "--write-interval", "0", "--workspace", "empty-checkout", "--output-dir", "out",
    )  # fmt: skip
    assert code == ExitCode.USAGE
    assert "issueplan: error: results: " in err
    assert repr(typo) in err
    assert "--if-no-results warn or ignore" in err
    assert fake_github.exchanges == []
    assert not (here / "out").exists()


def test_i13_with_step_outcomes_an_empty_path_is_a_warning_and_the_outcomes_are_the_evidence(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    plan = plan_json(capsys, "does/not/exist", "--outcome", "frontend_tests=failure")
    warning = "not found; the step outcomes given are this run's evidence"
    assert [(p["file"], p["message"]) for p in plan["problems"]] == [("does/not/exist", warning)]
    keys = {item["key"] for item in plan["items"]}
    assert "suite-failed/frontend_tests" in keys
    # Outcomes show suites, not files: "no security suite and no scanner" is not known, so no ENH-001.
    assert "rule/ENH-001" not in keys


@pytest.mark.parametrize(("mode", "problems"), [("warn", [("does/not/exist", "not found")]), ("ignore", [])])
def test_i13_if_no_results_warn_or_ignore_runs_and_invents_nothing(
    capsys: pytest.CaptureFixture[str], here: Path, mode: str, problems: list[tuple[str, str]]
) -> None:
    """I13: a run that read nothing files no absence item (no ENH-001, INF or PERF) and closes nothing."""
    plan = plan_json(capsys, "does/not/exist", "--if-no-results", mode)
    assert [(p["file"], p["message"]) for p in plan["problems"]] == problems
    assert plan["items"] == []
    assert plan["healthy"] == []


def test_i13_a_run_that_read_results_still_reports_what_is_missing(
    capsys: pytest.CaptureFixture[str], here: Path
) -> None:
    """The other side of I13: a unit suite was read, so "no security suite and no scanner" is observed."""
    plan = plan_json(capsys, "test-results/")
    assert "rule/ENH-001" in {item["key"] for item in plan["items"]}


def test_i13_parse_refuses_a_mistyped_path_too(capsys: pytest.CaptureFixture[str], here: Path) -> None:
    code, _, err = run(capsys, "parse", "test-result/")
    assert code == ExitCode.USAGE
    assert "'test-result/' (not found)" in err
    code, out, _ = run(capsys, "parse", "test-result/", "--if-no-results", "ignore", "--format", "json")
    assert (code, json.loads(out)["problems"]) == (ExitCode.OK, [])


def _action_env(workspace: Path, fake: FakeGitHub, **inputs: str) -> dict[str, str]:
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    env = {
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_API-URL": fake.base_url,
        "INPUT_WRITE-INTERVAL": "0",
    }
    env.update({f"INPUT_{name.upper()}": value for name, value in inputs.items()})
    return env


def test_i13_the_action_refuses_a_mistyped_results_input_before_any_write(
    here: Path, fake_github_factory: Any
) -> None:
    fake = fake_github_factory(token=TOKEN)
    env = _action_env(here / "empty-checkout", fake, RESULTS="test-result/")
    os.chdir(here / "empty-checkout")
    log = io.StringIO()
    assert action.main(env, stdout=log) == ExitCode.USAGE
    errors = [text for name, _, text in runner_commands(log.getvalue()) if name == "error"]
    assert len(errors) == 1
    assert "'test-result/' (not found)" in errors[0]
    assert "input `if-no-results`" in errors[0]
    assert fake.exchanges == []
    assert not Path(env["GITHUB_OUTPUT"]).exists()


def test_i13_the_action_with_if_no_results_warn_warns_and_files_nothing(
    here: Path, fake_github_factory: Any
) -> None:
    fake = fake_github_factory(token=TOKEN)
    env = _action_env(here / "empty-checkout", fake, RESULTS="test-result/", **{"IF-NO-RESULTS": "warn"})
    os.chdir(here / "empty-checkout")
    log = io.StringIO()
    assert action.main(env, stdout=log) == ExitCode.OK, log.getvalue()
    warnings = [(props.get("file"), text) for name, props, text in runner_commands(log.getvalue())]
    assert ("test-result", "not found") in warnings
    assert issues_by_key(fake) == {}
    outputs = Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8")
    assert "overall-status<<" in outputs
    assert "healthy" in outputs


def test_i13_the_action_with_outcomes_warns_about_the_empty_path_and_uses_the_outcome(
    here: Path, fake_github_factory: Any
) -> None:
    fake = fake_github_factory(token=TOKEN)
    env = _action_env(
        here / "empty-checkout", fake, RESULTS="test-result/", OUTCOMES='{"frontend_tests": "failure"}'
    )
    os.chdir(here / "empty-checkout")
    log = io.StringIO()
    assert action.main(env, stdout=log) == ExitCode.OK, log.getvalue()
    warnings = [(props.get("file"), text) for name, props, text in runner_commands(log.getvalue())]
    assert ("test-result", "not found; the step outcomes given are this run's evidence") in warnings
    assert set(issues_by_key(fake)) == {"suite-failed/frontend_tests", "rule/ENH-002"}


# --- S22: an item that rests on a step outcome waits for one ------------------------------------------------


def test_s22_a_run_without_step_outcomes_leaves_an_outcome_item_alone(
    capsys: pytest.CaptureFixture[str], here: Path, fake_github: FakeGitHub
) -> None:
    """S22: unit_tests' report is green but its step failed: BUG-001 is filed; a run told no outcome leaves
    the issue open and untouched (unknown is not success); a run told `success` closes it."""
    sync = ("sync", "test-results/", "--repo", "octo/demo", "--api-url", fake_github.base_url,
            "--write-interval", "0", "--workspace", "empty-checkout", "--now", NOW)  # fmt: skip
    code, _, err = run(capsys, *sync, "--outcome", "unit_tests=failure")
    assert code == ExitCode.OK, err
    bug = issues_by_key(fake_github)["suite-failed/unit_tests"]
    assert bug["state"] == "open"

    fake_github.clear_log()
    code, _, err = run(capsys, *sync)
    assert code == ExitCode.OK, err
    assert all(f"/issues/{bug['number']}" not in w.path for w in fake_github.writes())
    again = issues_by_key(fake_github)["suite-failed/unit_tests"]
    assert (again["state"], again["body"]) == ("open", bug["body"])
    assert '"step_outcomes":["' in again["body"], "the marker says what the item rests on"

    code, _, err = run(capsys, *sync, "--outcome", "unit_tests=success")
    assert code == ExitCode.OK, err
    closed = issues_by_key(fake_github)["suite-failed/unit_tests"]
    assert (closed["state"], closed["state_reason"]) == ("closed", "completed")


def test_s22_template_items_resting_on_a_failed_security_step_wait_for_its_outcome_too(
    capsys: pytest.CaptureFixture[str], here: Path, fake_github: FakeGitHub
) -> None:
    """S22 for rule items: SEC-001 and ENH-001 filed because the security step failed are not closed by a
    run without outcomes, although the security report is green: that run makes no write at all."""
    write(here / "test-results" / "sec_tests" / "junit.xml", junit())
    sync = ("sync", "test-results/", "--repo", "octo/demo", "--api-url", fake_github.base_url,
            "--write-interval", "0", "--workspace", "empty-checkout", "--now", NOW)  # fmt: skip
    assert run(capsys, *sync, "--outcome", "sec_tests=failure")[0] == ExitCode.OK
    filed = issues_by_key(fake_github)
    assert {"rule/SEC-001", "rule/ENH-001", "suite-failed/sec_tests"} <= set(filed)
    fake_github.clear_log()
    assert run(capsys, *sync)[0] == ExitCode.OK
    assert fake_github.writes() == []
    assert all(issue["state"] == "open" for issue in issues_by_key(fake_github).values())


def test_s22_an_item_filed_from_the_report_still_closes_on_the_report(
    capsys: pytest.CaptureFixture[str], here: Path, fake_github: FakeGitHub
) -> None:
    """Report-only runs keep working: a failure seen in the report closes once the report is green."""
    sync = ("sync", "test-results/", "--repo", "octo/demo", "--api-url", fake_github.base_url,
            "--write-interval", "0", "--workspace", "empty-checkout", "--now", NOW)  # fmt: skip
    write(here / "test-results" / "unit_tests" / "junit.xml", junit(failures=1))
    assert run(capsys, *sync)[0] == ExitCode.OK
    write(here / "test-results" / "unit_tests" / "junit.xml", junit())
    assert run(capsys, *sync)[0] == ExitCode.OK
    assert issues_by_key(fake_github)["suite-failed/unit_tests"]["state"] == "closed"


# --- I12, I14: globs and folders stay home, end, and read a file once ---------------------------------------


def parse_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "parse", *argv, "--format", "json", "--workspace", ".")
    assert code == ExitCode.OK, err
    report: dict[str, Any] = json.loads(out)
    return report


def test_i12_a_glob_does_not_follow_a_symlink_out_of_the_workspace(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    write(outside / "secret_suite" / "junit.xml", junit(7, name="secret"))
    work = tmp_path / "work"
    write(work / "results" / "unit" / "junit.xml", junit(2))
    (work / "results" / "unit" / "leak.xml").symlink_to(outside / "secret_suite" / "junit.xml")
    (work / "results" / "linked").symlink_to(outside / "secret_suite", target_is_directory=True)
    monkeypatch.chdir(work)
    report = parse_json(capsys, "results/**/*.xml")
    assert [(s["name"], s["tests"]) for s in report["suites"]] == [("unit", 2)]
    assert "secret" not in json.dumps([s["cases"] for s in report["suites"]])
    refused = sorted((p["file"], p["message"].split(" (")[0]) for p in report["problems"])
    assert refused == [
        ("results/linked", "not read: symlink out of results"),
        ("results/unit/leak.xml", "not read: symlink out of results"),
    ]


def test_i12_a_glob_base_that_is_a_symlink_out_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "outside" / "unit" / "junit.xml", junit(7))
    work = tmp_path / "work"
    write(work / "real" / "junit.xml", junit(1))
    (work / "results").symlink_to(tmp_path / "outside", target_is_directory=True)
    monkeypatch.chdir(work)
    report = parse_json(capsys, "results/**/*.xml", "results", "real")
    assert [(s["name"], s["tests"]) for s in report["suites"]] == [("junit", 1)]
    assert [(p["file"], p["message"]) for p in report["problems"]] == [
        ("results", "not read: a symlink leads this path out of the workspace"),
    ]


def test_i12_symlink_loops_end_the_walk_and_every_suite_is_read_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "results"
    write(results / "a" / "junit.xml", junit(1))
    write(results / "b" / "junit.xml", junit(2))
    for source, target in (("a", "b"), ("b", "a")):  # two folders that lead into each other
        (results / source / "loop").symlink_to(results / target, target_is_directory=True)
    (results / "a" / "self.xml").symlink_to(results / "a" / "other.xml")
    (results / "a" / "other.xml").symlink_to(results / "a" / "self.xml")
    monkeypatch.chdir(tmp_path)
    for argument in ("results/**/*.xml", "results"):
        report = parse_json(capsys, argument)
        if argument == "results":  # a root: suites are its subfolders
            assert [(s["name"], s["tests"]) for s in report["suites"]] == [("a", 1), ("b", 2)]
        else:  # a glob: suites are the files' folders
            assert sorted((s["name"], s["tests"]) for s in report["suites"]) == [("a", 1), ("b", 2)]
        assert sorted((p["file"], p["message"]) for p in report["problems"]) == [
            ("results/a/other.xml", "not read: a symlink loop"),
            ("results/a/self.xml", "not read: a symlink loop"),
        ]


def test_i12_hard_links_to_one_scan_are_read_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan = write(tmp_path / "results" / "scans" / "bandit.sarif", sarif("B101", "B102"))
    for index in range(7):
        folder = tmp_path / "results" / f"copy{index}"
        folder.mkdir()
        os.link(scan, folder / "bandit.sarif")
    monkeypatch.chdir(tmp_path)
    report = parse_json(capsys, "results", "results/**/*.sarif")
    assert len(report["scans"]) == 1
    assert sorted(f["rule_id"] for f in report["findings"]) == ["B101", "B102"]


def test_i14_sixty_hard_links_to_a_big_report_stay_within_the_read_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """I14: 60 hard links are one file, read once within the limit; distinct files beyond it are Problems."""
    big = write(tmp_path / "results" / "unit" / "junit.xml", junit(400))
    size = big.stat().st_size
    for index in range(60):
        os.link(big, tmp_path / "results" / "unit" / f"link{index:02d}.xml")
    monkeypatch.chdir(tmp_path)
    limit = str(size * 2 + 10)
    report = parse_json(capsys, "results", "--max-read-bytes", limit)
    assert [(s["name"], s["tests"]) for s in report["suites"]] == [("unit", 400)]
    assert report["problems"] == []

    for name in ("api", "web", "x_e2e"):  # read in name order: api and unit fit, the others do not
        write(tmp_path / "results" / name / "junit.xml", junit(400))
    report = parse_json(capsys, "results", "--max-read-bytes", limit)
    assert [(s["name"], s["tests"]) for s in report["suites"]] == [("api", 400), ("unit", 400)]
    assert [(p["file"], p["message"].split(" (")[0]) for p in report["problems"]] == [
        (f"results/{name}/junit.xml", f"not read: the run's read limit of {limit} bytes is reached")
        for name in ("web", "x_e2e")
    ]


def test_i14_the_read_limit_must_be_positive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "parse", str(tmp_path), "--max-read-bytes", "0")
    assert code == ExitCode.USAGE
    assert "'--max-read-bytes': Input should be greater than or equal to 1" in err
