"""Workflow commands as the runner reads them: escaping, defused log lines, annotations, the outputs file."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest

from issueplan.model import Case, CaseOutcome, Problem, RunReport, Suite, SuiteKind, SuiteStatus
from issueplan.render.annotations import PER_LEVEL_LIMIT, annotate_report
from issueplan.render.clean import clean_report
from issueplan.render.workflow import WorkflowCommand, WorkflowLog, defuse_log, format_command, format_output
from runner_parsing import read_outputs, runner_commands, unescape

HOSTILE = [
    "::warning::x",
    "::add-mask::y",
    "::stop-commands::z",
    "  \t::error file=a,line=1::spoofed",
    "ok\n::set-output name=a::b",
    "ok\r::add-path::/tmp/evil",
    "prefix ##[add-mask]secret",
    "##[error]legacy",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_i9_free_log_text_runs_no_workflow_command(hostile: str) -> None:
    """I9: a test name that is a workflow command, printed as a log line, is no command to the runner."""
    stream = io.StringIO()
    WorkflowLog(stream).line(f"Failing test: {hostile}")
    WorkflowLog(stream).line(hostile)
    assert runner_commands(stream.getvalue()) == []
    # The reader still sees the text (a zero-width space is the only change).
    assert stream.getvalue().replace("\u200b", "").split() == f"Failing test: {hostile}\n{hostile}".split()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_i9_untrusted_text_inside_our_command_stays_data(hostile: str) -> None:
    """I9: untrusted text as an annotation's message, title or file yields exactly our one command, intact."""
    line = format_command(WorkflowCommand.ERROR, hostile, {"file": hostile, "line": 3, "title": hostile})
    [(name, properties, data)] = runner_commands(line + "\n")
    assert name == "error"
    assert properties == {"file": hostile, "line": "3", "title": hostile}
    assert unescape(data) == hostile


def test_i9_failing_case_named_like_commands_yields_only_our_annotation(tmp_path: Path) -> None:
    """I9: `::warning::x`, `::add-mask::y`, `::stop-commands::z` as test names produce one error annotation
    each and no command of their own."""
    names = ["::warning::x", "::add-mask::y", "::stop-commands::z"]
    cases = tuple(
        Case(name=n, file="tests/test_x.py", line=i, outcome=CaseOutcome.FAILED, message=f"{n}\n::error::m")
        for i, n in enumerate(names, start=1)
    )
    report = RunReport(suites=(_suite(cases),))
    stream = io.StringIO()
    log = WorkflowLog(stream)
    for annotation in annotate_report(report, workspace=tmp_path).shown:
        log.raw(annotation.command())
    commands = runner_commands(stream.getvalue())
    assert [c[0] for c in commands] == ["error", "error", "error"]
    assert [c[1]["title"] for c in commands] == [f"{n} failed" for n in names]
    assert [unescape(c[2]) for c in commands] == [f"{n}\n::error::m" for n in names]


def test_defuse_log_keeps_ordinary_lines_byte_for_byte() -> None:
    assert defuse_log("Reading results from test-results/**\nsecond: line") == [
        "Reading results from test-results/**",
        "second: line",
    ]


def test_annotations_are_capped_per_level_and_counted(tmp_path: Path) -> None:
    """GitHub shows 10 of each kind per step: hundreds of failures give a bounded, counted set."""
    cases = tuple(
        Case(name=f"t{i:03}", file="tests/test_x.py", line=i, outcome=CaseOutcome.ERROR) for i in range(300)
    )
    problems = tuple(Problem(file=f"r{i}.xml", message="truncated") for i in range(40))
    annotations = annotate_report(RunReport(suites=(_suite(cases),), problems=problems), workspace=tmp_path)
    levels = [a.level for a in annotations.shown]
    assert levels.count(WorkflowCommand.ERROR) == PER_LEVEL_LIMIT
    assert levels.count(WorkflowCommand.WARNING) == PER_LEVEL_LIMIT
    assert annotations.omitted == 300 + 40 - 2 * PER_LEVEL_LIMIT
    assert annotations.shown[0].title == "t000 errored"


def test_annotation_paths_are_relative_to_the_workspace_and_secrets_redacted(
    tmp_path: Path,
) -> None:
    token = "ghs_" + "a" * 36
    problem = Problem(file=str(tmp_path / "results" / "bad.xml"), line=7, message=f"token {token} leaked")
    case = Case(name="t", file="src/a.py", outcome=CaseOutcome.FAILED, message="run-token-value in message")
    report = RunReport(suites=(_suite((case,)),), problems=(problem,))
    shown = annotate_report(clean_report(report, ["run-token-value"]), workspace=tmp_path).shown
    error, warning = shown
    assert (warning.file, warning.line) == ("results/bad.xml", 7)
    assert token not in warning.message
    assert "run-token-value" not in error.message


def test_cases_without_a_file_or_not_failing_are_not_annotated(tmp_path: Path) -> None:
    cases = (
        Case(name="nofile", outcome=CaseOutcome.FAILED),
        Case(name="skipped", file="a.py", outcome=CaseOutcome.SKIPPED),
        Case(name="flaky", file="a.py", outcome=CaseOutcome.FLAKY),
    )
    assert annotate_report(RunReport(suites=(_suite(cases),)), workspace=tmp_path).shown == ()


def test_multiline_output_survives_the_outputs_file() -> None:
    value = "line one\nname<<EOF\nEOF\nlast"
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    entry = format_output("plan-markdown", value, delimiter)
    assert read_outputs(entry) == {"plan-markdown": value}


def test_output_containing_the_delimiter_is_refused() -> None:
    with pytest.raises(ValueError, match="delimiter"):
        format_output("issues", "a\nghadelimiter_x\nb", "ghadelimiter_x")


def test_group_encloses_its_lines() -> None:
    stream = io.StringIO()
    log = WorkflowLog(stream)
    with log.group("Changes"):
        log.line("create issue BUG-001")
    assert stream.getvalue() == "::group::Changes\ncreate issue BUG-001\n::endgroup::\n"


def test_mask_registers_every_line_of_a_secret() -> None:
    stream = io.StringIO()
    WorkflowLog(stream).mask("abc%def\nsecond")
    assert runner_commands(stream.getvalue()) == [("add-mask", {}, "abc%25def"), ("add-mask", {}, "second")]


def _suite(cases: tuple[Case, ...]) -> Suite:
    return Suite(name="unit", kind=SuiteKind.UNIT, status=SuiteStatus.FAILED, has_report=True, cases=cases)
