"""Who can be assigned, asked of GitHub once per user per run, and only for the users a write would assign.

The diff is pure, so it runs first as if everyone could be assigned; the users its creates and updates would
add are then checked (`GET /repos/{owner}/{repo}/assignees/{user}`: 204 yes, 404 no), and when someone cannot
be, the diff runs again without them. A no-op run assigns nobody, so it asks nothing. A person who cannot be
assigned is never sent (GitHub would refuse the whole write) and is reported; it is never fatal.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import requests
from github import GithubException
from github.Repository import Repository

from issueplan.model import Frozen, Plan
from issueplan.tracker.assignees import ignored_owners, wanted_logins
from issueplan.tracker.changes import ChangeSet, CreateIssue, UpdateIssue
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackerState
from issueplan.tracker.writes import error_message

ASSIGNABLE = 204
NOT_ASSIGNABLE = 404


class Refusal(Frozen):
    """A user issueplan did not assign, and why, in words (no `@`: a log line is no place for a mention)."""

    login: str
    reason: str

    def describe(self) -> str:
        return f"{self.login} was not assigned: {self.reason}"


class AssigneeCheck:
    """GitHub's answer for each user, asked at most once per run (this object lives for one run)."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.answers: dict[str, Refusal | None] = {}  # casefolded login -> None (assignable) or why not
        self.requests = 0

    def refusals(self, logins: Iterable[str]) -> tuple[Refusal, ...]:
        found = [refusal for login in wanted_logins(logins) if (refusal := self.ask(login)) is not None]
        return tuple(found)

    def ask(self, login: str) -> Refusal | None:
        key = login.casefold()
        if key not in self.answers:
            self.answers[key] = self._asked(login)
        return self.answers[key]

    def _asked(self, login: str) -> Refusal | None:
        self.requests += 1
        url = f"{self.repo.url}/assignees/{quote(login, safe='')}"
        try:
            status, _, _ = self.repo.requester.requestJson("GET", url)
        except (GithubException, requests.RequestException) as error:
            return Refusal(
                login=login, reason=f"GitHub could not say whether they can be ({error_message(error)})"
            )
        if status == ASSIGNABLE:
            return None
        if status == NOT_ASSIGNABLE:
            return Refusal(
                login=login,
                reason="GitHub says they cannot be assigned issues in this repository (not a collaborator "
                "with access, or no such user); fix the config's teams or CODEOWNERS, or give them access",
            )
        return Refusal(login=login, reason=f"GitHub answered {status} when asked whether they can be")


def added_assignees(changes: ChangeSet) -> tuple[str, ...]:
    """Everyone the ChangeSet's creates and updates would assign (each once)."""
    logins: list[str] = []
    for operation in changes.operations:
        if isinstance(operation, CreateIssue):
            logins.extend(operation.assignees)
        elif isinstance(operation, UpdateIssue):
            logins.extend(operation.added_assignees)
    return wanted_logins(logins)


class AssigneeReport(Frozen):
    """What a run says about owners: `notes` for the log, `warnings` (people not assigned) for every place a
    run reports to (log, job summary, annotations). Finished sentences, without `@`."""

    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def diff_assigning(
    plan: Plan, state: TrackerState, options: SyncOptions, check: AssigneeCheck
) -> tuple[ChangeSet, AssigneeReport]:
    """The diff with only assignable users assigned, and what the run says about owners. Raises
    SafetyStopError as diff_tracker does."""
    changes = diff_tracker(plan, state, options)
    notes: tuple[str, ...] = ()
    ignored = ignored_owners(plan.items, options.owners)
    if ignored:
        note = (
            f"{options.owners.codeowners_path}: {len(ignored)} team or e-mail owner(s) of the items' paths "
            "are not assigned: issues are assigned to users only (teams stay labels)"
        )
        notes = (note,)
    wanted = added_assignees(changes)
    refusals = check.refusals(wanted) if wanted else ()
    if not refusals:
        return changes, AssigneeReport(notes=notes)
    refused = frozenset(refusal.login.casefold() for refusal in refusals)
    changes = diff_tracker(plan, state, options, refused=refused)
    return changes, AssigneeReport(notes=notes, warnings=tuple(refusal.describe() for refusal in refusals))
