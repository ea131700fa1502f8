"""The comments issueplan writes on a change of state (close, reopen, flaky, snooze over), in words.

Body updates never comment. Each comment says what the run observed, with the suite's or scanner's own
facts ("`unit_tests` ran in run 42 at commit `abc1234`: all 128 tests passed"), linking the run and the
commit where they are known, and never an internal key (`suite-failed/…`). It ends with a hidden per-run
line (`<!-- issueplan:event {...} -->`) naming the event, the item and the run, so a reader (or a later
tool) can tell which run wrote it and that it was written once.

A run is "run 42", never "run #42": GitHub would link `#42` to issue 42.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime

from issueplan.model import ActionItem, CaseOutcome, Finding, Frozen, HealthyFact, Suite, SuiteStatus
from issueplan.policy.describe import case_label, plural, severity_counts
from issueplan.render.links import SHORT_SHA, SourceLinks
from issueplan.render.safety import Span, code_span, neutralise
from issueplan.render.timestamp import format_date, format_timestamp

TESTS_NAMED = 3  # failing tests named in a reopen comment
_PLAIN_URL = re.compile(r"https?://[^\s<>()\[\]]+")


class RunEvent(Frozen):
    """Which change of state a comment announces, for which item, in which run (its hidden line)."""

    event: str
    id: str
    at: datetime
    run: str | None = None

    def render(self) -> str:
        payload = {"at": format_timestamp(self.at), "event": self.event, "id": self.id}
        if self.run:
            payload["run"] = self.run
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f"\n<!-- issueplan:event {text} -->\n"


class RunPlace(Frozen):
    """Where a comment says the run was: its id and page, and the commit it ran on (any may be unknown)."""

    event: RunEvent
    run_url: str | None = None
    links: SourceLinks | None = None

    def words(self) -> str:
        """`in [run 42](…) at commit [`abc1234`](…)`; `in the run of 2026-12-02` when nothing is known."""
        run = f"run {self.event.run}" if self.event.run else "this run"
        url = self.run_url or (self.links.run_url if self.links else None)
        if url and _PLAIN_URL.fullmatch(url):
            where = f"in [{run}]({url})"
        elif self.event.run:
            where = f"in {run}"
        else:
            where = f"in the run of {format_date(self.event.at)}"
        sha = self.links.sha if self.links else None
        if sha:
            short = code_span(sha[:SHORT_SHA])
            commit = self.links.commit_url if self.links else None
            where += f" at commit [{short}]({commit})" if commit else f" at commit {short}"
        return where


class _Line(Frozen):
    """One observation: `lead` (Markdown, subjects already spanned) and `detail` (prose)."""

    lead: str = ""
    detail: str


def render_close_comment(
    facts: Sequence[HealthyFact],
    place: RunPlace,
    *,
    healthy_runs: int = 1,
    healthy_since: datetime | None = None,
) -> str:
    """Why issueplan closed the issue: what the run observed as healthy, and for how long."""
    lines = [_Line(lead=_lead(fact), detail=fact.outcome) for fact in facts]
    head = "issueplan closed this issue: "
    if not lines:
        text = f"{head}what it tracks was observed {place.words()} and found healthy.\n"
    else:
        text = _observed(head, "everything it tracks was found healthy", lines, place)
    if healthy_runs > 1 and healthy_since is not None:
        text += f"\nIt was healthy in {healthy_runs} runs in a row since {format_date(healthy_since)}.\n"
    return text + place.event.render()


def render_reopen_comment(
    item: ActionItem,
    place: RunPlace,
    *,
    closed_on: datetime | None = None,
    flaky: tuple[str, int, int] | None = None,
    same_commit: bool = False,
) -> str:
    """Why issueplan reopened the issue: what came back, in the run's own facts. `flaky` is (label, reopens,
    days) when this reopen made the issue flaky; `same_commit` when that is because it passed on the very
    commit it now fails on."""
    head, summary = "issueplan reopened this issue: ", "the problem it tracks came back"
    text = _observed(head, summary, _returned(item), place)
    if closed_on is not None:
        text += f"\nIt was closed on {format_date(closed_on)}.\n"
    if flaky is not None and same_commit:
        text += f"\nAn earlier run passed on this same commit, so it is flaky: {_flaky_label(flaky[0])}\n"
    elif flaky is not None:
        label, reopens, days = flaky
        text += f"\nIt was reopened {reopens} times in {days} days, so {_flaky_label(label)}\n"
    return text + place.event.render()


def render_flaky_comment(label: str, place: RunPlace, *, failed: bool) -> str:
    """The issue's item failed and passed on one commit (in two runs): flaky, not fixed or broken again."""
    now, before = ("failed", "pass") if failed else ("passed", "fail")
    return (
        f"issueplan marked this issue flaky: it {now} {place.words()}, where an earlier run on the same "
        f"commit saw it {before}. The same code both ways is no fix and no regression, so "
        f"{_flaky_label(label)}\n" + place.event.render()
    )


def _flaky_label(label: str) -> str:
    return (
        f"it is labelled {code_span(label)}: issueplan will no longer close it on its own. Remove the label "
        "to let it close again once the cause is fixed."
    )


def render_snooze_over_comment(until: date, place: RunPlace) -> str:
    """The `snooze:` date written in the body has passed: issueplan tracks the issue again (said once)."""
    return (
        f"The snooze until {until.isoformat()} has passed: issueplan tracks this issue again from "
        f"{place.words().removeprefix('in ')}. Write a later `snooze:` date outside the managed block to "
        "quiet it again.\n" + place.event.render()
    )


def _observed(head: str, summary: str, lines: Sequence[_Line], place: RunPlace) -> str:
    """One observation in one sentence (`{lead} {where}: {detail}.`), several as a list under one."""
    if len(lines) == 1 and lines[0].lead:
        (line,) = lines
        return f"{head}{line.lead} {place.words()}: {_sentence(line.detail)}\n"
    if len(lines) == 1:
        return f"{head}{summary} {place.words()}: {_sentence(lines[0].detail)}\n"
    items = "".join(
        f"- {line.lead}: {neutralise(line.detail, Span.LINE)}\n"
        if line.lead
        else f"- {neutralise(line.detail, Span.LINE)}\n"
        for line in lines
    )
    return f"{head}{summary} {place.words()}:\n\n{items}"


def _sentence(detail: str) -> str:
    text = neutralise(detail, Span.LINE)
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _subjects(names: Sequence[str]) -> str:
    spans = [code_span(name) for name in names]
    if len(spans) <= 1:
        return "".join(spans)
    return f"{', '.join(spans[:-1])} and {spans[-1]}"


def _lead(fact: HealthyFact) -> str:
    return f"{_subjects(fact.subjects)} {fact.verb}" if fact.subjects else neutralise(fact.verb, Span.LINE)


def _returned(item: ActionItem) -> list[_Line]:
    """What came back: each failing suite with its failing tests, the scanners' findings, else the facts."""
    evidence = item.evidence
    failed = [suite for suite in evidence.suites if suite.status is SuiteStatus.FAILED]
    lines = [
        _Line(lead=f"{code_span(suite.name)} failed again", detail=_failing(suite))
        for suite in sorted(failed, key=lambda suite: suite.name)
        if not any(case.outcome is CaseOutcome.FLAKY for case in suite.cases)
    ]
    if evidence.findings:
        lines.append(_findings(evidence.findings))
    if not lines:
        lines = [_Line(detail=fact) for fact in evidence.facts]
    return lines


def _failing(suite: Suite) -> str:
    count = suite.failures + suite.errors
    if count == 0:
        return f"its CI step failed although no test failed ({plural(suite.tests, 'test')} reported)"
    named = [
        case_label(case) for case in suite.cases if case.outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR}
    ][:TESTS_NAMED]
    more = count - len(named)
    listed = ", ".join(named) + (f" and {more} more" if more > 0 and named else "")
    tests = f"{plural(count, 'failing test')} of {suite.tests}"
    return f"{tests} ({listed})" if listed else tests


def _findings(findings: Sequence[Finding]) -> _Line:
    tools = sorted({finding.tool for finding in findings}, key=str.casefold)
    verb = "reports" if len(tools) == 1 else "report"
    return _Line(
        lead=f"{_subjects(tools)} {verb} {plural(len(findings), 'finding')} again",
        detail=severity_counts(findings),
    )
