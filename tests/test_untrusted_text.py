"""Untrusted text made safe once, through the real CLI and the action entrypoint (issue 9, part 4).

R8: the run's token, of no known shape, planted in a message, a suite folder name, a file path and a test
name, reaches no output. R9: a secret longer than the readers' old caps, or glued to a word, leaves no
prefix. I10: megabyte names and messages finish and show the visible cut. I11: JSON Python refuses is a
Problem for its file, and the other files are still read.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from issueplan import action
from issueplan.model import NAME_CAP
from issueplan.tracker.sandbox import FakeGitHub

TOKEN = "zq9XkT4mP2wLr8Nb"  # a fine-grained, GHES or App token: no known prefix
GHS = "ghs_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" * 3  # longer than the old {20,255}-free caps
MEGA = 1_000_000


def _junit(name: str, message: str, file: str, body: str = "", classname: str = "tests.test_app") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<testsuite name="pytest" tests="2" failures="1" errors="0" skipped="0">'
        f'<testcase classname="{classname}" name="{name}" file="{file}" line="7">'
        f'<failure message="{message}">{body}</failure></testcase>'
        '<testcase classname="tests.test_app" name="test_ok"/>'
        "</testsuite>\n"
    )


def _passing() -> str:
    return (
        '<testsuite name="pytest" tests="1"><testcase classname="tests.test_app" name="test_ok"/></testsuite>'
    )


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """Results whose suite folder, test name, file path and message hold the token (in several cases),
    and a secret glued to words and longer than the readers' old 4 KiB message cap."""
    results = tmp_path / "results"
    suite = results / f"{TOKEN}_tests"
    suite.mkdir(parents=True)
    message = f"login failed for {TOKEN.lower()} with %3A{GHS}; TOKEN_{GHS} keyAKIAIOSFODNN7EXAMPLE"
    long_message = "x" * 4090 + GHS  # the old reader cut left `ghs_aB`
    (suite / "junit.xml").write_text(
        _junit(f"test_login_{TOKEN}", message, f"src/{TOKEN}/app.py", body=long_message), encoding="utf-8"
    )
    (results / "unit_tests").mkdir()
    (results / "unit_tests" / "junit.xml").write_text(
        _junit("test_refund", f"Authorization: {TOKEN.upper()}", "src/refund.py"), encoding="utf-8"
    )
    return results


def _cli(*args: str, token: str | None = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    if token is not None:
        env["GITHUB_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "issueplan", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def _assert_clean(where: str, text: str) -> None:
    lowered = text.lower()
    for fragment in (TOKEN, TOKEN[:8], TOKEN[-8:], "ghs_", "akiaiosfodnn7"):
        assert fragment.lower() not in lowered, f"{fragment!r} reached {where}"


def _assert_tree_clean(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            _assert_clean(str(path), path.read_text(encoding="utf-8", errors="replace"))


def test_r8_r9_the_token_and_glued_secrets_reach_no_output_of_plan(planted: Path, tmp_path: Path) -> None:
    """R8, R9 through `issueplan plan`: JSON, Markdown and the job summary, and the log."""
    for fmt in ("json", "markdown", "summary"):
        out = tmp_path / f"plan.{fmt}"
        run = _cli(
            "plan", str(planted), "--format", fmt, "--output", str(out), "--now", "2025-08-20T10:00:00Z"
        )
        assert run.returncode == 0, run.stderr
        _assert_clean(f"plan --format {fmt}", out.read_text(encoding="utf-8"))
        _assert_clean("the log", run.stdout + run.stderr)
        assert "REDACTED:secret" in out.read_text(encoding="utf-8")  # Markdown escapes the brackets
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert "suite-failed/[REDACTED:secret]_tests" in {item["key"] for item in plan["items"]}


def test_r8_the_token_reaches_no_issue_marker_comment_or_file_of_a_sandbox_sync(
    planted: Path, tmp_path: Path
) -> None:
    """R8 through `issueplan sync --sandbox`, twice: titles, bodies, markers, comments, plan files, log."""
    sandbox = tmp_path / "sandbox"
    first = _cli("sync", str(planted), "--sandbox", str(sandbox), "--now", "2025-08-20T10:00:00Z")
    assert first.returncode == 0, first.stderr
    assert "created" in first.stdout
    # The planted suite passes now: its issue is closed with a comment naming what passed.
    (planted / f"{TOKEN}_tests" / "junit.xml").write_text(_passing(), encoding="utf-8")
    second = _cli("sync", str(planted), "--sandbox", str(sandbox), "--now", "2025-08-21T10:00:00Z")
    assert second.returncode == 0, second.stderr
    assert "1 closed" in second.stdout
    for run in (first, second):
        _assert_clean("the log", run.stdout + run.stderr)
    _assert_tree_clean(sandbox)
    assert "REDACTED:secret" in (sandbox / "issues.md").read_text(encoding="utf-8")


def test_r8_the_action_publishes_no_token_in_issues_summary_outputs_annotations_or_log(
    planted: Path, tmp_path: Path, fake_github_factory: Callable[..., FakeGitHub]
) -> None:
    """R8 through the action entrypoint against the fake GitHub: everything it wrote or printed."""
    workspace = tmp_path
    runner = tmp_path / "runner"
    runner.mkdir()
    fake = fake_github_factory(token=TOKEN)
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "7",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": str(planted),
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_API-URL": fake.base_url,
        "INPUT_WRITE-INTERVAL": "0",
    }
    log = io.StringIO()
    assert action.main(env, stdout=log) == 0, log.getvalue()
    printed = log.getvalue().replace(f"::add-mask::{TOKEN}\n", "", 1)
    assert "::error " in printed  # the failing cases' annotations were printed, and cleaned
    _assert_clean("the log and annotations", printed)
    _assert_tree_clean(runner)
    _assert_tree_clean(workspace / action.OUTPUT_DIR)
    issues = fake.issues()
    assert issues
    for issue in issues:
        _assert_clean(f"issue #{issue['number']}", json.dumps(issue))
        _assert_clean(f"comments of #{issue['number']}", json.dumps(fake.comments(issue["number"])))


def test_i10_megabyte_names_messages_and_rule_ids_finish_with_a_visible_cut(tmp_path: Path) -> None:
    """I10 through the CLI: a 1 MB test name without spaces, a million `@` as message, a million `#` as class
    name, a 1 MB file path and a 1 MB SARIF rule id: plan and sandbox sync finish; long names show the cut."""
    results = tmp_path / "results"
    (results / "unit_tests").mkdir(parents=True)
    (results / "unit_tests" / "junit.xml").write_text(
        _junit("t" * MEGA, "@" * MEGA, "p/" * (MEGA // 2), body="a@" * (MEGA // 2), classname="#" * MEGA),
        encoding="utf-8",
    )
    sarif = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "Bandit"}},
                "results": [{"ruleId": "R" * MEGA, "level": "error", "message": {"text": "@" * MEGA}}],
            }
        ],
    }
    (results / "scan.sarif").write_text(json.dumps(sarif), encoding="utf-8")
    out = tmp_path / "plan.md"
    run = _cli("plan", str(results), "--format", "markdown", "--output", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8").replace("\\[", "[").replace("\\]", "]")  # prose escapes
    cut = f"…[cut {MEGA - NAME_CAP:,} characters]"
    assert "t" * NAME_CAP + " " + cut in text
    assert "R" * NAME_CAP + " " + cut in text
    assert "t" * (NAME_CAP + 1) not in text
    sandbox = tmp_path / "sandbox"
    synced = _cli("sync", str(results), "--sandbox", str(sandbox))
    assert synced.returncode == 0, synced.stderr
    assert cut in (sandbox / "issues.md").read_text(encoding="utf-8")


def _sarif_with(line: str) -> str:
    return (
        '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Bandit"}}, "results": ['
        '{"ruleId": "B101", "level": "error", "message": {"text": "assert used"}, "locations": ['
        '{"physicalLocation": '
        f'{{"artifactLocation": {{"uri": "app.py"}}, "region": {{"startLine": {line}}}}}}}]}}]}}]}}'
    )


def _npm_with(total: str) -> str:
    return (
        '{"auditReportVersion": 2, "vulnerabilities": {"lodash": {"name": "lodash", "severity": "high", '
        '"via": [{"source": 1, "name": "lodash", "title": "Prototype Pollution", "url": "https://x.test/1", '
        '"severity": "high", "range": "<4.17.12"}], "range": "<4.17.12", "fixAvailable": true}}, '
        f'"metadata": {{"vulnerabilities": {{"total": {total}}}}}}}'
    )


def test_i11_json_python_refuses_is_a_problem_and_the_other_files_are_read(tmp_path: Path) -> None:
    """I11: a 5,000-digit integer in SARIF and in npm audit, a lone surrogate: each a Problem for its file;
    the good SARIF and npm files beside them are read, and plan and sync finish (main exited 3)."""
    results = tmp_path / "results"
    results.mkdir()
    huge = "9" * 5000
    (results / "huge.sarif").write_text(_sarif_with(huge), encoding="utf-8")
    (results / "huge-npm.json").write_text(_npm_with(huge), encoding="utf-8")
    (results / "surrogate.sarif").write_text(
        _sarif_with("3").replace("assert used", "\\ud800"), encoding="utf-8"
    )
    (results / "good.sarif").write_text(_sarif_with("3"), encoding="utf-8")
    (results / "good-npm.json").write_text(_npm_with("1"), encoding="utf-8")
    (results / "odd.sarif").write_text(_sarif_with("1e999").replace('"error"', "NaN"), encoding="utf-8")
    parsed = _cli("parse", str(results), "--format", "json")
    assert parsed.returncode == 0, parsed.stderr
    report = json.loads(parsed.stdout)
    problems = {Path(problem["file"]).name: problem["message"] for problem in report["problems"]}
    assert set(problems) == {"huge.sarif", "huge-npm.json", "surrogate.sarif"}
    assert "more than 4,300 digits" in problems["huge.sarif"]
    assert "more than 4,300 digits" in problems["huge-npm.json"]
    assert "surrogate" in problems["surrogate.sarif"]
    tools = sorted(finding["tool"] for finding in report["findings"])
    assert "npm audit" in " ".join(tools).replace("npm-audit", "npm audit")
    assert tools.count("Bandit") == 2  # good.sarif, and odd.sarif whose odd numbers are simply not used
    planned = _cli("plan", str(results), "--format", "json", "--output", str(tmp_path / "plan.json"))
    assert planned.returncode == 0, planned.stderr
    synced = _cli("sync", str(results), "--sandbox", str(tmp_path / "sandbox"))
    assert synced.returncode == 0, synced.stderr


def test_r8_the_token_never_shows_in_a_repr_str_or_json_of_the_values_that_hold_it() -> None:
    """R8: a log line or a traceback that prints an options value shows `**********`, never the token."""
    from issueplan.job import JobOptions  # noqa: PLC0415 - grouped with the values it checks
    from issueplan.tracker import GitHubTarget, SyncOptions  # noqa: PLC0415

    held = [
        JobOptions(results=("r",), token=TOKEN, secrets=(TOKEN,)),
        GitHubTarget(repo="o/r", token=TOKEN),
        SyncOptions(secrets=(TOKEN,)),
        action.ActionInputs.from_env({"INPUT_GITHUB-TOKEN": TOKEN, "GITHUB_TOKEN": TOKEN[::-1]}),
    ]
    for value in held:
        for shown in (repr(value), str(value), value.model_dump_json()):
            assert TOKEN not in shown
            assert TOKEN[::-1] not in shown
    inputs = held[-1]
    assert isinstance(inputs, action.ActionInputs)
    assert [secret.get_secret_value() for secret in inputs.job_options().secrets] == [TOKEN[::-1]]
