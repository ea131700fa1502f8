"""One GitHub issue per action item: its title and its body with a managed block and a hidden marker
(render/marker.py; the comments are render/comments.py).

The body is the only state issueplan keeps (DESIGN decision 2). Its managed block lies between
`<!-- issueplan:begin -->` and `<!-- issueplan:end -->` and ends with the marker line
`<!-- issueplan {"first_seen":…,"id":…,"key":…,"scope":…,"v":2,…} -->`. Text outside the block and boxes a
human ticked inside it survive every re-render (decision 5). Same inputs give byte-identical bodies, so a
no-op run makes no edit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from issueplan.model import ActionItem, Dependency, Frozen, StepOutcome, suite_digest
from issueplan.render.evidence import render_evidence
from issueplan.render.links import SourceLinks, last_seen_line
from issueplan.render.marker import ITEM_FIELDS, Marker, parse_marker
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

BEGIN = "<!-- issueplan:begin -->"
END = "<!-- issueplan:end -->"
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_TASK = re.compile(r"\s*[-*+] \[([ xX])\] (.*?)\s*")
# The first line of a managed block's notice (issues and the dashboard): proof of where a block began when a
# human deleted its begin line.
_NOTICE_LINE = re.compile(r"_This (?:issue|dashboard) is maintained by issueplan[ .].*_")
# An issue body carries many failing tests, unlike the plan; truncation by section keeps it under the limit.
CASE_LIMIT = 50
FINDING_LIMIT = 200
# The per-body line renderer: neutralises to one line (the text comes redacted from the clean pass).
_Line = Callable[[str], str]
NOTICE = (
    "_This issue is maintained by issueplan. The part between the issueplan markers is rewritten on every"
    " run; text above or below it and the boxes you tick are kept._\n\n"
)


class ParsedBody(Frozen):
    """An issue body split around its managed block. `before` and `after` are kept verbatim on re-render."""

    marker: Marker
    before: str
    managed: str
    after: str
    checked: frozenset[str]


def item_marker(item: ActionItem, scope: str) -> Marker:
    return Marker(**_item_fields(item, scope))


def remembering_marker(item: ActionItem, scope: str, previous: Marker | None) -> Marker:
    """`item_marker(item, scope).remembering(previous)`. A re-run's common case, a previous marker with a
    history that holds the item's own fields already, is that marker (what remembering() gives): it is
    found without building the item's marker, by comparing the fields it would hold."""
    if previous is not None and previous.history:
        fields = _item_fields(item, scope)
        if all(fields.get(name, _ABSENT) == getattr(previous, name) for name in ITEM_FIELDS):
            return previous
        return Marker(**fields).remembering(previous)
    return item_marker(item, scope).remembering(previous)


_ABSENT = object()


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


def absent_dependency(dependency: Dependency) -> str:
    """A dependency outside the plan, in words: why nothing waits on it now."""
    name = f"{dependency.id} ({dependency.title})" if dependency.title else dependency.id
    return (
        f"{name} is not part of this plan: its evidence was healthy or not observed in this run, so this"
        " item waits on nothing there."
    )


def _render_dependency(dep_id: str, links: Mapping[str, int], line: _Line) -> str:
    shown = line(dep_id)
    if dep_id in links:
        # Our own reference to our own issue: the one place a live `#N` is wanted.
        return f"#{links[dep_id]} ({shown})"
    return shown


# A sync parses each issue's body three times (recognising it, looking for orphans, diffing it); the answer is
# an immutable value of an immutable string. Bounded: a bigger repository only loses the reuse, never memory.
@functools.lru_cache(maxsize=16_384)
def parse_issue_body(body: str) -> ParsedBody | None:
    """Split a body around its managed block; None when it has no valid marker.

    Only marker lines outside code fences count, and only with strict JSON of a known version, so text
    quoted inside a message or a fence can never pass for the real marker (R4). The block is the last one
    that is closed by the end marker; a marker a human pasted below it does not move it.

    A human may delete the begin or the end line (R10). The block then spans only what issueplan can prove
    it wrote: from its notice line (which follows the begin line), else from the marker line; and up to the
    marker line, which the end line follows. Everything else is the human's and is kept.
    """
    lines = _lines(body)
    outside = _lines_outside_fences(lines, body)
    found = _find_block(lines, outside)
    if found is None:
        return None
    head, tail, marker = found
    before = "".join(lines[:head])
    inner_from = head + 1 if _is(lines[head], BEGIN) else head
    closed = _is(lines[tail - 1], END)
    managed = "".join(lines[inner_from : tail - 1 if closed else tail])
    after = "".join(lines[tail:])
    if closed:
        end_line = lines[tail - 1]
        after = end_line[len(end_line.rstrip("\r\n")) :] + after
    elif after:
        # The end line is gone: the fresh block ends with one again, on its own line before the human's text.
        after = "\n" + after
    # Only boxes outside fences: a `- [x] …` line quoted in a failure message is text, not a human's tick.
    checked = frozenset(
        match.group(2)
        for index in (outside if "[x] " in body or "[X] " in body else ())  # a ticked box needs one
        if inner_from <= index < tail
        and (match := _TASK.fullmatch(lines[index].rstrip("\r\n")))
        and match.group(1) in "xX"
    )
    return ParsedBody(marker=marker, before=before, managed=managed, after=after, checked=checked)


def with_marker(body: str, marker: Marker) -> str | None:
    """`body` with its marker line replaced by `marker`'s and nothing else changed; None without a marker.

    For the lifecycle's memory of a run that changes no content (a healthy run that does not close yet).
    """
    lines = _lines(body)
    found = _find_block(lines, _lines_outside_fences(lines, body))
    if found is None:
        return None
    _, tail, _ = found
    at = tail - 2 if _is(lines[tail - 1], END) else tail - 1
    ending = lines[at][len(lines[at].rstrip("\r\n")) :]
    return "".join([*lines[:at], marker.render() + ending, *lines[at + 1 :]])


def carries_managed_block(body: str) -> bool:
    """Whether the body holds a line of issueplan's managed block (begin, end or notice) outside fences: an
    issue issueplan wrote, even when its marker line is gone."""
    lines = _lines(body)
    return any(
        _is(lines[index], BEGIN) or _is(lines[index], END) or _is_notice(lines[index])
        for index in _lines_outside_fences(lines, body)
    )


def _find_block(lines: Sequence[str], outside: Sequence[int]) -> tuple[int, int, Marker] | None:
    """(first line, one past the last line, marker) of the managed block, if any.

    The first line is the begin line, else the notice line, else the marker line; the last is the end line,
    else the marker line.
    """
    # Every line this looks for names issueplan: the others (nearly all of a body) need no second look.
    named = [index for index in outside if "issueplan" in lines[index]]
    begins = [index for index in named if _is(lines[index], BEGIN)]
    notices = [index for index in named if _is_notice(lines[index])]

    def last_before(indexes: list[int], index: int, default: int) -> int:
        return next((i for i in reversed(indexes) if i < index), default)

    def head_before(index: int) -> int:
        begin = last_before(begins, index, -1)
        return begin if begin != -1 else last_before(notices, index, index)

    def last_marker(low: int, high: int) -> tuple[int, Marker] | None:
        for index in reversed(named):
            if low < index < high and (marker := parse_marker(lines[index].rstrip("\r\n"))):
                return index, marker
        return None

    for end_at in reversed([i for i in named if _is(lines[i], END)]):
        if found := last_marker(last_before(begins, end_at, -1), end_at):
            at, marker = found
            return head_before(at), end_at + 1, marker
    # No closed block (a human removed the end line): the last marker, its block ending with it.
    if found := last_marker(-1, len(lines)):
        at, marker = found
        return head_before(at), at + 1, marker
    return None


def _lines(text: str) -> list[str]:
    """`text`'s lines, each with its line feed: they end at LF only, as in Markdown (U+2028 and friends are
    no line breaks to GitHub, and str.splitlines would take them for some)."""
    *ended, last = text.split("\n")
    lines = [line + "\n" for line in ended]
    if last:
        lines.append(last)
    return lines


def _is_notice(line: str) -> bool:
    return _NOTICE_LINE.fullmatch(line.strip()) is not None


def _is(line: str, expected: str) -> bool:
    return line.strip() == expected


def _lines_outside_fences(lines: Sequence[str], text: str) -> list[int]:
    """Indexes of lines outside fenced code blocks (CommonMark's fence rules, enough to skip quoted text);
    `text` is the lines joined."""
    if "```" not in text and "~~~" not in text:  # no line can open a fence
        return list(range(len(lines)))
    outside: list[int] = []
    fence: str | None = None
    for index, raw in enumerate(lines):
        text = raw.rstrip("\r\n")
        opening = _FENCE_OPEN.fullmatch(text)
        if fence is None:
            if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
                fence = opening.group(1)
                continue
            outside.append(index)
        elif (
            opening
            and opening.group(1)[0] == fence[0]
            and len(opening.group(1)) >= len(fence)
            and not opening.group(2).strip()
        ):
            fence = None
    return outside
