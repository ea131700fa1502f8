"""A run's outcome as one value: the report, the plan, the ChangeSet and each operation's fate; the lines both
front ends print from it, and its exit code, derived in one place (DESIGN decision 9).

Exit codes (README, "Exit codes"): 0 done or stopped by the write budget; 1 `--fail-on` reached or a guard
refused; 2 usage; 3 bug; 4 any GitHub failure (a failed operation, a failed read, a stop on a permission or on
rate limits that did not clear).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from issueplan.errors import ExitCode
from issueplan.model import ActionItem, Frozen, Plan, Priority, RunReport
from issueplan.modes import FailOn
from issueplan.render.safety import Span, neutralise
from issueplan.tracker.changes import ChangeSet, CreateIssue
from issueplan.tracker.results import Counts, Fate, OperationResult, StopReason, SyncResult

NAMED = 10  # failed changes or fail-on items named in one error message


class Failure(Frozen):
    """What kept the run from syncing at all (nothing was written): a failed read of the state, a refused
    guard. `warning` when the run could not have written anyway (a fork's dry run): reported, not failed."""

    message: str
    exit_code: ExitCode
    warning: bool = False


class RunOutcome(Frozen):
    """Everything a run did and found, for the CLI and the action to render and to judge."""

    report: RunReport
    plan: Plan
    synced: bool = False  # the run talked to a tracker (GitHub or the sandbox)
    dry_run: bool = False
    changes: ChangeSet = ChangeSet()
    sync: SyncResult = SyncResult()
    failure: Failure | None = None
    summary_markdown: str = ""
    plan_json_path: Path | None = None
    plan_markdown_path: Path | None = None
    notes: tuple[str, ...] = ()
    # What went wrong without failing the run (a person who cannot be assigned): a warning everywhere.
    warnings: tuple[str, ...] = ()

    @property
    def counts(self) -> Counts:
        return self.sync.counts

    @property
    def operations(self) -> tuple[OperationResult, ...]:
        return self.sync.operations

    @property
    def issues(self) -> Mapping[str, int]:
        return self.sync.issues

    # The counts by name, as the action's outputs and older callers read them.
    @property
    def created(self) -> int:
        return self.counts.created

    @property
    def updated(self) -> int:
        return self.counts.updated

    @property
    def closed(self) -> int:
        return self.counts.closed

    @property
    def reopened(self) -> int:
        return self.counts.reopened

    @property
    def unchanged(self) -> int:
        return self.counts.unchanged


class Verdict(Frozen):
    """The exit code and, for anything but success, why: each reason a finished message."""

    exit_code: ExitCode = ExitCode.OK
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


_THRESHOLDS = {
    FailOn.CRITICAL: Priority.CRITICAL,
    FailOn.HIGH: Priority.HIGH,
    FailOn.NEW_CRITICAL: Priority.CRITICAL,
    FailOn.NEW_HIGH: Priority.HIGH,
}


def items_at_or_above(plan: Plan, fail_on: FailOn) -> tuple[ActionItem, ...]:
    """The plan's items at or above `--fail-on`'s priority (every item for `any` and the `new` modes)."""
    if fail_on is FailOn.NEVER:
        return ()
    threshold = _THRESHOLDS.get(fail_on)
    if threshold is None:
        return plan.items
    return tuple(item for item in plan.items if item.priority.rank <= threshold.rank)


def new_items(outcome: RunOutcome) -> tuple[ActionItem, ...]:
    """The items not tracked before this run: those the sync opens an issue for (in a dry run, would open).
    A run that did not read the tracker (plan only, or its read failed) knows of no tracked item, so every
    item is new there."""
    if not outcome.synced or (outcome.failure is not None and not outcome.changes.operations):
        return outcome.plan.items
    opened = {operation.key for operation in outcome.changes.operations if isinstance(operation, CreateIssue)}
    return tuple(item for item in outcome.plan.items if item.key in opened)


def items_reaching(outcome: RunOutcome, fail_on: FailOn) -> tuple[ActionItem, ...]:
    """The items that reach `--fail-on`: at or above its priority, and new for the `new` modes."""
    reached = items_at_or_above(outcome.plan, fail_on)
    if not fail_on.new_only:
        return reached
    new = {item.key for item in new_items(outcome)}
    return tuple(item for item in reached if item.key in new)


def judge(outcome: RunOutcome, fail_on: FailOn = FailOn.NEVER) -> Verdict:
    """The one place an outcome becomes an exit code. A GitHub failure outranks a refused guard, which
    outranks `--fail-on`: the most urgent thing to fix decides, and every reason is listed."""
    errors: list[str] = []
    warnings: list[str] = list(outcome.warnings)
    codes: list[ExitCode] = []
    failure = outcome.failure
    if failure is not None:
        (warnings if failure.warning else errors).append(failure.message)
        if not failure.warning:
            codes.append(failure.exit_code)
    failed = outcome.sync.failed
    if failed:
        shown = _first([result.describe() for result in failed], sep="; ")
        errors.append(f"GitHub refused or failed {_count(len(failed), 'change')}: {shown}")
        codes.append(ExitCode.GITHUB)
    stop = outcome.sync.stop
    if stop in (StopReason.PERMISSION, StopReason.RATE_LIMIT):
        errors.append(f"stopped: {outcome.sync.stopped}")
        codes.append(ExitCode.GITHUB)
    reached = items_reaching(outcome, fail_on)
    if reached:
        shown = _first([f"{item.id} ({item.priority.value})" for item in reached], sep=", ")
        noun = "new item" if fail_on.new_only else "item"
        errors.append(f"fail-on {fail_on.value}: {_count(len(reached), noun)} reached it: {shown}")
        codes.append(ExitCode.FAILED)
    order = (ExitCode.GITHUB, ExitCode.USAGE, ExitCode.FAILED)
    code = next((each for each in order if each in codes), ExitCode.OK)
    return Verdict(exit_code=code, errors=tuple(errors), warnings=tuple(warnings))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _first(texts: list[str], *, sep: str) -> str:
    """A few of many, so one error line stays readable; the full list is in the log's change lines."""
    more = f"{sep}and {len(texts) - NAMED} more" if len(texts) > NAMED else ""
    return sep.join(texts[:NAMED]) + more


def change_lines(outcome: RunOutcome) -> tuple[str, ...]:
    """One line per operation, with its fate: the same list for a dry run and a real run."""
    return tuple(_change_line(result) for result in outcome.operations)


def _change_line(result: OperationResult) -> str:
    text = result.operation.describe()
    if result.fate is Fate.PLANNED:
        return f"would: {text}"
    if result.fate is Fate.FAILED:
        return f"FAILED: {text}: {result.message}"
    if result.fate is Fate.LEFT:
        return f"left: {text}" + (f" ({result.message})" if result.message else "")
    return text


def summary_line(outcome: RunOutcome) -> str:
    """`9 items, status failing: 3 created, …` (a dry run: `would create 3, …`); plan only: no counts."""
    head = f"{outcome.plan.summary.total} items, status {outcome.plan.overall_status.value}"
    if not outcome.synced:
        return head
    if outcome.failure is not None and not outcome.operations:
        return f"{head}: nothing synced"
    return f"{head}: {outcome.counts.text(dry_run=outcome.dry_run)}"


def stop_line(outcome: RunOutcome) -> str | None:
    """Why the writes stopped early, how many were made and what is left; None when they did not."""
    if outcome.sync.stopped is None:
        return None
    return f"Stopped early ({outcome.sync.stop}): {outcome.sync.stopped}"


def summary_preface(outcome: RunOutcome, dry_run_reason: str | None) -> str:
    """The job summary's head: why the run could not write, what it did, what failed, where it stopped."""

    def quote(text: str) -> str:
        return neutralise(text, Span.LINE)

    lines: list[str] = []
    if dry_run_reason:
        lines.append(f"> **Dry run:** {quote(dry_run_reason)}")
    applied = any(result.fate is Fate.APPLIED for result in outcome.operations)
    if outcome.failure is not None:
        lines.append(f"> **Not synced:** {quote(outcome.failure.message)}")
    elif outcome.sync.stopped is not None and not applied:
        lines.append(f"> **Not synced:** {quote(outcome.sync.stopped)}")
    elif outcome.synced:
        lines.append(f"> **Sync:** {quote(outcome.counts.text(dry_run=outcome.dry_run))}")
        if outcome.sync.stopped is not None:
            lines.append(f"> **Stopped early ({outcome.sync.stop}):** {quote(outcome.sync.stopped)}")
    lines.extend(f"> **Failed:** {quote(failed.describe())}" for failed in outcome.sync.failed)
    lines.extend(f"> **Warning:** {quote(warning)}" for warning in outcome.warnings)
    return "\n>\n".join(lines) + "\n\n" if lines else ""
