"""Apply a ChangeSet to GitHub with PyGithub: paced, budgeted, and careful with creates.

The applier makes no decisions (the diff did); it executes the operations in order and reports. Idempotent
calls are retried by PacedRetry; POSTs are not, except after a rate-limit answer (nothing was done then).
An ambiguous create (5xx, connection error) is checked by re-listing before it is tried again (S5).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from github import Auth, Github, GithubException
from github.Repository import Repository
from pydantic import Field

from issueplan.errors import GitHubError, PermissionDeniedError
from issueplan.model import Frozen
from issueplan.tracker.changes import (
    AddDependency,
    ChangeSet,
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    CreateLabel,
    CreateMilestone,
    Operation,
    ReopenIssue,
    UpdateIssue,
    UpdateLabel,
    UpdateMilestone,
)
from issueplan.tracker.options import API_VERSION, GitHubTarget, SyncOptions
from issueplan.tracker.retry import MAX_RETRIES, Clock, PacedRetry, Sleep, is_rate_limited, rate_limit_wait
from issueplan.tracker.state import read_state
from issueplan.tracker.writes import (
    WriteStop,
    check_write_access,
    due_on_text,
    error_message,
    github_message,
    permission_error,
    writes_needed,
)

TIMEOUT = 30

# (done, total, what was just done): called after each change, so a long sync can show how far it got.
Progress = Callable[[int, int, str], None]


class SyncResult(Frozen):
    """What a sync did. `issues` maps item ids to issue numbers; `left` is what the budget left undone."""

    created: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0
    duplicates_closed: int = 0
    issues: dict[str, int] = Field(default_factory=dict)
    errors: tuple[str, ...] = ()
    left: tuple[Operation, ...] = ()
    writes: int = 0
    stopped: str | None = None


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
        seconds_between_writes=options.write_interval,
        api_version=API_VERSION,
    )
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
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []
        self.issues: dict[str, tuple[int, int]] = {}  # key -> (number, issue id), for this run's creates
        self.item_numbers: dict[str, int] = {}  # item id -> number
        self.milestones: dict[str, int] = {}  # title -> number, for this run's creates
        self.dependencies_supported = True

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def write(self, call: Callable[[], Any], *, post: bool = False) -> Any:
        """One write request. PacedRetry already retried idempotent ones; a POST is retried here only after
        a rate-limit answer, which means nothing was done. Rate limits that do not clear stop the run."""
        for attempt in range(1, MAX_RETRIES + 2):
            self.writes += 1
            try:
                return call()
            except GithubException as error:
                headers = error.headers or {}
                limited = is_rate_limited(error.status, headers, github_message(error))
                if error.status == 403 and not limited:
                    raise permission_error(error) from error
                if not limited:
                    raise
                if not post or attempt > MAX_RETRIES:
                    raise WriteStop(
                        f"GitHub kept rate-limiting the writes ({error_message(error)}); stopped, "
                        "the rest is left for the next run"
                    ) from error
                self.sleep(rate_limit_wait(headers, attempt=attempt, now=self.clock()))
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def apply(self, changes: ChangeSet) -> SyncResult:
        operations = list(changes.operations)
        stopped: str | None = None
        if operations:
            try:
                check_write_access(self.repo)
            except GithubException as error:
                raise GitHubError(
                    f"could not read the repository's permissions: {error_message(error)}"
                ) from error
        for index, operation in enumerate(operations):
            needed = writes_needed(operation)
            budget = self.options.max_writes
            if budget is not None and self.writes + needed > budget:
                stopped = f"the write budget of {budget} is spent; {len(operations) - index} changes are left"
                return self.result(tuple(operations[index:]), stopped)
            try:
                self.run(operation)
            except PermissionDeniedError:
                raise
            except WriteStop as stop:
                return self.result(tuple(operations[index:]), str(stop))
            except (GithubException, requests.RequestException) as error:
                self.errors.append(f"{operation.describe()}: {error_message(error)}")
            if self.progress is not None:
                self.progress(index + 1, len(operations), operation.describe())
        return self.result((), stopped)

    def result(self, left: tuple[Operation, ...], stopped: str | None) -> SyncResult:
        return SyncResult(
            created=self.counts.get("created", 0),
            updated=self.counts.get("updated", 0),
            closed=self.counts.get("closed", 0),
            reopened=self.counts.get("reopened", 0),
            duplicates_closed=self.counts.get("duplicates", 0),
            issues=dict(sorted(self.item_numbers.items())),
            errors=tuple(self.errors),
            left=left,
            writes=self.writes,
            stopped=stopped,
        )

    def run(self, operation: Operation) -> None:
        repo = self.repo
        if isinstance(operation, CreateLabel):
            self.create_label(operation)
        elif isinstance(operation, UpdateLabel):
            label = repo.get_label(operation.name)
            self.write(lambda: label.edit(operation.name, operation.color, operation.description))
        elif isinstance(operation, CreateMilestone):
            self.create_milestone(operation)
        elif isinstance(operation, UpdateMilestone):
            self.update_milestone(operation)
        elif isinstance(operation, CreateIssue):
            self.create_issue(operation)
        elif isinstance(operation, UpdateIssue):
            self.update_issue(operation)
            self.count("updated")
        elif isinstance(operation, ReopenIssue):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.edit(state="open"))
            self.write(lambda: issue.create_comment(operation.comment), post=True)
            self.item_numbers[operation.id] = operation.number
            self.count("reopened")
        elif isinstance(operation, CloseIssue):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.edit(state="closed", state_reason=operation.state_reason.value))
            if operation.comment:
                self.write(lambda: issue.create_comment(operation.comment), post=True)
            self.count("closed")
        elif isinstance(operation, CloseDuplicate):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.create_comment(operation.comment), post=True)
            self.write(lambda: issue.edit(state="closed", state_reason="duplicate"))
            self.count("duplicates")
        else:
            self.add_dependency(operation)

    def create_label(self, operation: CreateLabel) -> None:
        try:
            self.write(
                lambda: self.repo.create_label(operation.name, operation.color, operation.description),
                post=True,
            )
        except GithubException as error:
            # S13: a label another run (or a human, in another case) just created is fine as it is.
            if error.status != 422 or "already_exists" not in str(error.data):
                raise

    def create_milestone(self, operation: CreateMilestone) -> None:
        payload: dict[str, Any] = {"title": operation.title, "description": operation.description}
        if operation.due_on is not None:
            payload["due_on"] = due_on_text(operation.due_on)
        url = f"{self.repo.url}/milestones"
        _, data = self.write(
            lambda: self.repo.requester.requestJsonAndCheck("POST", url, input=payload), post=True
        )
        self.milestones[operation.title] = int(data["number"])

    def update_milestone(self, operation: UpdateMilestone) -> None:
        # PyGithub's Milestone.edit sends a bare date; the API wants a date-time (FACTS §2): a raw PATCH.
        payload: dict[str, Any] = {"title": operation.title}
        if operation.due_on is not None:
            payload["due_on"] = due_on_text(operation.due_on)
        if operation.state is not None:
            payload["state"] = operation.state.value
        if operation.description is not None:
            payload["description"] = operation.description
        url = f"{self.repo.url}/milestones/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))

    def milestone_number(self, title: str | None, known: int | None) -> int | None:
        if title is None:
            return None
        return known if known is not None else self.milestones.get(title)

    def create_issue(self, operation: CreateIssue) -> None:
        payload: dict[str, Any] = {
            "title": operation.title,
            "body": operation.body,
            "labels": list(operation.labels),
        }
        number = self.milestone_number(operation.milestone, operation.milestone_number)
        if number is not None:
            payload["milestone"] = number
        url = f"{self.repo.url}/issues"
        try:
            _, data = self.write(
                lambda: self.repo.requester.requestJsonAndCheck("POST", url, input=payload), post=True
            )
        except GithubException as error:
            if error.status < 500:
                raise
            data = self.find_or_create(operation, url, payload)
        except requests.RequestException:
            data = self.find_or_create(operation, url, payload)
        self.issues[operation.key] = (int(data["number"]), int(data["id"]))
        self.item_numbers[operation.id] = int(data["number"])
        self.count("created")

    def find_or_create(self, operation: CreateIssue, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        """After an ambiguous create the issue may exist: look for its marker before trying again (S5)."""
        state = read_state(
            self.repo, label=self.options.label, scope=self.options.scope, login=self.options.login
        )
        found = [issue for issue in state.issues if issue.key == operation.key]
        if found:
            return {"number": found[0].number, "id": found[0].id}
        _, data = self.write(
            lambda: self.repo.requester.requestJsonAndCheck("POST", url, input=payload), post=True
        )
        return dict(data)

    def update_issue(self, operation: UpdateIssue) -> None:
        payload: dict[str, Any] = {}
        if operation.title is not None:
            payload["title"] = operation.title
        if operation.body is not None:
            payload["body"] = operation.body
        if operation.labels is not None:
            payload["labels"] = list(operation.labels)
        number = self.milestone_number(operation.milestone, operation.milestone_number)
        if number is not None:
            payload["milestone"] = number
        url = f"{self.repo.url}/issues/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))
        self.item_numbers[operation.id] = operation.number

    def add_dependency(self, operation: AddDependency) -> None:
        """Link through the dependency API where the server has it; on 404 the body's links must do."""
        if not self.dependencies_supported:
            return
        blocked = self.issues.get(operation.blocked_key)
        blocker = self.issues.get(operation.blocker_key)
        blocker_id = blocker[1] if blocker else operation.blocker_issue_id
        if blocked is None or blocker_id is None:
            return
        url = f"{self.repo.url}/issues/{blocked[0]}/dependencies/blocked_by"
        try:
            self.write(
                lambda: self.repo.requester.requestJsonAndCheck("POST", url, input={"issue_id": blocker_id}),
                post=True,
            )
        except GithubException as error:
            if error.status == 404:
                self.dependencies_supported = False
            elif error.status != 422:  # 422: already linked
                raise


def apply_changes(
    changes: ChangeSet,
    repo: Repository,
    options: SyncOptions,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    progress: Progress | None = None,
) -> SyncResult:
    """Execute `changes` in order. Per-operation failures are reported, not raised; a missing permission
    raises PermissionDeniedError; the write budget (`options.max_writes`) stops the run cleanly.
    `progress`, when given, hears of each operation once it is done (or failed)."""
    return _Applier(repo, options, sleep, clock, progress).apply(changes)
