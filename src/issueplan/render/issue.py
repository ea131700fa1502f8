"""One GitHub issue per action item: its title and its body with a managed block and a hidden marker
(render/marker.py; the comments are render/comments.py; reading a body back is render/managed_block.py).

The body is the only state issueplan keeps (DESIGN decision 2). Its managed block lies between
`<!-- issueplan:begin -->` and `<!-- issueplan:end -->` and ends with the marker line
`<!-- issueplan {"first_seen":…,"id":…,"key":…,"scope":…,"v":2,…} -->`. Text outside the block and boxes a
human ticked inside it survive every re-render (decision 5). Same inputs give byte-identical bodies, so a
no-op run makes no edit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from issueplan.model import ActionItem, StepOutcome, suite_digest
from issueplan.render.evidence import render_evidence
from issueplan.render.links import SourceLinks, last_seen_line
from issueplan.render.managed_block import BEGIN, END, parse_issue_body
from issueplan.render.markdown import absent_dependency
from issueplan.render.marker import ITEM_FIELDS, Marker
from issueplan.render.safety import (
    BODY_MARGIN,
    TITLE_LIMIT,
    Span,
    body_length,
    cap_title,
    neutralise,
    truncate_sections,
)
from issueplan.render.timestamp import as_utc, format_date

# An issue body carries many failing tests, unlike the plan; truncation by section keeps it under the limit.
CASE_LIMIT = 50
FINDING_LIMIT = 200
# The per-body line renderer: neutralises to one line (the text comes redacted from the clean pass).
_Line = Callable[[str], str]
NOTICE = (
    "_This issue is maintained by issueplan. The part between the issueplan markers is rewritten on every"
    " run; text above or below it and the boxes you tick are kept._\n\n"
)


def item_marker(item: ActionItem, scope: str) -> Marker:
    return Marker(**_item_fields(item, scope))


def remembering_marker(item: ActionItem, scope: str, previous: Marker | None) -> Marker:
    """`item_marker(item, scope).remembering(previous)`. A re-run's common case, a previous marker with a
    history that holds the item's own fields already, is that marker (what remembering() gives): it is
    found without building the item's marker, by comparing the fields it would hold."""
    if previous is not None and previous.history:
        fields = _item_fields(item, scope)
        # Equal only when `fields` has every item field, each equal: a field it lacks takes its default.
        if fields == {name: getattr(previous, name) for name in ITEM_FIELDS}:
            return previous
        return Marker(**fields).remembering(previous)
    return item_marker(item, scope).remembering(previous)


def _item_fields(item: ActionItem, scope: str) -> dict[str, Any]:
    """The fields of the item's own marker (ITEM_FIELDS; a field missing here takes its default)."""
    # An item rests on a step outcome when a suite of its evidence had one other than success: a run that
    # is not told that outcome cannot know the step passed, whatever the suite's report says (S22).
    rests = (s.name for s in item.evidence.suites if s.outcome not in {None, StepOutcome.SUCCESS})
    steps = sorted({suite_digest(name) for name in rests})
    return {
        "key": item.key,
        "id": item.id,
        "scope": scope,
        "first_seen": as_utc(item.first_seen),
        "step_outcomes": tuple(steps),
    }


def render_issue_title(item: ActionItem) -> str:
    """`BUG-004: Fix: Security Tests Test Failures`: one line, no live mention or reference, at most 256."""
    text = f"{item.id}: {item.title}"
    title = neutralise(text, Span.TITLE)
    limit = TITLE_LIMIT
    while len(title) > TITLE_LIMIT:
        # Cutting the neutralised title could split a code span and bring its content (`@user`) back to
        # life, so the raw text is cut shorter and neutralised again until the result fits.
        limit -= len(title) - TITLE_LIMIT
        title = neutralise(cap_title(text, max(limit, 1)), Span.TITLE)
    return title


def render_issue_body(
    item: ActionItem,
    *,
    scope: str,
    links: Mapping[str, int] | None = None,
    previous: str | None = None,
    source_links: SourceLinks | None = None,
    marker: Marker | None = None,
) -> str:
    """The full body: `previous`'s text outside the managed block, and a fresh managed block for `item`.

    `source_links`, when the run knows its repository and commit, links every location to its line and says
    which run last saw the item; compare bodies with `without_source_links` so a new commit alone is no edit.
    `marker` is the one to write (the sync's lifecycle memory, tracker/lifecycle.py); by default the item's
    own, keeping what `previous`'s marker remembers. The lifecycle's notes (flaky, follows an older issue)
    come from the marker, so the same marker always gives the same body.
    """
    parsed = parse_issue_body(previous) if previous else None
    if marker is None:
        marker = remembering_marker(item, scope, parsed.marker if parsed else None)
    before = parsed.before if parsed else ""
    after = parsed.after if parsed else ""
    checked = parsed.checked if parsed else frozenset()

    def line(text: str) -> str:
        return neutralise(text, Span.LINE)

    head = [
        f"{BEGIN}\n",
        NOTICE,
        "".join(f"{note}\n\n" for note in marker.notes()),
        f"**Description**: {neutralise(item.description)}\n\n",
        _render_fields(item, links or {}, line),
        last_seen_line(source_links),
    ]
    if item.steps:
        head.append(f"### Implementation steps\n\n{_task_list(item.steps, checked)}\n")
    if item.acceptance_criteria:
        head.append(f"### Acceptance criteria\n\n{_task_list(item.acceptance_criteria, checked)}\n")
    # Where the findings are listed in full: that issue by number, like a dependency (render_evidence).
    owners = [_render_dependency(owner, links or {}, line) for owner in item.evidence.findings_in]
    evidence = render_evidence(
        item.evidence,
        case_limit=CASE_LIMIT,
        finding_limit=FINDING_LIMIT,
        links=source_links,
        findings_at=" and ".join(owners) or None,
        said=item.description,
    )
    if evidence:
        evidence[0] = "### Evidence\n\n" + evidence[0]
    tail = f"{marker.render()}\n{END}"
    # Text outside the block belongs to humans and is kept whole; the managed block gets what is left.
    budget = BODY_MARGIN - body_length(before) - body_length(after)
    managed = truncate_sections(
        ["".join(head), *evidence, tail], budget, keep_last=1, noun="sections of evidence"
    )
    return before + managed + after


# A rule's steps and criteria are the same for each of its items: each list is rendered once per set of ticks.
@functools.lru_cache(maxsize=1024)
def _task_list(entries: tuple[str, ...], checked: frozenset[str]) -> str:
    rendered = (neutralise(entry, Span.LINE) for entry in entries)
    return "".join(f"- [{'x' if text in checked else ' '}] {text}\n" for text in rendered)


def _render_fields(item: ActionItem, links: Mapping[str, int], line: _Line) -> str:
    waits_on = [dep for dep in item.dependencies if dep.in_plan]
    dependencies = ", ".join(_render_dependency(dep.id, links, line) for dep in waits_on)
    fields = [
        ("Priority", item.priority.value),
        ("Type", item.type.value),
        ("Team", line(item.team)),
        ("Effort", line(item.effort)),
        # Dates only: the exact instant is the marker's, and relative wording ("due in 3 days") would
        # change the body every day, hence an edit every day (S1).
        ("First seen", format_date(item.first_seen)),
        ("Due date", format_date(item.due_date)),
        ("Dependencies", dependencies or "none"),
    ]
    text = "".join(f"- **{name}**: {value}\n" for name, value in fields) + "\n"
    absent = [dep for dep in item.dependencies if not dep.in_plan]
    if absent:
        text += "".join(f"{line(absent_dependency(dep))}\n" for dep in absent) + "\n"
    return text


def _render_dependency(dep_id: str, links: Mapping[str, int], line: _Line) -> str:
    shown = line(dep_id)
    if dep_id in links:
        # Our own reference to our own issue: the one place a live `#N` is wanted.
        return f"#{links[dep_id]} ({shown})"
    return shown
