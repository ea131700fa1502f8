"""Apply a ChangeSet to GitHub with PyGithub: paced, budgeted, and careful with creates.

The applier makes no decisions (the diff did); it executes the operations in order and reports. Idempotent
calls are retried by PacedRetry; POSTs are not, except after a rate-limit answer (nothing was done then).
An ambiguous create (5xx, connection error) is checked by re-listing before it is tried again (S5).
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
    AddDependency,
    ChangeSet,
    CloseDuplicate,
    CloseIssue,
    CommentIssue,
    CreateIssue,
    CreateLabel,
    CreateMilestone,
    Operation,
    ReopenIssue,
    UpdateIssue,
    UpdateLabel,
    UpdateMilestone,
)
from issueplan.tracker.changes_board import AttachSubIssue, DetachSubIssue
from issueplan.tracker.changes_drafts import LinkNewIssues
from issueplan.tracker.environment import settle_environment
from issueplan.tracker.follow_up import render_draft
from issueplan.tracker.options import API_VERSION, GitHubTarget, SyncOptions
from issueplan.tracker.pacing import WritePacer
from issueplan.tracker.results import Fate, OperationResult, StopReason, SyncResult
from issueplan.tracker.retry import MAX_RETRIES, Clock, PacedRetry, Sleep, is_rate_limited, rate_limit_wait
from issueplan.tracker.state import read_state
from issueplan.tracker.sub_issue_writes import SubIssuesMissing, SubIssueWriter
from issueplan.tracker.writes import (
    STOP_REASONS,
    WriteStop,
    check_write_access,
    due_on_text,
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
        self.issues: dict[str, tuple[int, int]] = {}  # key -> (number, issue id), for this run's creates
        self.item_numbers: dict[str, int] = {}  # item id -> number
        self.milestones: dict[str, int] = {}  # title -> number, for this run's creates
        self.dependencies_supported = True
        self.sub_issues = SubIssueWriter(repo, self.write)
        self.done = ""  # what an operation of two requests did before its second one failed

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
        waiting = missing_creates(operation, self.issues)
        if waiting:
            message = f"left for the next run: it waits for {waiting}, which this run did not create"
            return OperationResult(operation=operation, fate=Fate.LEFT, message=message), None
        self.done = ""
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
                self.sub_issues.apply(operation, self.issues)
            except SubIssuesMissing as missing:
                return str(missing)
            return None
        self.run(operation)
        return None

    def failed(self, operation: Operation, error: object, status: int | None) -> OperationResult:
        message = f"{error} ({self.done})" if self.done else str(error)
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
            issues=dict(sorted(self.item_numbers.items())),
            writes=self.writes,
            stop=stop,
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
        elif isinstance(operation, LinkNewIssues):
            self.link_new_issues(operation)
        elif isinstance(operation, ReopenIssue):
            self.reopen_issue(operation)
        elif isinstance(operation, CloseIssue):
            self.close_issue(operation)
        elif isinstance(operation, CommentIssue):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.create_comment(operation.comment), post=True)
        elif isinstance(operation, CloseDuplicate):
            issue = repo.get_issue(operation.number)
            self.write(lambda: issue.create_comment(operation.comment), post=True)
            self.done = "the comment was posted, the issue is still open"
            self.write(lambda: issue.edit(state="closed", state_reason="duplicate"))
        elif isinstance(operation, AddDependency):
            self.add_dependency(operation)
        # The project board's operations are not the REST applier's: they go over GraphQL, in batches
        # (tracker/project_apply.py), and the sync hands this applier the others only.

    def close_issue(self, operation: CloseIssue) -> None:
        issue = self.repo.get_issue(operation.number)
        reason = operation.state_reason.value
        if operation.body is None:
            self.write(lambda: issue.edit(state="closed", state_reason=reason))
        else:  # the marker's record of the run that closed it goes in the same request
            body = operation.body
            self.write(lambda: issue.edit(state="closed", state_reason=reason, body=body))
        if operation.comment:
            self.done = "the issue was closed, the comment not posted"
            self.write(lambda: issue.create_comment(operation.comment), post=True)

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
        if operation.assignees:
            payload["assignees"] = list(operation.assignees)
        if operation.issue_type is not None:
            payload["type"] = operation.issue_type
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

    def reopen_issue(self, operation: ReopenIssue) -> None:
        """The state and every other change in one PATCH, then the comment saying why."""
        payload = {"state": "open", **self.issue_fields(operation)}
        url = f"{self.repo.url}/issues/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))
        self.item_numbers[operation.id] = operation.number
        self.done = "the issue was reopened, the comment not posted"
        issue = self.repo.get_issue(operation.number)
        self.write(lambda: issue.create_comment(operation.comment), post=True)

    def issue_fields(self, operation: UpdateIssue | ReopenIssue) -> dict[str, Any]:
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
        if operation.assignees is not None:
            payload["assignees"] = list(operation.assignees)
        if operation.issue_type is not None:
            payload["type"] = operation.issue_type
        return payload

    def update_issue(self, operation: UpdateIssue) -> None:
        payload = self.issue_fields(operation)
        url = f"{self.repo.url}/issues/{operation.number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input=payload))
        self.item_numbers[operation.id] = operation.number

    def link_new_issues(self, operation: LinkNewIssues) -> None:
        """Render the body again with the numbers the creates answered, and write it (no re-read)."""
        numbers = {item_id: self.issues[key][0] for key, item_id in operation.waits_for.items()}
        number = operation.number if operation.number is not None else self.issues[operation.key][0]
        body = render_draft(
            operation.draft, numbers, scope=self.options.scope, source_links=self.options.source_links
        )
        url = f"{self.repo.url}/issues/{number}"
        self.write(lambda: self.repo.requester.requestJsonAndCheck("PATCH", url, input={"body": body}))

    def add_dependency(self, operation: AddDependency) -> None:
        """Link through the dependency API where the server has it; on 404 the body's links must do."""
        if not self.dependencies_supported:
            return
        blocked = self.issues[operation.blocked_key]
        blocker = self.issues.get(operation.blocker_key)
        blocker_id = blocker[1] if blocker else operation.blocker_issue_id
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
    """Execute `changes` in order; every operation ends applied, failed (GitHub's status and message) or left.
    Nothing is raised for a write: a missing permission or rate limits that do not clear stop the remaining
    writes (left, with `stop` saying why), as the write budget (`options.max_writes`) does. Only a failed
    read of the repository's permissions raises GitHubError, before any write.
    `progress`, when given, hears of each operation once it is done (or failed)."""
    return _Applier(repo, options, sleep, clock, progress).apply(changes)
