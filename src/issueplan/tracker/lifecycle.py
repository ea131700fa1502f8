"""The lifecycle of a managed issue across runs (pure): when it closes, reopens, turns flaky or is left alone.

What a run observed of an item's key is one `Observation` (fired, fine, flaky; a per-suite item's fired one
on a known commit also names its failing tests, so a later run of the commit can tell which flipped); the
marker keeps the last few (render/marker.py), so a decision can rest on more than this run. An observation
is written only when it matters or costs nothing: every healthy run of an open issue (it counts towards the
close), the first failing run after a healthy one (it ends the streak), a reopen, and any run whose body
write happens anyway. A failing run that changes nothing else writes nothing (a no-op re-run makes zero
writes, S1).

Snoozed issues (a snooze label, or `snooze: YYYY-MM-DD` a human wrote outside the managed block) get no
write at all until the label goes or the date passes; the passing of a date is said once, in a comment.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from issueplan.model import ActionItem, CaseOutcome, Frozen, Plan, RunMark
from issueplan.policy.flaky import test_key
from issueplan.policy.lifecycle import Lifecycle, is_flaky_key
from issueplan.render.comments import RunEvent, RunPlace
from issueplan.render.managed_block import parse_issue_body
from issueplan.render.marker import REOPENS_LIMIT, FailedTests, Marker, Observation, Seen, bounded
from issueplan.render.timestamp import as_utc
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue

# `snooze: 2026-12-31` on a line of its own, in the human part of the body.
_SNOOZE = re.compile(r"^[ \t>*_-]*snooze:[ \t]*(\d{4}-\d{2}-\d{2})[ \t*_]*$", re.IGNORECASE | re.MULTILINE)


class Run(Frozen):
    """This run as the lifecycle sees it: when (the plan's clock, `--now`), which workflow run, what rules."""

    at: datetime
    id: str | None = None
    commit: str | None = None  # the tested commit's first COMMIT_CHARS (`--commit`, GITHUB_SHA)
    settings: Lifecycle = Lifecycle()

    def observed(self, seen: Seen, tests: FailedTests | None = None) -> Observation:
        return Observation(at=self.at, seen=seen, run=self.id, commit=self.commit, tests=tests)

    def event(self, name: str, issue: TrackedIssue) -> RunEvent:
        return RunEvent(event=name, id=issue.item_id, at=self.at, run=self.id)

    def place(self, name: str, issue: TrackedIssue, options: SyncOptions) -> RunPlace:
        """The event with the run's page and commit, as a comment names them."""
        return RunPlace(event=self.event(name, issue), run_url=options.run_url, links=options.source_links)

    def window(self) -> timedelta:
        return timedelta(days=self.settings.reopen_within_days)


def run_mark(options: SyncOptions) -> RunMark:
    """This run's commit and workflow run id, as markers remember them (and the plan compares them)."""
    return RunMark.of(options.source_links.sha if options.source_links else None, options.run_url)


def this_run(plan: Plan, options: SyncOptions) -> Run:
    mark = run_mark(options)
    return Run(at=as_utc(plan.generated_at), id=mark.run, commit=mark.commit, settings=options.lifecycle)


def failing_tests(item: ActionItem, run: Run) -> FailedTests | None:
    """What a fired observation of a per-suite item remembers of its failing tests, so a later run of the
    same commit can tell which of them flipped (policy/flips.py); None without a commit, for other items,
    and when no test failed (a failed step, a missing report)."""
    if run.commit is None or len(item.evidence.suites) != 1:
        return None
    suite = item.evidence.suites[0]
    failed = suite.failures + suite.errors
    if item.key != f"{item.rule}/{suite.name}" or not suite.has_report or failed == 0:
        return None
    # The evidence lists the first failing cases (failing first): the counts say how many there were.
    keys = dict.fromkeys(
        test_key(case) for case in suite.cases if case.outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR}
    )
    return FailedTests.bounded(keys, failed=failed, of=suite.tests)


def flipped(key: str, marker: Marker, run: Run, seen: Seen) -> bool:
    """This run's commit already gave the other answer in an earlier run (failed where it now passes, or
    passed where it now fails): the same code both ways is flakiness, not a fix or a regression. A
    flaky-test item (`flaky/…`) is flaky already; an issue already flaky needs no second marking."""
    if run.commit is None or is_flaky_key(key) or marker.flaky_since is not None:
        return False
    other = {Seen.FINE} if seen is not Seen.FINE else {Seen.FIRED, Seen.FLAKY}
    return any(o.commit == run.commit and o.seen in other for o in marker.history)


def marker_of(issue: TrackedIssue) -> Marker:
    if issue.marker is not None:
        return issue.marker
    parsed = parse_issue_body(issue.body)
    if parsed is None:  # a TrackedIssue always comes from a body with a marker
        raise ValueError(f"issue #{issue.number} has no marker")
    return parsed.marker


def _has_label(issue: TrackedIssue, name: str) -> bool:
    return name.casefold() in {label.casefold() for label in issue.labels}


def snooze_date(body: str) -> date | None:
    """The latest `snooze:` date a human wrote outside the managed block (inside it, text is ours)."""
    parsed = parse_issue_body(body)
    if parsed is None or not (parsed.before or parsed.after):  # most bodies: nothing outside the block
        return None
    dates = []
    for match in _SNOOZE.finditer(parsed.before + "\n" + parsed.after):
        try:
            dates.append(date.fromisoformat(match.group(1)))
        except ValueError:
            continue  # not a real date (2026-02-31): no snooze
    return max(dates, default=None)


def is_snoozed(issue: TrackedIssue, run: Run) -> bool:
    """Left alone: the snooze label is on, or the `snooze:` date is today or later."""
    if _has_label(issue, run.settings.snooze_label):
        return True
    until = snooze_date(issue.body)
    return until is not None and until >= run.at.date()


def snoozed_until(issue: TrackedIssue, run: Run) -> date | None:
    """The `snooze:` date that still quiets the issue; None when only the label does, or nothing."""
    until = snooze_date(issue.body)
    return until if until is not None and until >= run.at.date() else None


def snooze_over(issue: TrackedIssue, run: Run) -> date | None:
    """A `snooze:` date that has passed and was not yet announced; None otherwise."""
    until = snooze_date(issue.body)
    if until is None or until >= run.at.date() or marker_of(issue).snooze_over == until:
        return None
    return until


def is_flaky(issue: TrackedIssue, marker: Marker, run: Run) -> bool:
    """Marked flaky by issueplan and the label still on: a human removing the label ends it."""
    return marker.flaky_since is not None and _has_label(issue, run.settings.flaky_label)


def settled(issue: TrackedIssue, marker: Marker, run: Run) -> Marker:
    """The marker with a human's removal of the flaky label taken in: the flaky state and what led to it (the
    reopens, the commits that both failed and passed) are forgotten (the human says the cause is fixed)."""
    if marker.flaky_since is None or is_flaky(issue, marker, run):
        return marker
    history = tuple(o.model_copy(update={"commit": None, "tests": None}) for o in marker.history)
    return marker.model_copy(update={"flaky_since": None, "reopened": (), "history": history})


def fired(marker: Marker, key: str, run: Run, *, writing: bool, tests: FailedTests | None = None) -> Marker:
    """The marker of an open issue whose rule fired: the observation (with its failing `tests`) is kept
    when the body is written anyway, or when it ends a streak of healthy runs (else a later close would
    count across it)."""
    history = marker.history
    ends_streak = bool(history) and history[-1].seen is Seen.FINE
    if not (writing or ends_streak):
        return marker
    seen = Seen.FLAKY if is_flaky_key(key) else Seen.FIRED
    return marker.model_copy(update={"history": bounded((*history, run.observed(seen, tests)))})


def created(
    marker: Marker, key: str, run: Run, *, follows: int | None = None, tests: FailedTests | None = None
) -> Marker:
    seen = Seen.FLAKY if is_flaky_key(key) else Seen.FIRED
    return marker.model_copy(update={"history": (run.observed(seen, tests),), "follows": follows})


class Healthy(Frozen):
    """A healthy run of an open issue: the marker that records it, and whether the issue closes now."""

    marker: Marker
    closes: bool
    streak: int
    since: datetime
    turns_flaky: bool = False  # it failed on this very commit before: flaky, and not closed


def healthy(issue: TrackedIssue, marker: Marker, run: Run) -> Healthy | None:
    """Count this healthy run; None when nothing is written (a flaky issue is never closed automatically)."""
    if is_flaky(issue, marker, run):
        return None
    history = bounded((*marker.history, run.observed(Seen.FINE)))
    if flipped(issue.key, marker, run, Seen.FINE):
        flaky = marker.model_copy(update={"history": history, "flaky_since": run.at})
        return Healthy(marker=flaky, closes=False, streak=1, since=run.at, turns_flaky=True)
    streak = 0
    for observation in reversed(history):
        if observation.seen is not Seen.FINE:
            break
        streak += 1
    # Quiet days run from the first healthy run of the streak: the last failure may have written nothing,
    # so this is the latest moment it can have been, and a close is never early.
    since = history[-streak].at
    flapping = any(run.at - moment <= run.window() for moment in marker.reopened)
    needed = run.settings.healthy_runs_needed(issue.key, flapping=flapping)
    quiet = timedelta(days=run.settings.quiet_days_needed(issue.key))
    closes = streak >= needed and run.at - since >= quiet
    return Healthy(
        marker=marker.model_copy(update={"history": history}), closes=closes, streak=streak, since=since
    )


class Return(Frozen):
    """A closed issue's problem is back: reopen it (within the window), or open a new issue following it."""

    reopen: bool
    marker: Marker
    closed_on: datetime
    turns_flaky: bool = False
    reopens: int = 0
    same_commit: str | None = None  # it passed on this commit before: flaky (the commit, shortened)


def returning(issue: TrackedIssue, marker: Marker, run: Run, tests: FailedTests | None = None) -> Return:
    closed_on = closed_moment(issue, marker, run)
    same = flipped(issue.key, marker, run, Seen.FIRED)
    if run.at - closed_on > run.window() and not same:
        return Return(reopen=False, marker=marker, closed_on=closed_on)
    reopened = (*marker.reopened, run.at)[-REOPENS_LIMIT:]
    recent = sum(run.at - moment <= run.window() for moment in reopened)
    turns = marker.flaky_since is None and (same or recent >= run.settings.flaky_after)
    update: dict[str, object] = {"reopened": reopened}
    if turns:
        update["flaky_since"] = run.at
    seen = Seen.FLAKY if is_flaky_key(issue.key) else Seen.FIRED
    update["history"] = bounded((*marker.history, run.observed(seen, tests)))
    return Return(
        reopen=True,
        marker=marker.model_copy(update=update),
        closed_on=closed_on,
        turns_flaky=turns,
        reopens=recent,
        same_commit=run.commit if same else None,
    )


def closed_moment(issue: TrackedIssue, marker: Marker, run: Run) -> datetime:
    """When the issue was closed: the healthy run that closed it (in the run's clock, `--now`), else what
    GitHub says (a human closed it; never before the last run that saw it open), else now."""
    if marker.history and marker.history[-1].seen is Seen.FINE:
        return marker.history[-1].at
    if issue.closed_at is None:
        return run.at
    # An issue open at its last observation was closed after it: GitHub's clock and the run's (`--now`)
    # may disagree, and the later of the two is the one that cannot be wrong about it being open then.
    closed = as_utc(issue.closed_at)
    return max(closed, marker.history[-1].at) if marker.history else closed
