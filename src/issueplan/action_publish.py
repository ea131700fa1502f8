"""What the action writes once a run is done: log lines, annotations, the job summary and GITHUB_OUTPUT, each
rendered once from the run's outcome (action.py reads the inputs and runs the job)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from issueplan.action_context import ActionOutput
from issueplan.outcome import (
    RunOutcome,
    Verdict,
    change_lines,
    new_items,
    stop_line,
    summary_line,
    summary_preface,
)
from issueplan.render.annotations import annotate_report
from issueplan.render.change_view import render_change_view
from issueplan.render.workflow import WorkflowCommand, WorkflowLog, format_output
from issueplan.workspace_files import hand_to_workspace_owner

if TYPE_CHECKING:
    from issueplan.action import ActionInputs


def publish(outcome: RunOutcome, inputs: ActionInputs, log: WorkflowLog, verdict: Verdict) -> None:
    """The outcome, rendered once each way: log lines, annotations, the job summary and the outputs."""
    lines = change_lines(outcome)
    if lines:
        with log.group("Changes (dry run: nothing written)" if outcome.dry_run else "Changes"):
            for line in lines:
                log.line(line)
    for note in outcome.notes:
        log.line(note)
    annotations = annotate_report(outcome.report, workspace=inputs.workspace)
    for annotation in annotations.shown:
        log.raw(annotation.command())
    if annotations.omitted:
        log.line(f"{annotations.omitted} more annotations not shown (GitHub shows 10 of each kind per step)")
    log.line(summary_line(outcome))
    stopped = stop_line(outcome)
    if stopped is not None:
        log.line(stopped)
    for warning in verdict.warnings:
        log.command(WorkflowCommand.WARNING, warning, title="issueplan")
    for error in verdict.errors:
        log.command(WorkflowCommand.ERROR, error, title="issueplan")
    if inputs.summary and inputs.summary_file is not None:
        with inputs.summary_file.open("a", encoding="utf-8") as summary:
            summary.write(
                summary_preface(outcome, inputs.dry_run_reason)
                + _change_view(outcome, inputs)
                + outcome.summary_markdown.rstrip("\n")
                + "\n"
            )
    if inputs.output_file is not None:
        with inputs.output_file.open("a", encoding="utf-8") as outputs:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            for name, value in _outputs(outcome, inputs.workspace).items():
                outputs.write(format_output(name, value, delimiter))
    hand_to_workspace_owner(inputs.workspace, inputs.summary_file, inputs.output_file)


def _outputs(outcome: RunOutcome, workspace: Path) -> dict[ActionOutput, str]:
    counts = outcome.sync.done  # outputs say what happened: a dry run created nothing
    new = new_items(outcome)  # not tracked before this run, whether or not this run opened them
    return {
        ActionOutput.OVERALL_STATUS: outcome.plan.overall_status.value,
        ActionOutput.PLAN_JSON: _shown_path(outcome.plan_json_path, workspace),
        ActionOutput.PLAN_MARKDOWN: _shown_path(outcome.plan_markdown_path, workspace),
        ActionOutput.CREATED: str(counts.created),
        ActionOutput.UPDATED: str(counts.updated),
        ActionOutput.CLOSED: str(counts.closed),
        ActionOutput.REOPENED: str(counts.reopened),
        ActionOutput.UNCHANGED: str(counts.unchanged),
        ActionOutput.FAILED: str(counts.failed),
        ActionOutput.LEFT: str(counts.left),
        ActionOutput.ISSUES: json.dumps(dict(sorted(outcome.issues.items())), separators=(",", ":")),
        ActionOutput.NEW: str(len(new)),
        ActionOutput.NEW_ITEMS: json.dumps(sorted(item.id for item in new), separators=(",", ":")),
    }


def _change_view(outcome: RunOutcome, inputs: ActionInputs) -> str:
    """A dry run that read the tracker says what it would open, close and reopen (a pull request's view)."""
    if not (outcome.dry_run and outcome.synced) or outcome.failure is not None:
        return ""
    heading = "What this pull request changes" if inputs.pull_request else "What this run would change"
    return render_change_view(outcome.changes, outcome.plan, heading=heading)


def _shown_path(path: Path | None, workspace: Path) -> str:
    """Relative to the workspace: the container's /github/workspace is another path on the runner."""
    if path is None:
        return ""
    try:
        return path.relative_to(workspace).as_posix()
    except ValueError:
        return str(path)
