"""Apply a ChangeSet to GitHub with PyGithub: paced, budgeted, and careful with creates.

The applier makes no decisions (the diff did); it executes the operations in order and reports. Idempotent
calls are retried by PacedRetry; POSTs are not, except after a rate-limit answer (nothing was done then).
An ambiguous create (5xx, connection error) is checked by re-listing before it is tried again (S5). The
requests each operation makes are tracker/issue_writes.py's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import requests
from github import Auth, Github, GithubException
from github.Repository import Repository

from issueplan.errors import GitHubError, PermissionDeniedError
from issueplan.tracker.changes import (
    ChangeSet,
    Operation,
)
from issueplan.tracker.changes_board import AttachSubIssue, DetachSubIssue
from issueplan.tracker.environment import settle_environment
from issueplan.tracker.issue_writes import IssueWriter
from issueplan.tracker.options import API_VERSION, GitHubTarget, SyncOptions
from issueplan.tracker.pacing import WritePacer
from issueplan.tracker.results import Fate, OperationResult, StopReason, SyncResult
from issueplan.tracker.retry import MAX_RETRIES, Clock, PacedRetry, Sleep, is_rate_limited, rate_limit_wait
from issueplan.tracker.sub_issue_writes import SubIssuesMissing, SubIssueWriter
from issueplan.tracker.writes import (
    STOP_REASONS,
    WriteStop,
    check_write_access,
    error_message,
    github_message,
    is_permission_refusal,
    missing_creates,
    permission_error,
    writes_needed,
)

TIMEOUT = 30

# (done, total, what was just done): called after each change, so a long sync can show how far it got.
Progress = Callable[[int, int, str], None]


def connect(
    target: GitHubTarget, options: SyncOptions, *, sleep: Sleep = time.sleep, clock: Clock = time.time
) -> Repository:
    """A lazy Repository: no request until something is read or written."""
    client = Github(
        base_url=target.api_url.rstrip("/"),
        auth=Auth.Token(target.token.get_secret_value()),
        per_page=100,
        lazy=True,
        retry=PacedRetry(sleep=sleep, clock=clock),
        timeout=TIMEOUT,
        seconds_between_requests=0,
        # Writes are paced by the applier, start to start (pacing.py); PyGithub's pacing is end to start.
        seconds_between_writes=0,
        api_version=API_VERSION,
    )
    settle_environment(client, target.api_url)
    return client.get_repo(target.repo)


class _Applier:
    def __init__(
        self, repo: Repository, options: SyncOptions, sleep: Sleep, clock: Clock, progress: Progress | None
    ) -> None:
        self.repo = repo
        self.progress = progress
        self.options = options
        self.sleep = sleep
        self.clock = clock
        self.writes = 0
        self.pacer = WritePacer(options.write_interval, clock=clock, sleep=sleep)
        self.rest = IssueWriter(repo, options, self.write)
        self.sub_issues = SubIssueWriter(repo, self.write)

    def write(self, call: Callable[[], Any], *, post: bool = False) -> Any:
        """One write request. PacedRetry already retried idempotent ones; a POST is retried here only after
        a rate-limit answer, which means nothing was done. Rate limits that do not clear stop the run, and so
        does a 403 about the token's permissions; another 403 (a locked issue's comment) fails one operation.
        """
        for attempt in range(1, MAX_RETRIES + 2):
            self.writes += 1
            self.pacer.wait()
            try:
                return call()
            except GithubException as error:
                headers = error.headers or {}
                limited = is_rate_limited(error.status, headers, github_message(error))
                if error.status == 403 and not limited and is_permission_refusal(error):
                    raise permission_error(error) from error
                if not limited:
                    raise
                if not post or attempt > MAX_RETRIES:
                    raise WriteStop(
                        f"GitHub kept rate-limiting the writes ({error_message(error)})"
                    ) from error
                self.sleep(rate_limit_wait(headers, attempt=attempt, now=self.clock()))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def apply(self, changes: ChangeSet) -> SyncResult:
        operations = changes.operations
        results: list[OperationResult] = []
        if operations:
            try:
                check_write_access(self.repo)
            except PermissionDeniedError as error:
                return self.result(results, operations, StopReason.PERMISSION, str(error))
            except GithubException as error:
                raise GitHubError(
                    f"could not read the repository's permissions: {error_message(error)}"
                ) from error
        for index, operation in enumerate(operations):
            budget = self.options.max_writes
            if budget is not None and self.writes + writes_needed(operation) > budget:
                return self.result(
                    results, operations[index:], StopReason.BUDGET, f"the write budget of {budget} is spent"
                )
            result, stop = self.attempt(operation)
            results.append(result)
            if self.progress is not None:
                self.progress(index + 1, len(operations), operation.describe())
            if stop is not None:
                return self.result(results, operations[index + 1 :], stop, STOP_REASONS[stop])
        return self.result(results, (), None, None)

    def attempt(self, operation: Operation) -> tuple[OperationResult, StopReason | None]:
        """Run one operation; its fate, and the reason to stop the run when GitHub refused in a way that
        makes every further write pointless (a missing permission, rate limits that did not clear)."""
        waiting = missing_creates(operation, self.rest.issues)
        if waiting:
            message = f"left for the next run: it waits for {waiting}, which this run did not create"
            return OperationResult(operation=operation, fate=Fate.LEFT, message=message), None
        self.rest.done = ""
        try:
            left = self.execute(operation)
        except PermissionDeniedError as error:
            return self.failed(operation, error, 403), StopReason.PERMISSION
        except WriteStop as stop:
            status = stop.__cause__.status if isinstance(stop.__cause__, GithubException) else None
            return self.failed(operation, stop, status), StopReason.RATE_LIMIT
        except GithubException as error:
            return self.failed(operation, error_message(error), error.status), None
        except (requests.RequestException, GitHubError) as error:
            text = error_message(error) if isinstance(error, requests.RequestException) else str(error)
            return self.failed(operation, text, None), None
        fate = Fate.APPLIED if left is None else Fate.LEFT
        return OperationResult(operation=operation, fate=fate, message=left or ""), None

    def execute(self, operation: Operation) -> str | None:
        """Run one operation; why it was left instead, when the server lacks the API it needs."""
        if isinstance(operation, AttachSubIssue | DetachSubIssue):
            try:
                self.sub_issues.apply(operation, self.rest.issues)
            except SubIssuesMissing as missing:
                return str(missing)
            return None
        self.rest.run(operation)
        return None

    def failed(self, operation: Operation, error: object, status: int | None) -> OperationResult:
        done = self.rest.done
        message = f"{error} ({done})" if done else str(error)
        return OperationResult(operation=operation, fate=Fate.FAILED, status=status, message=message)

    def result(
        self,
        results: list[OperationResult],
        rest: Sequence[Operation],
        stop: StopReason | None,
        reason: str | None,
    ) -> SyncResult:
        left = [OperationResult(operation=operation, fate=Fate.LEFT) for operation in rest]
        stopped = None
        if stop is not None:
            stopped = (
                f"{reason}; stopped after {self.writes} writes, {len(rest)} changes left for the next run"
            )
        return SyncResult(
            operations=(*results, *left),
            issues=dict(sorted(self.rest.item_numbers.items())),
            writes=self.writes,
            stop=stop,
            stopped=stopped,
        )


def apply_changes(
    changes: ChangeSet,
    repo: Repository,
    options: SyncOptions,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    progress: Progress | None = None,
) -> SyncResult:
    """Execute `changes` in order; every operation ends applied, failed (GitHub's status and message) or left.
    Nothing is raised for a write: a missing permission or rate limits that do not clear stop the remaining
    writes (left, with `stop` saying why), as the write budget (`options.max_writes`) does. Only a failed
    read of the repository's permissions raises GitHubError, before any write.
    `progress`, when given, hears of each operation once it is done (or failed)."""
    return _Applier(repo, options, sleep, clock, progress).apply(changes)
