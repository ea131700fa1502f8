"""The comments issueplan writes on a change of state (close, reopen, flaky, snooze over), in words.

Body updates never comment. Each comment says what the run observed, never an internal key, and ends with a
hidden per-run line (`<!-- issueplan:event {...} -->`) naming the event, the item and the run, so a reader (or
a later tool) can tell which run wrote it and that it was written once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime

from issueplan.model import ActionItem, Frozen
from issueplan.render.evidence import count
from issueplan.render.safety import Span, neutralise
from issueplan.render.timestamp import format_date, format_timestamp


class RunEvent(Frozen):
    """Which change of state a comment announces, for which item, in which run (its hidden line)."""

    event: str
    id: str
    at: datetime
    run: str | None = None

    def words(self) -> str:
        """`run 42`, or `the run of 2026-12-02` when the workflow run's id is not known."""
        return f"run {self.run}" if self.run else f"the run of {format_date(self.at)}"

    def render(self) -> str:
        payload = {"at": format_timestamp(self.at), "event": self.event, "id": self.id}
        if self.run:
            payload["run"] = self.run
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f"\n<!-- issueplan:event {text} -->\n"


def render_close_comment(
    subject: str,
    reason_facts: Sequence[str],
    run_url: str | None,
    *,
    event: RunEvent | None = None,
    healthy_runs: int = 1,
    healthy_since: datetime | None = None,
) -> str:
    """Why issueplan closed the issue: what it observed as healthy, and for how long."""
    facts = "".join(f"- {neutralise(fact, Span.LINE)}\n" for fact in reason_facts)
    when = event.words() if event else "this run"
    streak = ""
    if healthy_runs > 1 and healthy_since is not None:
        streak = f", {healthy_runs} runs in a row since {format_date(healthy_since)}"
    text = (
        f"issueplan closed this issue: {when} observed the evidence of {neutralise(subject, Span.LINE)} "
        f"and found it healthy{streak}.\n"
    )
    if facts:
        text += "\n" + facts
    return text + _run_line(run_url) + (event.render() if event else "")


def render_reopen_comment(
    item: ActionItem,
    run_url: str | None,
    *,
    event: RunEvent | None = None,
    closed_on: datetime | None = None,
    flaky: tuple[str, int, int] | None = None,
) -> str:
    """Why issueplan reopened the issue: what came back, in the run's own facts. `flaky` is (label, reopens,
    days) when this reopen made the issue flaky."""
    facts = [neutralise(fact, Span.LINE) for fact in item.evidence.facts]
    facts += [
        f"suite {neutralise(suite.name, Span.LINE)}: {suite.status}"
        f" ({count(suite.failures, 'failure')}, {count(suite.errors, 'error')})"
        for suite in sorted(item.evidence.suites, key=lambda s: s.name)
    ]
    if item.evidence.findings:
        facts.append(f"{len(item.evidence.findings)} findings reported by scanners")
    when = f" in {event.words()}" if event else ""
    closed = f" (closed on {format_date(closed_on)})" if closed_on else ""
    text = f"issueplan reopened this issue: the problem it tracks came back{when}{closed}.\n"
    if facts:
        text += "\n" + "".join(f"- {fact}\n" for fact in facts)
    if flaky is not None:
        label, reopens, days = flaky
        text += (
            f"\nIt came back {reopens} times within {days} days, so it is labelled `{label}` and issueplan "
            "no longer closes it on its own. Remove that label once the cause is fixed.\n"
        )
    return text + _run_line(run_url) + (event.render() if event else "")


def render_snooze_over_comment(until: date, event: RunEvent) -> str:
    """The `snooze:` date written in the body has passed: issueplan tracks the issue again (said once)."""
    return (
        f"The snooze until {until.isoformat()} has passed: issueplan tracks this issue again from "
        f"{event.words()}. Write a later `snooze:` date outside the managed block to quiet it again.\n"
        + event.render()
    )


def _run_line(run_url: str | None) -> str:
    if not run_url:
        return ""
    if re.fullmatch(r"https://[^\s<>()\[\]]+", run_url):
        return f"\n[The run]({run_url})\n"
    return f"\nRun: {neutralise(run_url, Span.LINE)}\n"
