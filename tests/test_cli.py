"""The CLI's contract: commands, messages that name the fix, and the documented exit codes (one boundary)."""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from issueplan import __version__, cli
from issueplan.errors import ExitCode

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, f"issueplan {__version__}")


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("parse", "plan", "sync", "schema"):
        assert command in out


def test_an_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "plan", "x", "--no-such-option")
    assert code == ExitCode.USAGE
    assert "--no-such-option" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["parse", "x", "--outcome", "unit_tests"], "expected SUITE=OUTCOME"),
        (["parse", "x", "--outcome", "unit_tests=broken"], "'broken' is not one of success, failure"),
        (["parse", "x", "--outcome", "unit_tests=failed"], "(did you mean 'failure'?)"),
        (["plan", "x", "--now", "yesterday"], "not an ISO 8601 time"),
        (["plan", "x", "--config", "/nonexistent/issueplan.yml"], "/nonexistent/issueplan.yml"),
    ],
)
def test_usage_errors_say_what_and_how_to_fix(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == ExitCode.USAGE
    assert err.startswith("issueplan: error: ")
    assert needle in err


def test_sync_without_a_token_names_the_variable_and_the_offline_alternative(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    code, _, err = run(capsys, "sync", str(EXAMPLES / "results"), "--repo", "o/r")
    assert code == ExitCode.USAGE
    assert "$GITHUB_TOKEN is not set" in err
    assert "--sandbox DIR" in err


def test_parse_json_has_the_documented_field_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "parse",
        str(EXAMPLES / "results"),
        "--outcomes",
        str(EXAMPLES / "outcomes.json"),
        "--format",
        "json",
    )
    assert code == 0
    report = json.loads(out)
    suite = next(s for s in report["suites"] if s["name"] == "unit_tests")
    assert {
        "name",
        "kind",
        "status",
        "has_report",
        "tests",
        "failures",
        "errors",
        "skipped",
        "flaky",
        "cases",
    } <= set(suite)
    finding = report["findings"][0]
    assert {"tool", "rule_id", "severity", "cwe", "message", "path", "line", "fingerprint"} <= set(finding)
    e2e = next(s for s in report["suites"] if s["name"] == "e2e_tests")
    assert (e2e["status"], e2e["has_report"]) == ("failed", False)


def test_parse_table_is_readable_and_strict_fails_on_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "broken.xml").write_text(
        "<testsuites><testsuite><testcase name='a'>", encoding="utf-8"
    )
    code, out, _ = run(capsys, "parse", str(tmp_path))
    assert code == 0, "problems alone do not fail a parse"
    assert "Problems (1)" in out
    assert "broken.xml" in out
    code, _, _ = run(capsys, "parse", str(tmp_path), "--strict")
    assert code == ExitCode.FAILED


def test_schema_prints_the_config_and_the_plan_json_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert "suites" in json.loads(out)["properties"]
    code, out, _ = run(capsys, "schema", "--plan")
    assert code == 0
    assert "items" in json.loads(out)["properties"]


def test_a_bug_exits_3_with_a_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("issueplan.job_plan.plan_job", broken)
    code, _, err = run(capsys, "plan", str(EXAMPLES / "results"))
    assert code == ExitCode.BUG
    assert "RuntimeError: boom" in err
    assert "this is a bug in issueplan" in err


@pytest.mark.parametrize(("fail_on", "expected"), [("never", 0), ("critical", 1), ("any", 1)])
def test_sandbox_sync_fail_on_thresholds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fail_on: str, expected: int
) -> None:
    code, out, _ = run(
        capsys,
        "sync",
        str(EXAMPLES / "results"),
        "--outcomes",
        str(EXAMPLES / "outcomes.json"),
        "--workspace",
        str(EXAMPLES / "workspace"),
        "--sandbox",
        str(tmp_path / "sandbox"),
        "--fail-on",
        fail_on,
    )
    assert code == expected
    assert "status critical_failure" in out


def test_the_cli_starts_without_loading_the_heavy_modules() -> None:
    """`--version` and `--help` run on every workflow start: pydantic, lxml and PyGithub load lazily."""
    heavy = "('pydantic', 'lxml', 'github')"
    probe = f"import sys, issueplan.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_version_answers_without_loading_typer_or_pydantic() -> None:
    """`issueplan --version` (the installed command and `python -m issueplan`) prints the version before the
    CLI's libraries are imported: a version check costs about an interpreter's start."""
    probe = (
        "import sys\nsys.argv = ['issueplan', '--version']\nfrom issueplan.launcher import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n    print('exit', done.code)\n"
        "print('loaded:', sorted(m for m in ('typer', 'pydantic', 'lxml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [f"issueplan {__version__}", "exit 0", "loaded: []"]
    module = subprocess.run(
        [sys.executable, "-m", "issueplan", "--version"], capture_output=True, text=True, check=True
    )
    assert module.stdout == f"issueplan {__version__}\n"


@pytest.mark.parametrize("command", ["parse", "plan"])
def test_parse_and_plan_do_not_import_the_github_client(command: str, tmp_path: Path) -> None:
    """Only commands that talk to GitHub load PyGithub, requests, jwt and cryptography (a quarter of a second
    of every start): `parse` and `plan` on a tiny report run without them, and still read it. Neither loads a
    reader the report does not need, nor anything of the tracker, the sync half of the job or the run's
    outcome (their models were a third of `plan`'s start-up)."""
    report = tmp_path / "report.xml"
    report.write_text('<testsuite name="unit"><testcase name="passes"/></testsuite>', encoding="utf-8")
    unneeded = ["github", "requests", "jwt", "cryptography"]
    unneeded += ["issueplan.sources.sarif", "issueplan.sources.cobertura"]
    unneeded += ["issueplan.tracker", "issueplan.job", "issueplan.outcome"]
    heavy = tuple(unneeded)
    probe = (
        "import sys\nfrom issueplan.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print('loaded:', sorted(m for m in {heavy} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, command, str(report), "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "1" in done.stdout  # the report was read: one test, or one suite in the plan
    assert done.stdout.splitlines()[-1] == "loaded: []"


def test_plan_without_a_config_does_not_load_yaml(tmp_path: Path) -> None:
    """The default policy ships as JSON too: `plan` without a config file runs without PyYAML (its loader
    was a fifth of the command's start-up), and still applies the default rules."""
    report = tmp_path / "report.xml"
    report.write_text('<testsuite name="unit"><testcase name="t"><failure/></testcase></testsuite>', "utf-8")
    probe = (
        "import sys\nfrom issueplan.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('yaml loaded:', 'yaml' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "plan", str(report), "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "BUG-001: Fix: " in done.stdout  # the default suite-failed rule made its item
    assert done.stdout.splitlines()[-1] == "yaml loaded: False"


def test_the_quick_start_sandbox_job_shows_the_plan_and_the_issues_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The README's main job: plan + sandbox sync on the bundled example; a second run changes nothing."""
    sandbox = tmp_path / "sandbox"
    argv = [
        "sync",
        str(EXAMPLES / "results"),
        "--outcomes",
        str(EXAMPLES / "outcomes.json"),
        "--workspace",
        str(EXAMPLES / "workspace"),
        "--sandbox",
        str(sandbox),
    ]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert re.search(r"BUG-003 +critical", out), "the plan is printed as a table"
    assert "10 created" in out
    board = (sandbox / "issues.md").read_text(encoding="utf-8")
    assert "10 issues: 10 open, 0 closed." in board
    assert (sandbox / "plan.md").read_text(encoding="utf-8").startswith("# Product Improvement Plan")
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert "0 created, 0 updated, 0 closed, 0 reopened, 10 unchanged" in out


@pytest.mark.parametrize("command", ["plan", "parse", "schema"])
def test_the_collector_is_paused_while_a_command_loads_and_back_on_for_its_work(
    command: str, tmp_path: Path
) -> None:
    """The installed command (launcher.main) loads with the cyclic collector off; once the command's modules
    are in, they are frozen out of its walks and it runs again for the work, whatever the command."""
    report = tmp_path / "report.xml"
    report.write_text('<testsuite name="unit"><testcase name="passes"/></testsuite>', encoding="utf-8")
    argv = [command] if command == "schema" else [command, str(report), "--workspace", str(tmp_path)]
    probe = (
        "import atexit, gc, sys\n"
        "def seen():\n    print('collector', gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
        "atexit.register(seen)\n"
        f"sys.argv = ['issueplan', *{argv!r}]\n"
        "from issueplan.launcher import main\n"
        "print('on before main', gc.isenabled(), file=sys.stderr)\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout  # the command did its work
    assert "on before main True" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1] == "collector True True"


def test_the_cli_called_in_process_leaves_the_collector_alone(capsys: pytest.CaptureFixture[str]) -> None:
    """Only the installed command pauses and freezes: `cli.main` in a longer-lived process (the tests, an
    embedding) freezes nothing."""
    code, out, _ = run(capsys, "parse", str(EXAMPLES / "results"))
    assert (code, bool(out)) == (0, True)
    assert (gc.isenabled(), gc.get_freeze_count()) == (True, 0)
