"""The same scenarios through the action's entrypoint (`issueplan.action.main(env)`, no token: a dry run that
still writes the job summary and outputs): a healthy repository, coverage in the summary, and files that are
not result files noted once rather than warned about one by one."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from issueplan import action
from runner_parsing import read_outputs, runner_commands

SCENARIOS = Path(__file__).resolve().parent.parent / "data" / "scenarios"


Run = tuple[int, str, str, dict[str, str]]


@pytest.fixture
def run_action(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Run]:
    """The scenario's results under test-results/ of the healthy checkout, the step's working directory as
    on a runner: (exit code, log, job summary, outputs)."""
    return lambda scenario: _run(tmp_path, monkeypatch, scenario)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str) -> Run:
    workspace = tmp_path / "workspace"
    shutil.copytree(SCENARIOS / "healthy" / "workspace", workspace)
    shutil.copytree(SCENARIOS / scenario / "results", workspace / "test-results")
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": "test-results/**",
    }
    monkeypatch.chdir(workspace)
    log = io.StringIO()
    code = action.main(env, stdout=log)
    summary = (runner / "summary.md").read_text(encoding="utf-8")
    outputs = read_outputs((runner / "output").read_text(encoding="utf-8"))
    return code, log.getvalue(), summary, outputs


def test_a_healthy_repository_is_healthy_in_the_actions_outputs_and_summary(
    run_action: Callable[[str], Run],
) -> None:
    code, log, summary, outputs = run_action("healthy")
    assert code == 0, log
    assert outputs["overall-status"] == "healthy"
    assert outputs["issues"] == "{}"
    assert "issueplan: healthy" in summary


def test_the_job_summary_shows_coverage_without_a_branch_rate_where_there_is_no_branch_data(
    run_action: Callable[[str], Run],
) -> None:
    code, log, summary, _ = run_action("coverage")
    assert code == 0, log
    assert "### Coverage\n\nLines 60.0% (6 of 10) · 2 files measured\n" in summary
    assert "| `shop/orders.py` | 25.0% (1 of 4) | — |" in summary


def test_files_that_are_not_result_files_are_one_note_and_no_warning(
    run_action: Callable[[str], Run],
) -> None:
    """The action's default `results` is a glob, so every file is named one by one: still no warning each."""
    code, log, summary, _ = run_action("not-sarif")
    assert code == 0, log
    assert [name for name, _, _ in runner_commands(log) if name == "warning"] == []
    notes = [line for line in log.splitlines() if "recognised result file" in line]
    assert notes == [
        (
            "Note: 2 files are not recognised result files, not read: test-results/data/benchmark.json, "
            "test-results/data/pipeline.json"
        )
    ]
    assert "could not be read" not in summary
