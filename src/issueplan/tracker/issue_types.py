"""GitHub issue types (Bug, Feature, Task, …): which the repository offers, and which an item's issue gets.

Issue types belong to an organisation; a repository without them (a personal account's, or a server without
the feature) answers 404 to `GET /repos/{owner}/{repo}/issue-types`, and a token that may not see them 403:
then no type is asked for and the `type:` label does the job alone, silently, as it always did. Where the
repository has the type the config maps an item's type to (`issue_types:`, matched by case), the create
request carries it, and an issue without a type gets it with its next update. A type a human chose is kept.
"""

from __future__ import annotations

import requests
from github import GithubException
from github.Repository import Repository

from issueplan.errors import GitHubError
from issueplan.model import ActionItem
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackerState

UNSUPPORTED = (403, 404)


def read_issue_types(repo: Repository) -> tuple[str, ...] | None:
    """The names of the repository's issue types (one request, not paginated); None when it has none.

    Raises GitHubError for any other failure: a failed read aborts the run's writes like the listing's."""
    url = f"{repo.url}/issue-types"
    try:
        _, data = repo.requester.requestJsonAndCheck("GET", url)
    except GithubException as error:
        if error.status in UNSUPPORTED:
            return None
        raise GitHubError(
            f"could not list the repository's issue types: GitHub answered {error.status}; nothing was "
            "written. Re-run the sync."
        ) from error
    except requests.RequestException as error:
        raise GitHubError(
            f"could not list the repository's issue types: {type(error).__name__}; nothing was written. "
            "Re-run the sync."
        ) from error
    if not isinstance(data, list):
        return None
    return tuple(
        entry["name"] for entry in data if isinstance(entry, dict) and isinstance(entry.get("name"), str)
    )


def issue_type_for(item: ActionItem, state: TrackerState, options: SyncOptions) -> str | None:
    """The repository's spelling of the type the config maps `item`'s type to; None when it has no such type
    (or no types at all)."""
    wanted = options.issue_types.get(item.type)
    if wanted is None or not state.issue_types:
        return None
    return next((name for name in state.issue_types if name.casefold() == wanted.casefold()), None)


def issue_type_change(
    item: ActionItem, issue: TrackedIssue, state: TrackerState, options: SyncOptions
) -> str | None:
    """The type to give an existing issue: only one without a type gets one (a type a human set is kept)."""
    if issue.issue_type is not None:
        return None
    return issue_type_for(item, state, options)
