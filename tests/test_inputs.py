"""RELIABILITY S24: an ordinary mistake, on the command line, in the action's inputs or in the config, is
refused with exit 2 and a message naming the option (or key), the value and the fix, before any write.

Everything runs through the real entrypoints: `issueplan.cli.main([...])` and `issueplan.action.main(env)`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from issueplan import action, cli
from issueplan.errors import ExitCode
from issueplan.tracker.sandbox import FakeGitHub
from runner_parsing import runner_commands

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RESULTS = str(EXAMPLES / "results")
TOKEN = "ghs_" + "T0kenForTheFakeGitHub" * 2
LONG_TEAM = "reliability-" * 4 + "ops"  # 51 characters: `team: …` is 57


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token in the environment and no ambient repository: the options alone decide."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    for name in ("GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)


# --- the command line --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--max-writes", "-1"], ["--max-writes", "greater than or equal to 0"]),
        (["--max-writes", "many"], ["--max-writes", "valid integer"]),
        (["--write-interval", "-1"], ["--write-interval", "greater than or equal to 0"]),
        (["--write-interval", "nan"], ["--write-interval", "less than or equal to 60"]),
        (
            ["--api-url", "ftp://x"],
            ["--api-url (or $GITHUB_API_URL): 'ftp://x' is not an http(s) URL", "https://HOST/api/v3"],
        ),
        (
            ["--api-url", "not-a-url"],
            ["--api-url (or $GITHUB_API_URL): 'not-a-url' is not an http(s) URL with a host"],
        ),
        (["--api-url", "https://"], ["--api-url (or $GITHUB_API_URL): 'https://' is not an http(s) URL"]),
        (["--api-url", "https://ghe:99999"], ["'https://ghe:99999' is not an http(s) URL with a host"]),
        (["--api-url", "https://me:pw@ghe"], ["'https://…@ghe' is not an http(s) URL with a host"]),
        (
            ["--repo", "notaslug"],
            ["--repo (or $GITHUB_REPOSITORY): 'notaslug' is not OWNER/NAME, e.g. octo-org/octo-repo"],
        ),
        (["--repo", "octo/../x"], ["--repo (or $GITHUB_REPOSITORY): 'octo/../x' is not OWNER/NAME"]),
        (["--scope", ""], ["--scope: '' is not a scope: 1 to 40 letters, digits, '.', '_' and '-'"]),
        (["--scope", "x -->"], ["--scope: 'x -->' is not a scope", "e.g. nightly"]),
        (["--scope", "a(b)"], ["--scope: 'a(b)' is not a scope"]),
        (["--scope", "s" * 41], ["is not a scope: 1 to 40"]),
        (["--label", "a,b"], ["--label: 'a,b' has a comma"]),
        (["--label", "x" * 51], [f"--label: '{'x' * 51}' is 51 characters; GitHub allows at most 50"]),
        (["--label", " "], ["--label: ' ' is empty"]),
    ],
)
def test_s24_a_bad_sync_option_exits_2_naming_the_option_value_and_fix(
    capsys: pytest.CaptureFixture[str], argv: list[str], needles: list[str]
) -> None:
    code, out, err = run_cli(capsys, "sync", RESULTS, "--repo", "octo/demo", *argv)
    assert code == ExitCode.USAGE, err
    for needle in needles:
        assert needle in err
    assert "Traceback" not in err
    assert "Reading results" not in err  # refused before anything is read
    assert out == ""


@pytest.mark.usefixtures("offline")
def test_s24_files_and_directories_in_the_wrong_place_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    cases = [
        (["sync", RESULTS, "--sandbox", str(a_file)], f"--sandbox: '{a_file}' is a file, not a directory"),
        (
            ["sync", RESULTS, "--repo", "o/r", "--dry-run", "--output-dir", str(a_file)],
            f"--output-dir: '{a_file}' is a file, not a directory",
        ),
        (
            ["plan", RESULTS, "--workspace", str(a_file)],
            f"--workspace (or $GITHUB_WORKSPACE): '{a_file}' is a file",
        ),
        (["plan", RESULTS, "--workspace", str(tmp_path / "nope")], "does not exist"),
        (["plan", RESULTS, "--config", str(tmp_path)], f"--config: '{tmp_path}' is a directory, not a file"),
        (["plan", RESULTS, "--config", str(tmp_path / "x.yml")], "is not found; check the path"),
        (["plan", RESULTS, "--output", str(tmp_path)], "is a directory"),
        (["plan", RESULTS, "--outcomes", str(tmp_path)], "is a directory"),
    ]
    for argv, needle in cases:
        code, _, err = run_cli(capsys, *argv)
        assert (code, needle in err, "Traceback" in err) == (ExitCode.USAGE, True, False), (argv, err)
    assert list(tmp_path.iterdir()) == [a_file]


def test_s24_the_help_states_the_bounds(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run_cli(capsys, "sync", "--help")
    assert code == 0
    assert "[0<=x<=100000]" in out
    assert "[0<=x<=60.0]" in out
    assert "1 to 40 letters, digits, '.', '_' and '-'" in out
    assert "at most 50 characters, no comma" in out


# --- the plan's format -------------------------------------------------------------------------------------


def test_the_plan_is_markdown_unless_format_or_the_output_extension_says_otherwise(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`plan > plan.md` (stdout not a terminal) is markdown, as on a terminal; `.json` picks JSON."""
    fixed = ["--now", "2025-08-20T10:05:39Z"]
    code, out, _ = run_cli(capsys, "plan", RESULTS, *fixed)
    assert code == 0
    assert out.startswith("# ")
    code, out, _ = run_cli(capsys, "plan", RESULTS, *fixed, "--format", "json")
    assert json.loads(out)["items"]
    for name, is_json in (("plan.json", True), ("PLAN.JSON", True), ("plan.md", False), ("plan.txt", False)):
        target = tmp_path / name
        code, _, _ = run_cli(capsys, "plan", RESULTS, *fixed, "--output", str(target))
        text = target.read_text(encoding="utf-8")
        assert (code, text.startswith("{"), text.startswith("# ")) == (0, is_json, not is_json), name
    code, _, _ = run_cli(
        capsys, "plan", RESULTS, *fixed, "--output", str(tmp_path / "x.md"), "--format", "json"
    )
    assert json.loads((tmp_path / "x.md").read_text(encoding="utf-8"))["items"]


# --- the config --------------------------------------------------------------------------------------------


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issueplan.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            f"rules:\n  - id: suite-failed\n    team: {LONG_TEAM}\n",
            f"rules[0].team: the label 'team: {LONG_TEAM}' is 57 characters; GitHub allows at most 50",
        ),
        (
            "rules:\n  - id: suite-failed\n    team: 'dev, ops'\n",
            "rules[0].team: the label 'team: dev, ops' has a comma",
        ),
        (
            f"suites:\n  - name: unit_tests\n    team: {LONG_TEAM}\n",
            "suites[0].team: the label",
        ),
        (
            "labels:\n  team: 'the team which owns this item is called {team}'\n",
            (
                "labels.team (suite-failed.team): "
                "the label 'the team which owns this item is called development_team'"
            ),
        ),
        ("labels:\n  managed: 'issue,plan'\n", "labels: managed: the label 'issue,plan' has a comma"),
        (
            "labels:\n  priority: 'the priority level of this particular item: {priority}'\n",
            "labels: priority: the label 'the priority level of this particular item: critical' is 52",
        ),
        (
            f"milestones:\n  critical: '{'C' * 213}'\n",
            "milestones: critical: the milestone title 'CCC",
        ),
        ("milestones:\n  week: ''\n", "milestones: week: the milestone title '' is empty"),
        (
            "rules:\n  - id: security-programme\n    enabled: false\n",
            (
                "rules[0].id: 'security-programme' is no rule of the default policy (did you mean "
                "'security-program'?)"
            ),
        ),
    ],
)
def test_s24_a_config_name_github_would_refuse_exits_2_naming_the_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, needle: str
) -> None:
    config = _config(tmp_path, text)
    code, _, err = run_cli(capsys, "plan", RESULTS, "--config", str(config))
    assert code == ExitCode.USAGE, err
    assert f"issueplan: error: {config}: " in err
    assert needle in err


def test_a_config_whose_titles_fit_with_any_scope_is_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = _config(
        tmp_path, f"milestones:\n  critical: '{'C' * 212}'\nrules:\n  - id: suite-failed\n    team: ops\n"
    )
    code, _, err = run_cli(capsys, "plan", RESULTS, "--config", str(config), "--scope", "s" * 40)
    assert code == 0, err


# --- step outcomes -----------------------------------------------------------------------------------------


def test_s24_an_outcome_for_a_misspelt_suite_exits_2_naming_the_closest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(capsys, "plan", RESULTS, "--outcome", "Unit_Test=failure")
    assert code == ExitCode.USAGE
    assert "step outcome for 'Unit_Test'" in err
    assert "(did you mean 'unit_tests'?)" in err


def test_an_outcome_for_a_suite_without_any_report_still_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """e2e_tests failed before writing a report: no suite is like it, so its outcome is evidence."""
    code, out, err = run_cli(capsys, "parse", RESULTS, "--outcome", "e2e_tests=failure", "--format", "json")
    assert code == 0, err
    suites = {suite["name"]: suite["status"] for suite in json.loads(out)["suites"]}
    assert suites["e2e_tests"] == "failed"


# --- no write before the refusal ---------------------------------------------------------------------------


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize(
    "argv",
    [
        ["--label", "ci,results"],
        ["--label", "l" * 51],
        ["--scope", ""],
        ["--scope", "nightly -->"],
        ["--config", "TEAM_CONFIG"],
    ],
)
def test_s24_a_refused_name_writes_nothing_to_github(
    capsys: pytest.CaptureFixture[str],
    fake_github_factory: Callable[..., FakeGitHub],
    tmp_path: Path,
    argv: list[str],
) -> None:
    fake = fake_github_factory(token=TOKEN)
    team_config = _config(tmp_path, f"rules:\n  - id: suite-failed\n    team: {LONG_TEAM}\n")
    argv = [str(team_config) if arg == "TEAM_CONFIG" else arg for arg in argv]
    base = ["sync", RESULTS, "--repo", "octo/demo", "--api-url", fake.base_url, "--write-interval", "0"]
    code, _, err = run_cli(capsys, *base, *argv)
    assert code == ExitCode.USAGE, err
    assert fake.exchanges == []


# --- the action --------------------------------------------------------------------------------------------


def _action_env(workspace: Path, **inputs: str) -> dict[str, str]:
    env = {
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "INPUT_RESULTS": RESULTS,
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_WRITE-INTERVAL": "0",
    }
    env.update({f"INPUT_{name.upper().replace('_', '-')}": value for name, value in inputs.items()})
    return env


def _run_action(env: dict[str, str]) -> tuple[int, list[str]]:
    stdout = io.StringIO()
    code = action.main(env, stdout=stdout)
    errors = [data for name, _, data in runner_commands(stdout.getvalue()) if name == "error"]
    return code, errors


@pytest.mark.parametrize(
    ("inputs", "needle"),
    [
        ({"max_writes": "-1"}, "input `max-writes`: '-1' is not a whole number from 0 to 100000"),
        ({"max_writes": "1e9"}, "input `max-writes`: '1e9' is not a whole number"),
        ({"write_interval": "-1"}, "input `write-interval`: '-1' is not a number of seconds from 0 to 60"),
        ({"api_url": "ftp://x"}, "input `api-url`: 'ftp://x' is not an http(s) URL with a host"),
        ({"api_url": "not-a-url"}, "input `api-url`: 'not-a-url' is not an http(s) URL with a host"),
        ({"api_url": "http://"}, "input `api-url`: 'http://' is not an http(s) URL with a host"),
        ({"repository": "notaslug"}, "input `repository`: 'notaslug' is not OWNER/NAME"),
        ({"scope": ""}, "input `scope`: '' is not a scope: 1 to 40 letters, digits"),
        ({"scope": "x -->"}, "input `scope`: 'x -->' is not a scope"),
        ({"label": "a,b"}, "input `label`: 'a,b' has a comma"),
        ({"label": "x" * 51}, "is 51 characters; GitHub allows at most 50 in a label name"),
        ({"outcomes": '{"unit_test": "failure"}'}, "(did you mean 'unit_tests'?)"),
    ],
)
def test_s24_a_bad_action_input_exits_2_naming_the_input_value_and_fix(
    tmp_path: Path, inputs: dict[str, str], needle: str
) -> None:
    code, errors = _run_action(_action_env(tmp_path, **inputs))
    assert code == ExitCode.USAGE
    [error] = errors
    assert needle in error


def test_s24_action_paths_and_config_names_are_checked(tmp_path: Path) -> None:
    config = _config(tmp_path, f"rules:\n  - id: suite-failed\n    team: {LONG_TEAM}\n")
    code, [error] = _run_action(_action_env(tmp_path, config=str(config)))
    assert code == ExitCode.USAGE
    assert f"{config}: rules[0].team: the label 'team: {LONG_TEAM}' is 57 characters" in error
    code, [error] = _run_action(_action_env(tmp_path, config=str(tmp_path)))
    assert (code, "input `config`: " in error, "is a directory, not a file" in error) == (2, True, True)
    code, [error] = _run_action({**_action_env(tmp_path), "GITHUB_WORKSPACE": str(config)})
    assert (code, f"$GITHUB_WORKSPACE: '{config}' is a file" in error) == (2, True)
    (tmp_path / "issueplan-output").write_text("in the way", encoding="utf-8")
    code, [error] = _run_action(_action_env(tmp_path))
    assert (code, "the output directory (issueplan-output in the workspace)" in error) == (2, True)


@pytest.mark.parametrize(
    "inputs", [{"label": "ci,results"}, {"scope": ""}, {"scope": "a(b)"}, {"config": "TEAM"}]
)
def test_s24_a_refused_action_input_writes_nothing_to_github(
    fake_github_factory: Callable[..., FakeGitHub], tmp_path: Path, inputs: dict[str, str]
) -> None:
    fake = fake_github_factory(token=TOKEN)
    team_config = _config(tmp_path, f"rules:\n  - id: suite-failed\n    team: {LONG_TEAM}\n")
    inputs = {key: str(team_config) if value == "TEAM" else value for key, value in inputs.items()}
    code, errors = _run_action(_action_env(tmp_path, api_url=fake.base_url, **inputs))
    assert (code, len(errors)) == (ExitCode.USAGE, 1)
    assert fake.exchanges == []


def test_s24_action_config_rule_override_and_milestone_title_are_checked(tmp_path: Path) -> None:
    config = _config(tmp_path, "rules:\n  - id: load-test\n    priority: low\n")
    code, [error] = _run_action(_action_env(tmp_path, config=str(config)))
    assert code == ExitCode.USAGE
    assert (
        f"{config}: rules[0].id: 'load-test' is no rule of the default policy (did you mean 'load-testing'?)"
        in error
    )
    config = _config(tmp_path, f"milestones:\n  low: '{'L' * 300}'\n")
    code, [error] = _run_action(_action_env(tmp_path, config=str(config)))
    assert (code, f"{config}: milestones: low: the milestone title" in error, "300 characters" in error) == (
        2,
        True,
        True,
    )


def test_the_defaults_github_sets_for_every_input_are_accepted(tmp_path: Path) -> None:
    """GitHub sets INPUT_<NAME> for every input action.yml declares, empty ones too: `label: ''` is the
    config's label, not an empty one; only `scope`, whose default is not empty, refuses ''."""
    from issueplan.action_context import INPUT_DEFAULTS  # noqa: PLC0415 - only this test needs the table

    declared = {
        f"INPUT_{name.upper()}": value for name, value in INPUT_DEFAULTS.items() if "${{" not in value
    }
    inputs = action.ActionInputs.from_env({**_action_env(tmp_path), **declared})
    assert (inputs.label, inputs.scope, inputs.max_writes, inputs.write_interval) == (
        None,
        "default",
        None,
        0.8,
    )
