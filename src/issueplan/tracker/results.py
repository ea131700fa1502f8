"""What became of each operation of a ChangeSet, and the counts every front end shows, derived in one place.

The applier records one OperationResult per operation, in ChangeSet order: applied, failed (with GitHub's
status and message) or left for the next run; a dry run records each as planned. Counts come only from these
fates, so a dry run and a real run on the same state say the same numbers, and nothing that did not happen is
counted.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from issueplan.model import Frozen
from issueplan.tracker.changes import (
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    Operation,
    ReopenIssue,
    UpdateIssue,
)


class Fate(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    LEFT = "left"  # not tried: the budget, a stop or a failed prerequisite left it for the next run
    PLANNED = "planned"  # a dry run: what a real run would apply


class StopReason(StrEnum):
    """Why the remaining writes were not tried."""

    BUDGET = "budget"
    PERMISSION = "permission"
    RATE_LIMIT = "rate limit"


class OperationResult(Frozen):
    operation: Operation
    fate: Fate
    status: int | None = None  # GitHub's HTTP status, for a failed operation that got an answer
    message: str = ""  # GitHub's message (failed) or why it was left

    def describe(self) -> str:
        text = self.operation.describe()
        return f"{text}: {self.message}" if self.message else text


class Counts(Frozen):
    """How many issues each kind of write touched (the dashboard too); `failed`/`left` count operations."""

    created: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    duplicates_closed: int = 0
    unchanged: int = 0
    failed: int = 0
    left: int = 0

    def text(self, *, dry_run: bool) -> str:
        """`3 created, 2 updated, …` or, for a dry run, `would create 3, update 2, …`: the same numbers."""
        kinds = [
            ("created", "create", self.created),
            ("updated", "update", self.updated),
            ("closed", "close", self.closed),
            ("reopened", "reopen", self.reopened),
        ]
        if self.duplicates_closed:
            kinds.append(("closed as duplicates", "close as duplicates", self.duplicates_closed))
        if dry_run:
            done = "would " + ", ".join(f"{verb} {count}" for _, verb, count in kinds)
        else:
            done = ", ".join(f"{count} {past}" for past, _, count in kinds)
        tail = [f"{self.unchanged} unchanged"]
        if self.failed:
            tail.append(f"{self.failed} failed")
        if self.left:
            tail.append(f"{self.left} left for the next run")
        return f"{done}, {', '.join(tail)}"


def _kind(operation: Operation) -> str | None:
    if isinstance(operation, CreateIssue):
        return "created"
    if isinstance(operation, UpdateIssue):
        return "updated"
    if isinstance(operation, CloseIssue):
        return "closed"
    if isinstance(operation, ReopenIssue):
        return "reopened"
    if isinstance(operation, CloseDuplicate):
        return "duplicates_closed"
    return None  # labels, milestones, dependencies and the links of new issues complete other writes


class SyncResult(Frozen):
    """What a sync did: every operation's fate, in order. `issues` maps item ids to issue numbers."""

    operations: tuple[OperationResult, ...] = ()
    issues: dict[str, int] = Field(default_factory=dict)
    unchanged: int = 0
    writes: int = 0
    stop: StopReason | None = None
    stopped: str | None = None  # the stop, in words: what stopped, after how many writes, what is left

    @property
    def counts(self) -> Counts:
        """What was done, or for a dry run what a real run would do: the numbers the log shows."""
        return self.tally(Fate.APPLIED, Fate.PLANNED)

    @property
    def done(self) -> Counts:
        """What was done, and nothing else: a dry run did nothing (the action's outputs)."""
        return self.tally(Fate.APPLIED)

    def tally(self, *fates: Fate) -> Counts:
        tally = {"created": 0, "updated": 0, "closed": 0, "reopened": 0, "duplicates_closed": 0}
        for result in self.operations:
            kind = _kind(result.operation)
            if kind is not None and result.fate in fates:
                tally[kind] += 1
        return Counts(
            **tally,
            unchanged=self.unchanged,
            failed=len(self.failed),
            left=len(self.left),
        )

    @property
    def failed(self) -> tuple[OperationResult, ...]:
        return tuple(result for result in self.operations if result.fate is Fate.FAILED)

    @property
    def left(self) -> tuple[Operation, ...]:
        return tuple(result.operation for result in self.operations if result.fate is Fate.LEFT)

    @property
    def errors(self) -> tuple[str, ...]:
        """Each failed operation with GitHub's answer, one line each."""
        return tuple(result.describe() for result in self.failed)

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
    def duplicates_closed(self) -> int:
        return self.counts.duplicates_closed


def planned(operations: tuple[Operation, ...]) -> tuple[OperationResult, ...]:
    """A dry run's fates: each operation as a real run would try it."""
    return tuple(OperationResult(operation=operation, fate=Fate.PLANNED) for operation in operations)
