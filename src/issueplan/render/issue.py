"""One GitHub issue per action item: its title, its body with a managed block and a hidden marker, and the
comments written when an item is closed or comes back.

The body is the only state issueplan keeps (DESIGN decision 2). Its managed block lies between
`<!-- issueplan:begin -->` and `<!-- issueplan:end -->` and ends with the marker line
`<!-- issueplan {"first_seen":…,"id":…,"key":…,"scope":…,"v":1} -->`. Text outside the block and boxes a human
ticked inside it survive every re-render (decision 5). Same inputs give byte-identical bodies, so a no-op run
makes no edit.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from pydantic import AwareDatetime, ValidationError

from issueplan.model import ActionItem, Dependency, Frozen, StepOutcome, suite_digest
from issueplan.render.evidence import count, render_evidence
from issueplan.render.links import SourceLinks, last_seen_line
from issueplan.render.safety import (
    BODY_MARGIN,
    TITLE_LIMIT,
    Span,
    body_length,
    cap_title,
    neutralise,
    truncate_sections,
)
from issueplan.render.timestamp import as_utc, format_date, format_timestamp

BEGIN = "<!-- issueplan:begin -->"
END = "<!-- issueplan:end -->"
_MARKER_LINE = re.compile(r"<!-- issueplan (\{.*\}) -->")
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


class Marker(Frozen):
    """The hidden identity of a managed issue. Its `key` is the item's identity; `id` and `first_seen` are
    remembered from the first run so display ids and due dates never move."""

    v: Literal[1] = 1
    key: str
    id: str
    scope: str
    first_seen: AwareDatetime
    # The suites whose CI step outcome (failure, skipped, cancelled) the item rested on, as suite_digest()s
    # (a suite's name is untrusted text); absent when none.
    step_outcomes: tuple[str, ...] = ()

    def render(self) -> str:
        payload: dict[str, object] = {
            "first_seen": format_timestamp(self.first_seen),
            "id": self.id,
            "key": self.key,
            "scope": self.scope,
            "v": self.v,
        }
        if self.step_outcomes:  # written only when set, so the markers of other items never change
            payload["step_outcomes"] = list(self.step_outcomes)
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        # A key built from a suite name could hold `-->`; escaped, nothing can end the comment early.
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f"<!-- issueplan {text} -->"


class ParsedBody(Frozen):
    """An issue body split around its managed block. `before` and `after` are kept verbatim on re-render."""

    marker: Marker
    before: str
    managed: str
    after: str
    checked: frozenset[str]


def item_marker(item: ActionItem, scope: str) -> Marker:
    # An item rests on a step outcome when a suite of its evidence had one other than success: a run that
    # is not told that outcome cannot know the step passed, whatever the suite's report says (S22).
    rests = (s.name for s in item.evidence.suites if s.outcome not in {None, StepOutcome.SUCCESS})
    steps = sorted({suite_digest(name) for name in rests})
    return Marker(
        key=item.key, id=item.id, scope=scope, first_seen=as_utc(item.first_seen), step_outcomes=tuple(steps)
    )


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
) -> str:
    """The full body: `previous`'s text outside the managed block, and a fresh managed block for `item`.

    `source_links`, when the run knows its repository and commit, links every location to its line and says
    which run last saw the item; compare bodies with `without_source_links` so a new commit alone is no edit.
    """
    parsed = parse_issue_body(previous) if previous else None
    before = parsed.before if parsed else ""
    after = parsed.after if parsed else ""
    checked = parsed.checked if parsed else frozenset()

    def line(text: str) -> str:
        return neutralise(text, Span.LINE)

    def tasks(entries: Sequence[str]) -> str:
        rendered = (line(entry) for entry in entries)
        return "".join(f"- [{'x' if text in checked else ' '}] {text}\n" for text in rendered)

    head = [
        f"{BEGIN}\n",
        NOTICE,
        f"**Description**: {neutralise(item.description)}\n\n",
        _render_fields(item, links or {}, line),
        last_seen_line(source_links),
    ]
    if item.steps:
        head.append(f"### Implementation steps\n\n{tasks(item.steps)}\n")
    if item.acceptance_criteria:
        head.append(f"### Acceptance criteria\n\n{tasks(item.acceptance_criteria)}\n")
    evidence = render_evidence(
        item.evidence,
        case_limit=CASE_LIMIT,
        finding_limit=FINDING_LIMIT,
        links=source_links,
        said=item.description,
    )
    if evidence:
        evidence[0] = "### Evidence\n\n" + evidence[0]
    tail = f"{item_marker(item, scope).render()}\n{END}"
    # Text outside the block belongs to humans and is kept whole; the managed block gets what is left.
    budget = BODY_MARGIN - body_length(before) - body_length(after)
    managed = truncate_sections(
        ["".join(head), *evidence, tail], budget, keep_last=1, noun="sections of evidence"
    )
    return before + managed + after


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
    # Lines end at LF only, as in Markdown: U+2028 and friends are not line breaks to GitHub.
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", body)
    outside = _lines_outside_fences(lines)
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
        for index in outside
        if inner_from <= index < tail
        and (match := _TASK.fullmatch(lines[index].rstrip("\r\n")))
        and match.group(1) in "xX"
    )
    return ParsedBody(marker=marker, before=before, managed=managed, after=after, checked=checked)


def carries_managed_block(body: str) -> bool:
    """Whether the body holds a line of issueplan's managed block (begin, end or notice) outside fences: an
    issue issueplan wrote, even when its marker line is gone."""
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", body)
    return any(
        _is(lines[index], BEGIN) or _is(lines[index], END) or _is_notice(lines[index])
        for index in _lines_outside_fences(lines)
    )


def _find_block(lines: Sequence[str], outside: Sequence[int]) -> tuple[int, int, Marker] | None:
    """(first line, one past the last line, marker) of the managed block, if any.

    The first line is the begin line, else the notice line, else the marker line; the last is the end line,
    else the marker line.
    """

    def head_before(index: int) -> int:
        begin = next((i for i in reversed(outside) if i < index and _is(lines[i], BEGIN)), None)
        if begin is not None:
            return begin
        return next((i for i in reversed(outside) if i < index and _is_notice(lines[i])), index)

    def last_marker(low: int, high: int) -> tuple[int, Marker] | None:
        for index in reversed(outside):
            if low < index < high and (marker := _parse_marker(lines[index].rstrip("\r\n"))):
                return index, marker
        return None

    for end_at in reversed([i for i in outside if _is(lines[i], END)]):
        begin = next((i for i in reversed(outside) if i < end_at and _is(lines[i], BEGIN)), -1)
        if found := last_marker(begin, end_at):
            at, marker = found
            return head_before(at), end_at + 1, marker
    # No closed block (a human removed the end line): the last marker, its block ending with it.
    if found := last_marker(-1, len(lines)):
        at, marker = found
        return head_before(at), at + 1, marker
    return None


def _is_notice(line: str) -> bool:
    return _NOTICE_LINE.fullmatch(line.strip()) is not None


def _is(line: str, expected: str) -> bool:
    return line.strip() == expected


def _parse_marker(line: str) -> Marker | None:
    match = _MARKER_LINE.fullmatch(line)
    if match is None:
        return None
    payload = match.group(1)
    try:
        data = json.loads(payload, object_pairs_hook=_refuse_duplicates)
        if not isinstance(data, dict):
            return None
        return Marker.model_validate_json(payload, strict=True)
    except (ValueError, ValidationError):
        return None


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in marker")
    return dict(pairs)


def _lines_outside_fences(lines: Sequence[str]) -> list[int]:
    """Indexes of lines outside fenced code blocks (CommonMark's fence rules, enough to skip quoted text)."""
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


def render_close_comment(item_key: str, reason_facts: Sequence[str], run_url: str | None) -> str:
    """Why issueplan closed the issue: what it observed as healthy in this run."""
    facts = "".join(f"- {neutralise(fact, Span.LINE)}\n" for fact in reason_facts)
    key = neutralise(item_key, Span.LINE)
    lines = [
        f"issueplan closed this issue: the evidence for {key} was observed in this run and found healthy.\n"
    ]
    if facts:
        lines.append("\n" + facts)
    lines.append(_run_line(run_url))
    return "".join(lines)


def render_reopen_comment(item: ActionItem, run_url: str | None) -> str:
    """Why issueplan reopened the issue: what came back, in the run's own facts."""
    facts = [neutralise(fact, Span.LINE) for fact in item.evidence.facts]
    facts += [
        f"suite {neutralise(suite.name, Span.LINE)}: {suite.status}"
        f" ({count(suite.failures, 'failure')}, {count(suite.errors, 'error')})"
        for suite in sorted(item.evidence.suites, key=lambda s: s.name)
    ]
    if item.evidence.findings:
        facts.append(f"{len(item.evidence.findings)} findings reported by scanners")
    text = "issueplan reopened this issue: the problem it tracks came back.\n"
    if facts:
        text += "\n" + "".join(f"- {fact}\n" for fact in facts)
    return text + _run_line(run_url)


def _run_line(run_url: str | None) -> str:
    if not run_url:
        return ""
    if re.fullmatch(r"https://[^\s<>()\[\]]+", run_url):
        return f"\n[The run]({run_url})\n"
    return f"\nRun: {neutralise(run_url, Span.LINE)}\n"
