"""The job summary's list of the issues a run touched: every issue created, updated, closed or reopened, by
number and linked where the run knows its repository, with "would" wording in a dry run.

It reads the sync's own record (each operation and its fate), so the list says what happened, not what was
planned: a failed write says it failed, one the budget left says so, and a dry run says what a real run
would do. Issue numbers of this run's creates come from GitHub's answers (`SyncResult.issues`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from issueplan.model import ActionItem
from issueplan.render.safety import Span, neutralise
from issueplan.tracker.changes import (
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    ReopenIssue,
    UpdateIssue,
)
from issueplan.tracker.results import Fate, OperationResult, SyncResult

_REPO = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")
_RUN = re.compile(
    r"(https?://[A-Za-z0-9.-]+(?::\d{1,5})?)/([A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100})/actions/runs/\d+"
)
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


def issue_rows(touched: list[TouchedIssue], issues_url: str | None) -> list[str]:
    """Table rows `| [#12](…/issues/12) | BUG-004 | title | created |`."""
    rows = []
    for entry in touched:
        number = issue_reference(entry.number, issues_url)
        cells = (neutralise(text, Span.CELL) for text in (entry.item_id, entry.title, entry.change))
        rows.append(f"| {number} | {' | '.join(cells)} |\n")
    return rows


def issue_reference(number: int | None, issues_url: str | None) -> str:
    """`[#12](https://github.com/o/r/issues/12)`, `#12` when the repository's page is unknown, `new` for a
    create that has no number yet."""
    if number is None:
        return "new"
    return f"[#{number}]({issues_url}/{number})" if issues_url else f"#{number}"


def issues_url(api_url: str, repo: str | None, run_url: str | None = None) -> str | None:
    """The repository's issues page. The workflow's server when the run's own page names it
    (`{GITHUB_SERVER_URL}/{repo}/actions/runs/{id}`), else the web server of the REST API the run synced
    with: `https://api.github.com` → `https://github.com/OWNER/NAME/issues`, `https://HOST/api/v3` (GitHub
    Enterprise Server) → `https://HOST/OWNER/NAME/issues`, `https://api.SUB.ghe.com` → `https://SUB.ghe.com/…`.
    None for any other API (a local server has no web pages)."""
    if not repo or not _REPO.fullmatch(repo):
        return None
    run = _RUN.fullmatch(run_url or "")
    if run and run.group(2) == repo:
        return f"{run.group(1)}/{repo}/issues"
    parts = urlsplit(api_url.rstrip("/"))
    host = parts.netloc
    if parts.scheme != "https" or not host:
        return None
    if parts.path == "/api/v3":
        return f"https://{host}/{repo}/issues"
    if parts.path == "" and host.startswith("api.") and "." in host[4:]:
        return f"https://{host[4:]}/{repo}/issues"
    return None
