"""The dashboard as the parent of every open managed item (GitHub's sub-issues), so GitHub shows the progress.

GitHub allows 100 sub-issues per parent, closed ones counted. Up to 100 open items are the dashboard's own
children. Beyond that each priority gets a holder issue (key `dashboard/<scope>/priority/<priority>`, then
`…/<priority>/2` for the next hundred), a managed issue that is itself a child of the dashboard and holds that
priority's open items. A holder no longer needed is closed; one needed again is reopened.

Reads: one listing of the children of each open parent (the dashboard and its holders), by tracker/sync.py; a
server without the API answers the first of them 404 and the run leaves sub-issues alone (no write, no error).
Writes: closed items (and items that moved to another of issueplan's parents) are detached or moved; children
that are not issueplan's items are left alone, and so is an item a human put under an issue of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from github import GithubException
from github.Repository import Repository
from pydantic import ValidationError

from issueplan.errors import GitHubError
from issueplan.model import ActionItem, Frozen, Priority
from issueplan.render.managed_block import BEGIN, END
from issueplan.render.marker import Marker
from issueplan.render.timestamp import as_utc
from issueplan.tracker.changes import CloseIssue, CreateIssue, Operation, ReopenIssue
from issueplan.tracker.changes_board import AttachSubIssue, DetachSubIssue, Holder
from issueplan.tracker.dashboard import DASHBOARD_ID, SUB_ISSUES_MAX, dashboard_key, dashboard_title
from issueplan.tracker.listing import read_pages
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import SubIssue, SubIssues, TrackedIssue, TrackerState

REOPEN_COMMENT = (
    "issueplan: the dashboard has more open items than GitHub's 100 sub-issues again, so this issue holds "
    "this priority's items once more."
)
CLOSE_COMMENT = "issueplan: the open items fit under the dashboard again, so this holder is no longer needed."


def holder_key(scope: str, priority: Priority, part: int = 1) -> str:
    suffix = "" if part == 1 else f"/{part}"
    return f"{dashboard_key(scope)}/priority/{priority.value}{suffix}"


def is_parent_key(key: str, scope: str) -> bool:
    """The dashboard's key or one of its holders' (scopes hold no `/`, so these never clash)."""
    return key == dashboard_key(scope) or key.startswith(f"{dashboard_key(scope)}/priority/")


def read_sub_issues(repo: Repository, state: TrackerState, scope: str) -> SubIssues | None:
    """The children of every open parent issue of `scope`; None when the server has no sub-issue API (404).
    Raises GitHubError when a listing fails otherwise (nothing is written then)."""
    parents = sorted(
        {issue.number for issue in state.issues if issue.is_open and issue.scope == scope}
        & {issue.number for issue in state.issues if is_parent_key(issue.key, scope)}
    )
    children: dict[int, tuple[SubIssue, ...]] = {}
    for number in parents:
        what = f"list the sub-issues of #{number}"
        try:
            listed = read_pages(repo, f"issues/{number}/sub_issues", {}, what)
        except GitHubError as error:
            cause = error.__cause__
            if isinstance(cause, GithubException) and cause.status == 404:
                return None
            raise
        children[number] = tuple(_sub_issue(raw, what) for raw in listed)
    return SubIssues(children=children)


def _sub_issue(raw: object, what: str) -> SubIssue:
    fields = {name: raw.get(name) for name in ("id", "number", "state")} if isinstance(raw, dict) else raw
    try:
        return SubIssue.model_validate(fields)
    except ValidationError:
        raise GitHubError(
            f"could not {what}: GitHub sent a sub-issue issueplan cannot read ({repr(fields)[:80]}); nothing "
            "was written."
        ) from None


class _Parent(Frozen):
    key: str
    shown: str  # its display id
    issue: TrackedIssue | None = None  # None: created in this run


class _Child(Frozen):
    key: str
    shown: str
    priority: Priority | None
    issue: TrackedIssue | None = None  # None: created in this run


def sub_issue_holders(
    items: Sequence[ActionItem],
    kept: Mapping[str, TrackedIssue],
    parents: Mapping[str, TrackedIssue],
    ops: Sequence[Operation],
    state: TrackerState,
    options: SyncOptions,
) -> list[Holder]:
    """The holders this run uses (none up to 100 open items, or without the API), for the dashboard's body."""
    if state.sub_issues is None:
        return []
    dashboard = _Parent(key=dashboard_key(options.scope), shown=DASHBOARD_ID)
    _, holders = _targets(_open_after(items, kept, ops, options), dashboard, parents, options)
    return [Holder(key=holder.key, id=holder.shown, label=_label(p, part)) for holder, p, part in holders]


def _label(priority: Priority, part: int) -> str:
    return f"{priority.value} priority" + ("" if part == 1 else f", part {part}")


def diff_sub_issues(
    items: Sequence[ActionItem],
    kept: Mapping[str, TrackedIssue],
    parents: Mapping[str, TrackedIssue],
    ops: Sequence[Operation],
    state: TrackerState,
    options: SyncOptions,
    now: datetime,
) -> list[Operation]:
    """The attaches, moves and detaches that make the dashboard (and its holders) the open items' parents.

    `items` are the plan's live items, `kept` the scope's item issues, `parents` the dashboard's and holders'
    issues by key, `ops` the run's other operations (which issues it creates, reopens and closes)."""
    read = state.sub_issues
    board = parents.get(dashboard_key(options.scope))
    if read is None or (board is not None and not board.is_open):
        return []  # no sub-issue API here, or a human closed the dashboard (it is not replaced)
    children = _open_after(items, kept, ops, options)
    dashboard = _Parent(key=dashboard_key(options.scope), shown=DASHBOARD_ID, issue=board)
    targets, holders = _targets(children, dashboard, parents, options)
    ours = {issue.id for issue in state.issues if issue.scope == options.scope}
    under = {child.id: number for number, listed in read.children.items() for child in listed}
    wanted = {child.issue.id: parent.key for child, parent in targets if child.issue is not None}
    result: list[Operation] = []
    for number, listed in sorted(read.children.items()):
        parent_issue = next((issue for issue in parents.values() if issue.number == number), None)
        shown = DASHBOARD_ID if parent_issue is None else parent_issue.item_id
        result.extend(
            DetachSubIssue(
                parent_number=number, parent_id=shown, child_number=child.number, child_issue_id=child.id
            )
            for child in listed
            if child.id in ours and child.id not in wanted
        )
    result.extend(_holder_changes(holders, parents, state, options, now))
    ours_parents = {issue.number for issue in parents.values()}
    for child, parent in targets:
        issue = child.issue
        at = None if parent.issue is None else parent.issue.number
        if issue is not None and at is not None and under.get(issue.id) == at:
            continue
        if issue is not None and _human_parent(issue, ours_parents):
            continue
        result.append(
            AttachSubIssue(
                parent_key=parent.key,
                parent_id=parent.shown,
                parent_number=at,
                child_key=child.key,
                child_id=child.shown,
                child_number=None if issue is None else issue.number,
                child_issue_id=None if issue is None else issue.id,
                replace_parent=issue is not None and issue.id in under,
            )
        )
    return result


def _open_after(
    items: Sequence[ActionItem],
    kept: Mapping[str, TrackedIssue],
    ops: Sequence[Operation],
    options: SyncOptions,
) -> list[_Child]:
    """Every managed item whose issue is open once this run is done: the plan's (in plan order), then open
    issues of items this run did not see (a suite that did not run), by number."""
    closing = {op.key for op in ops if isinstance(op, CloseIssue)}
    reopening = {op.key for op in ops if isinstance(op, ReopenIssue)}
    creating = {op.key for op in ops if isinstance(op, CreateIssue)}
    found: list[_Child] = []
    for item in items:
        issue = kept.get(item.key)
        if item.key in creating:
            found.append(_Child(key=item.key, shown=item.id, priority=item.priority))
        elif issue is not None and (item.key in reopening or (issue.is_open and item.key not in closing)):
            found.append(_Child(key=item.key, shown=item.id, priority=item.priority, issue=issue))
    planned = {item.key for item in items}
    for key, issue in sorted(kept.items(), key=lambda pair: pair[1].number):
        if key not in planned and issue.is_open and key not in closing:
            found.append(
                _Child(key=key, shown=issue.item_id, priority=_labelled(issue, options), issue=issue)
            )
    return found


def _labelled(issue: TrackedIssue, options: SyncOptions) -> Priority | None:
    names = {name.casefold() for name in issue.labels}
    template = options.label_names.priority
    return next((p for p in Priority if template.format(priority=p.value).casefold() in names), None)


def _targets(
    children: list[_Child], dashboard: _Parent, parents: Mapping[str, TrackedIssue], options: SyncOptions
) -> tuple[list[tuple[_Child, _Parent]], list[tuple[_Parent, Priority, int]]]:
    """(child, parent) pairs, holders' children first; and the holders in use (parent, priority, part)."""
    if len(children) <= SUB_ISSUES_MAX:
        return [(child, dashboard) for child in children], []
    pairs: list[tuple[_Child, _Parent]] = []
    holders: list[tuple[_Parent, Priority, int]] = []
    for priority in Priority:
        # An open issue without a priority label (a human removed it) goes with the least urgent.
        mine = [c for c in children if (c.priority or Priority.LOW) is priority]
        for start in range(0, len(mine), SUB_ISSUES_MAX):
            part = start // SUB_ISSUES_MAX + 1
            key = holder_key(options.scope, priority, part)
            holder = _Parent(key=key, shown=_holder_id(priority, part), issue=parents.get(key))
            holders.append((holder, priority, part))
            pairs.extend((child, holder) for child in mine[start : start + SUB_ISSUES_MAX])
    for holder, _, _ in holders:
        pairs.append(
            (_Child(key=holder.key, shown=holder.shown, priority=None, issue=holder.issue), dashboard)
        )
    return pairs, holders


def _holder_id(priority: Priority, part: int) -> str:
    return f"{DASHBOARD_ID}-{priority.value.upper()}" + ("" if part == 1 else f"-{part}")


def _human_parent(issue: TrackedIssue, ours: set[int]) -> bool:
    """An item a human made a sub-issue of an issue of their own stays there (humans win)."""
    if issue.parent_url is None:
        return False
    number = issue.parent_url.rstrip("/").rsplit("/", 1)[-1]
    return not (number.isdigit() and int(number) in ours)


def _holder_changes(
    holders: list[tuple[_Parent, Priority, int]],
    parents: Mapping[str, TrackedIssue],
    state: TrackerState,
    options: SyncOptions,
    now: datetime,
) -> list[Operation]:
    """Create or reopen the holders in use; close the open ones no longer needed."""
    ops: list[Operation] = []
    spelling = {label.name.casefold(): label.name for label in state.labels}
    label = spelling.get(options.label.casefold(), options.label)
    used = {holder.key for holder, _, _ in holders}
    for holder, priority, part in holders:
        if holder.issue is None:
            title = f"{dashboard_title(options.scope)}: {_label(priority, part)}"
            body = _holder_body(holder, priority, options.scope, now)
            ops.append(CreateIssue(key=holder.key, id=holder.shown, title=title, body=body, labels=(label,)))
        elif not holder.issue.is_open:
            ops.append(
                ReopenIssue(
                    number=holder.issue.number, key=holder.key, id=holder.shown, comment=REOPEN_COMMENT
                )
            )
    for key, issue in sorted(parents.items()):
        if key != dashboard_key(options.scope) and key not in used and issue.is_open:
            ops.append(CloseIssue(number=issue.number, key=key, id=issue.item_id, comment=CLOSE_COMMENT))
    return ops


def _holder_body(holder: _Parent, priority: Priority, scope: str, now: datetime) -> str:
    marker = Marker(key=holder.key, id=holder.shown, scope=scope, first_seen=as_utc(now))
    notice = (
        "_This dashboard is maintained by issueplan: it holds the open "
        f"{priority.value}-priority action items as sub-issues, because GitHub allows at most "
        f"{SUB_ISSUES_MAX} sub-issues under the dashboard. It is closed when they fit there again._"
    )
    return f"{BEGIN}\n{notice}\n\n{marker.render()}\n{END}"
