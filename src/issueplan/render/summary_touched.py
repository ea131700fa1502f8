"""Which issues a sync touched, for the job summary: every issue created, updated, closed or reopened, with
"would" wording in a dry run.

It reads the sync's own record (each operation and its fate), so the list says what happened, not what was
planned: a failed write says it failed, one the budget left says so, and a dry run says what a real run
would do. Issue numbers of this run's creates come from GitHub's answers (`SyncResult.issues`). Only a
summary of a sync imports this module (and with it the tracker's change and result types).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from issueplan.model import ActionItem
from issueplan.tracker.changes import (
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    ReopenIssue,
    UpdateIssue,
)
from issueplan.tracker.results import Fate, OperationResult, SyncResult

_IssueWrite = CreateIssue | UpdateIssue | ReopenIssue | CloseIssue | CloseDuplicate


@dataclass(frozen=True)
class TouchedIssue:
    number: int | None  # None: a create that did not happen (a dry run, a failure)
    item_id: str
    title: str
    change: str


def touched_issues(sync: SyncResult, items: tuple[ActionItem, ...]) -> list[TouchedIssue]:
    """One entry per issue write of the sync, in ChangeSet order, with what became of it in words; labels,
    milestones and the links of new issues complete these writes and are not listed."""
    titles = {item.key: item.title for item in items}
    touched = []
    for result in sync.operations:
        operation = result.operation
        if not isinstance(operation, _IssueWrite):
            continue
        past, verb = _words(operation)
        touched.append(
            TouchedIssue(
                number=_number(operation, sync.issues, result.fate),
                item_id=operation.key if isinstance(operation, CloseDuplicate) else operation.id,
                title=titles.get(operation.key, ""),
                change=_change(result, past, verb),
            )
        )
    return touched


def _words(operation: _IssueWrite) -> tuple[str, str]:
    """(past tense, verb) of a write."""
    if isinstance(operation, CreateIssue):
        return "created", "create"
    if isinstance(operation, UpdateIssue):
        return "updated", "update"
    if isinstance(operation, ReopenIssue):
        return "reopened", "reopen"
    if isinstance(operation, CloseIssue):
        return "closed", "close"
    return "closed as a duplicate", "close as a duplicate"


def _number(operation: _IssueWrite, known: Mapping[str, int], fate: Fate) -> int | None:
    if isinstance(operation, CreateIssue):
        return known.get(operation.id) if fate is Fate.APPLIED else None
    return operation.number


def _change(result: OperationResult, past: str, verb: str) -> str:
    if result.fate is Fate.APPLIED:
        return past
    if result.fate is Fate.PLANNED:
        return f"would {verb}"
    if result.fate is Fate.FAILED:
        return f"failed to {verb}" + (f": {result.message}" if result.message else "")
    return f"{verb}: left for the next run"
