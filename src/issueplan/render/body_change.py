"""What changed between two renderings of an issue body, in the words of the sync log (`3 → 1 failing
tests`, `due 2025-08-23 → 2025-08-30`): read back from the headline lines the body renderer writes, so the
log says what a reader of the issue would notice, not just "body"."""

from __future__ import annotations

import re

from issueplan.render.managed_block import parse_issue_body

_SUITE = re.compile(r"^\*\*Suite .*?; [\d,]+ tests?: ([\d,]+) failures?, ([\d,]+) errors?,", re.MULTILINE)
_FINDINGS = re.compile(r"^\*\*Findings\*\*: ([\d,]+) findings?", re.MULTILINE)
_POINTED = re.compile(r"^_(?:This finding is|These ([\d,]+) findings are) listed in full", re.MULTILINE)
_DUE = re.compile(r"^- \*\*Due date\*\*: (\S+)$", re.MULTILINE)


def describe_body_change(old: str, new: str) -> str | None:
    """`3 → 1 failing tests; due 2025-08-23 → 2025-08-30`, or None when no headline fact moved (the
    wording or a trace changed: the log then just says `body`)."""
    before, after = _managed(old), _managed(new)
    changes = []
    for label, read in (("failing tests", _failing), ("findings", _findings)):
        was, now = read(before), read(after)
        if was != now and (was or now):
            changes.append(f"{was} → {now} {label}")
    was_due, now_due = _first(_DUE, before), _first(_DUE, after)
    if was_due and now_due and was_due != now_due:
        changes.append(f"due {was_due} → {now_due}")
    return "; ".join(changes) or None


def _managed(body: str) -> str:
    parsed = parse_issue_body(body)
    return parsed.managed if parsed else body


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _failing(body: str) -> int:
    return sum(_number(f) + _number(e) for f, e in _SUITE.findall(body))


def _findings(body: str) -> int:
    listed = sum(_number(n) for n in _FINDINGS.findall(body))
    pointed = sum(_number(n) if n else 1 for n in _POINTED.findall(body))
    return listed + pointed


def _first(pattern: re.Pattern[str], body: str) -> str | None:
    match = pattern.search(body)
    return match.group(1) if match else None
