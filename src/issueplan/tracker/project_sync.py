"""The project board's part of a sync, as job.py runs it: read the board with the tracker, diff it after the
REST diff (before any write: a missing field or option stops the run there), apply it after the REST writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import SecretStr

from issueplan.model import Frozen, Plan
from issueplan.policy.project_fields import ProjectMapping
from issueplan.tracker.changes import ChangeSet, Operation, order_changes
from issueplan.tracker.changes_board import SyncProjectItem
from issueplan.tracker.graphql import GraphQLClient
from issueplan.tracker.project import diff_project
from issueplan.tracker.project_apply import ProjectApplier
from issueplan.tracker.project_board import Board, read_board
from issueplan.tracker.project_ref import ProjectRef
from issueplan.tracker.results import Fate, OperationResult, StopReason, SyncResult
from issueplan.tracker.retry import Sleep
from issueplan.tracker.tracked import TrackerState


class ProjectTarget(Frozen):
    """Which project, where its GraphQL endpoint is, the token that may write it, and the field mapping."""

    project: ProjectRef
    graphql_url: str
    token: SecretStr
    mapping: ProjectMapping = ProjectMapping()


class ProjectSync:
    def __init__(self, target: ProjectTarget, repo: str, *, sleep: Sleep = time.sleep) -> None:
        self.target = target
        self.repo = repo
        self.sleep = sleep
        self.client = GraphQLClient(target.graphql_url, target.token, sleep=sleep)

    def read(self) -> Board:
        """The board; GitHubError when it cannot be read (nothing is written then)."""
        return read_board(self.client, self.target.project, self.repo)

    def diff(
        self,
        plan: Plan,
        state: TrackerState,
        changes: ChangeSet,
        board: Board,
        scope: str,
        log: Callable[[str], None],
    ) -> ChangeSet:
        """`changes` with the board's operations added (ConfigError for a missing field or option)."""
        found = diff_project(plan, state, changes.operations, board, self.target.mapping, scope)
        for note in found.notes:
            log(note)
        operations: list[Operation] = [*changes.operations, *found.operations]
        return order_changes(operations)

    def apply(
        self, changes: ChangeSet, rest: SyncResult, *, write_interval: float, max_writes: int | None = None
    ) -> SyncResult:
        """The REST result with the board's results after it; all left when the REST writes were stopped.
        Each mutation request counts as a write of the run's budget (`max_writes`)."""
        board_ops = [op for op in changes.operations if isinstance(op, SyncProjectItem)]
        if not board_ops:
            return rest
        if rest.stop is not None:
            left = [OperationResult(operation=op, fate=Fate.LEFT) for op in board_ops]
            return rest.model_copy(update={"operations": (*rest.operations, *left)})
        applier = ProjectApplier(
            self.client,
            self.repo,
            batch=self.target.mapping.batch,
            pause=lambda: self.sleep(write_interval),
            budget=None if max_writes is None else max(max_writes - rest.writes, 0),
        )
        results = applier.apply(board_ops, rest.issues)
        update: dict[str, object] = {
            "operations": (*rest.operations, *results),
            "writes": rest.writes + applier.sent,
        }
        unsent = sum(result.fate is Fate.LEFT for result in results)
        if max_writes is not None and any(each.message.endswith("budget is spent") for each in results):
            update["stop"] = StopReason.BUDGET
            update["stopped"] = (
                f"the write budget of {max_writes} is spent; stopped after {rest.writes + applier.sent} "
                f"writes, {unsent} changes left for the next run"
            )
        return rest.model_copy(update=update)


def rest_only(changes: ChangeSet) -> ChangeSet:
    """The operations the REST applier executes (the board's go over GraphQL)."""
    return ChangeSet(operations=tuple(op for op in changes.operations if not isinstance(op, SyncProjectItem)))
