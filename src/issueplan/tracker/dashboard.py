"""The dashboard issue (pure): one managed issue per scope listing every open item by priority.

It is a managed issue like the others (the managed label, a marker with key `dashboard/<scope>`), so it is
found by the same listing, never duplicated (two are healed like any other key) and never closed by absence
logic: its key is never in a plan's `healthy`. Its body holds no clock, only what the plan and the issue
numbers say, so a no-op run leaves it alone. Numbers of issues created in this run are not known while
diffing: a LinkNewIssues follow-up fills them in from the create responses (tracker/follow_up.py), so the
next identical run makes no write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from issueplan.model import ActionItem, Priority
from issueplan.render.managed_block import BEGIN, END, parse_issue_body
from issueplan.render.markdown import render_dependency_graph, render_gantt, sorted_items
from issueplan.render.marker import Marker
from issueplan.render.safety import BODY_MARGIN, Span, body_length, neutralise, truncate_sections
from issueplan.render.timestamp import as_utc
from issueplan.tracker.catalog import is_overdue
from issueplan.tracker.changes import CreateIssue, Operation, UpdateIssue
from issueplan.tracker.changes_board import Holder
from issueplan.tracker.changes_drafts import DashboardBodyDraft, LinkNewIssues
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackerState

KEY_PREFIX = "dashboard/"
DASHBOARD_ID = "DASHBOARD"
NOTICE = (
    "_This dashboard is maintained by issueplan and lists every open action item. The part between the"
    " issueplan markers is rewritten when the plan changes; text above or below it is kept._\n\n"
)
SUB_ISSUES_MAX = 100  # GitHub's cap of sub-issues per parent (FACTS §9)
CHARTS_LEFT_OUT = "_The charts are left out: the plan is too large for one issue body._\n\n"


def dashboard_key(scope: str) -> str:
    return f"{KEY_PREFIX}{scope}"


def is_dashboard(key: str) -> bool:
    """Item keys come from the policy's rules (`suite-failed/…`, `rule/…`); this prefix is the dashboard's."""
    return key.startswith(KEY_PREFIX)


def dashboard_title(scope: str) -> str:
    suffix = "" if scope == "default" else f" ({neutralise(scope, Span.TITLE)})"
    return f"issueplan dashboard{suffix}"


def diff_dashboard(
    items: Sequence[ActionItem],
    board: TrackedIssue | None,
    links: Mapping[str, int],
    state: TrackerState,
    options: SyncOptions,
    now: datetime,
    holders: Sequence[Holder] = (),
    snoozed: Mapping[str, date | None] | None = None,
) -> list[Operation]:
    """Create the dashboard, or update the kept one (`board`) when its title or managed block would change.

    `items` are the open ones (not declined by a human); `links` maps item ids (and existing holders' ids) to
    their issue numbers; `holders` are the issues that hold the items beyond GitHub's 100 sub-issues
    (tracker/sub_issues.py); `snoozed` maps the ids of snoozed items to the date they are snoozed until (None:
    by the label). A dashboard a human closed stays closed and is not replaced (humans win; never two
    dashboards).
    """
    quiet = dict(sorted((snoozed or {}).items()))
    if board is not None and not board.is_open:
        return []
    key = dashboard_key(options.scope)
    title = dashboard_title(options.scope)
    first_seen = board.first_seen if board is not None else now
    body = render_dashboard_body(
        items,
        links,
        scope=options.scope,
        first_seen=first_seen,
        now=now,
        previous=board.body if board is not None else None,
        holders=holders,
        snoozed=quiet,
    )
    ops: list[Operation] = []
    if board is None:
        spelling = {label.name.casefold(): label.name for label in state.labels}
        label = spelling.get(options.label.casefold(), options.label)
        ops.append(CreateIssue(key=key, id=DASHBOARD_ID, title=title, body=body, labels=(label,)))
    elif (title, body) != (board.title, board.body):
        ops.append(
            UpdateIssue(
                number=board.number,
                key=key,
                id=DASHBOARD_ID,
                title=title if title != board.title else None,
                body=body if body != board.body else None,
            )
        )
    # Every open item without a number is created in this run: link it once GitHub has given it one.
    new = {item.key: item.id for item in items if item.id not in links}
    new.update({holder.key: holder.id for holder in holders if holder.id not in links})
    if new:
        draft = DashboardBodyDraft(
            items=tuple(items),
            links=dict(links),
            first_seen=first_seen,
            now=now,
            previous=body,
            holders=tuple(holders),
            snoozed=quiet,
        )
        number = board.number if board is not None else None
        ops.append(LinkNewIssues(key=key, id=DASHBOARD_ID, number=number, waits_for=new, draft=draft))
    return ops


def render_dashboard_body(
    items: Sequence[ActionItem],
    links: Mapping[str, int],
    *,
    scope: str,
    first_seen: datetime,
    now: datetime,
    previous: str | None = None,
    holders: Sequence[Holder] = (),
    snoozed: Mapping[str, date | None] | None = None,
) -> str:
    """The body: `previous`'s text outside the managed block, then the list, the Gantt chart and the graph;
    with holders, a line linking them first.

    Snoozed items (ids in `snoozed`, with the date they are snoozed until, or None for the label) are listed
    apart, after the open ones, and left out of the lists by priority and the charts: people quieted them.
    Under GitHub's body limit the charts go first, then list entries from the least urgent; the marker stays.
    """
    parsed = parse_issue_body(previous) if previous else None
    before = parsed.before if parsed else ""
    after = parsed.after if parsed else ""
    quiet = snoozed or {}
    # Titles come redacted from the clean pass (render/clean.py), the charts' labels too.
    ordered = sorted_items(items)
    shown = [item for item in ordered if item.id not in quiet]
    resting = [item for item in ordered if item.id in quiet]
    apart = f", and {len(resting)} snoozed" if resting else ""
    head = (
        f"{BEGIN}\n{NOTICE}**Open action items**: {len(shown)} (scope {neutralise(scope, Span.LINE)})"
        f"{apart}\n\n"
    )
    if holders:
        held = ", ".join(f"#{links[h.id]} {h.label}" if h.id in links else h.label for h in holders)
        head += (
            f"**Sub-issues**: more than {SUB_ISSUES_MAX} open items, so they are held by priority: {held}\n\n"
        )
    entries = _entries(shown, links, now=now) + _snoozed_entries(resting, links, quiet)
    marker = Marker(key=dashboard_key(scope), id=DASHBOARD_ID, scope=scope, first_seen=as_utc(first_seen))
    tail = f"{marker.render()}\n{END}"
    charts = []
    if shown:
        # Not code_block(): its comment defusing would break Mermaid's `-->`; every label is sanitised.
        charts = [
            f"### Timeline\n\n```mermaid\n{render_gantt(shown)}\n```\n\n",
            f"### Dependencies\n\n```mermaid\n{render_dependency_graph(shown)}\n```\n\n",
        ]
    budget = BODY_MARGIN - body_length(before) - body_length(after)
    whole = [head, *entries, *charts, tail]
    if body_length("".join(whole)) > budget:
        whole = [head + CHARTS_LEFT_OUT, *entries, tail]
    return before + truncate_sections(whole, budget, keep_last=1, noun="items") + after


def _snoozed_entries(
    items: Sequence[ActionItem], links: Mapping[str, int], snoozed: Mapping[str, date | None]
) -> list[str]:
    """The `### Snoozed` list: each quieted item with the date it is snoozed until, if one was written."""
    entries = []
    for index, item in enumerate(items):
        heading = "### Snoozed\n\n" if index == 0 else ""
        where = f"#{links[item.id]} " if item.id in links else ""
        until = snoozed.get(item.id)
        why = f"snoozed until {until.isoformat()}" if until is not None else "snoozed by its label"
        closing = "\n" if index == len(items) - 1 else ""
        line = neutralise(item.title, Span.LINE)
        entries.append(f"{heading}- {where}**{neutralise(item.id, Span.LINE)}**: {line} — {why}\n{closing}")
    return entries


def _entries(items: Sequence[ActionItem], links: Mapping[str, int], *, now: datetime) -> list[str]:
    """One list line per item, grouped under a heading per priority (the heading rides on its first line)."""

    def line(text: str) -> str:
        return neutralise(text, Span.LINE)

    entries = []
    for priority in Priority:
        chosen = [item for item in items if item.priority is priority]
        for index, item in enumerate(chosen):
            heading = f"### {priority.value.capitalize()} priority\n\n" if index == 0 else ""
            # Our own reference to our own issue: the one place a live `#N` is wanted.
            where = f"#{links[item.id]} " if item.id in links else ""
            due = as_utc(item.due_date).date().isoformat()
            overdue = " (overdue)" if is_overdue(item, now=now) else ""
            closing = "\n" if index == len(chosen) - 1 else ""
            entries.append(
                f"{heading}- {where}**{line(item.id)}**: {line(item.title)} — due {due}{overdue},"
                f" team {line(item.team)}\n{closing}"
            )
    return entries
