"""Workflow annotations for one run: failing test cases as errors, unreadable files as warnings.

GitHub shows at most 10 annotations of each level per step, so a run with hundreds of failures would only bury
the useful ones; each level is capped and the rest is counted so the log can say how many were left out.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from issueplan.model import Case, CaseOutcome, Frozen, Problem, RunReport, cap_text
from issueplan.policy.describe import case_label
from issueplan.render.safety import cap_title
from issueplan.render.workflow import WorkflowCommand, format_command

PER_LEVEL_LIMIT = 25
MESSAGE_LIMIT = 1_000
TITLE_LIMIT = 200
_FAILING = (CaseOutcome.FAILED, CaseOutcome.ERROR)


class Annotation(Frozen):
    level: WorkflowCommand
    message: str
    file: str | None = None
    line: int | None = None
    title: str | None = None

    def command(self) -> str:
        return format_command(
            self.level, self.message, {"file": self.file, "line": self.line, "title": self.title}
        )


class Annotations(Frozen):
    shown: tuple[Annotation, ...] = ()
    omitted: int = 0


def annotate_report(report: RunReport, *, workspace: Path) -> Annotations:
    """Errors for failing cases that name their file, warnings for problems; sorted, capped per level.

    `report` is the cleaned one (render/clean.py): its texts hold no secret."""
    errors = sorted(
        (
            _case_annotation(case)
            for suite in report.suites
            for case in suite.cases
            if case.outcome in _FAILING and case.file
        ),
        key=_order,
    )
    warnings = sorted((_problem_annotation(p, workspace) for p in report.problems), key=_order)
    shown = (*errors[:PER_LEVEL_LIMIT], *warnings[:PER_LEVEL_LIMIT])
    return Annotations(shown=shown, omitted=len(errors) + len(warnings) - len(shown))


def _order(annotation: Annotation) -> tuple[str, int, str, str]:
    return (annotation.file or "", annotation.line or 0, annotation.title or "", annotation.message)


def _case_annotation(case: Case) -> Annotation:
    name = case_label(case)
    verb = "errored" if case.outcome is CaseOutcome.ERROR else "failed"
    message = case.message or case.type or f"{name} {verb}"
    return Annotation(
        level=WorkflowCommand.ERROR,
        message=cap_text(message, MESSAGE_LIMIT),
        file=case.file,
        line=case.line,
        title=cap_title(f"{name} {verb}", TITLE_LIMIT),
    )


def _problem_annotation(problem: Problem, workspace: Path) -> Annotation:
    return Annotation(
        level=WorkflowCommand.WARNING,
        message=cap_text(problem.message, MESSAGE_LIMIT),
        file=_relative(problem.file, workspace),
        line=problem.line,
        title="issueplan could not fully read this file",
    )


def _relative(file: str, workspace: Path) -> str:
    """A path GitHub can link: relative to the checkout when the file lies inside it."""
    path = Path(file)
    if not path.is_absolute():
        return PurePosixPath(path).as_posix()
    try:
        return path.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return file
