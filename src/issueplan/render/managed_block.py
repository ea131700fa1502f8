"""An issue body read back: its managed block found and the body split around it (render/issue.py writes
it).

The block lies between `<!-- issueplan:begin -->` and `<!-- issueplan:end -->` and ends with the marker line
(render/marker.py). Only lines outside code fences count, and only a marker of strict JSON and a known
version, so quoted text can never pass for the block (R4); a human's deletion of the begin or end line
leaves a block that spans what issueplan can prove it wrote (R10).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from issueplan.render.marker import Marker, parse_marker

BEGIN = "<!-- issueplan:begin -->"
END = "<!-- issueplan:end -->"
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_TASK = re.compile(r"\s*[-*+] \[([ xX])\] (.*?)\s*")
# The first line of a managed block's notice (issues and the dashboard): proof of where a block began when a
# human deleted its begin line.
_NOTICE_LINE = re.compile(r"_This (?:issue|dashboard) is maintained by issueplan[ .].*_")
_NOTICE_WORDS = "is maintained by issueplan"  # in every notice line: the others need no pattern


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """An issue body split around its managed block. `before` and `after` are kept verbatim on re-render.

    A dataclass, not a model: made from text already checked here (the marker validated), once per issue
    of a sync, where a model's validation costed a tenth of the parse."""

    marker: Marker
    before: str
    managed: str
    after: str
    checked: frozenset[str]


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
    begins: list[int] = []
    ends: list[int] = []
    notices: list[int] = []
    for index in named:  # each line read once: begin, end and notice lines are three different texts
        text = lines[index].strip()
        if text == BEGIN:
            begins.append(index)
        elif text == END:
            ends.append(index)
        elif _NOTICE_WORDS in text and _NOTICE_LINE.fullmatch(text):
            notices.append(index)

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

    for end_at in reversed(ends):
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
    text = line.strip()
    return _NOTICE_WORDS in text and _NOTICE_LINE.fullmatch(text) is not None


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
