"""What the tracker hands the plan of earlier runs of this run's commit (TrackerState.known_items): only
that commit's observations, and only those policy/flips.py compares, so a no-op sync stays cheap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from issueplan.model import KnownRun
from issueplan.render.marker import FailedTests, Marker, Observation, Seen
from issueplan.tracker.changes import IssueState
from issueplan.tracker.tracked import TrackedIssue, TrackerState

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
C, D = "0123456789ab", "fedcba987654"
TESTS = FailedTests(keys=("app.CartTest.test_total",), failed=1, of=2)


def issue(number: int, key: str, *history: Observation) -> TrackedIssue:
    marker = Marker(v=2, key=key, id=f"BUG-{number:03d}", scope="default", first_seen=AT, history=history)
    return TrackedIssue(
        number=number, id=number, title="t", body="", state=IssueState.OPEN, created_at=AT,
        key=key, item_id=marker.id, scope="default", first_seen=AT, marker=marker,
    )  # fmt: skip


def seen(day: int, what: Seen, commit: str | None = C, tests: FailedTests | None = None) -> Observation:
    return Observation(at=AT + timedelta(days=day), seen=what, run=str(day), commit=commit, tests=tests)


STATE = TrackerState(
    issues=(
        issue(
            1,
            "suite-failed/unit_tests",
            seen(0, Seen.FIRED, D, TESTS),
            seen(1, Seen.FIRED),  # no tests recorded (an older marker): nothing to compare
            seen(2, Seen.FIRED, tests=TESTS),
            seen(3, Seen.FINE),
            seen(4, Seen.UNKNOWN),
        ),
        issue(2, "flaky/unit_tests/app.CartTest.test_total", seen(2, Seen.FLAKY), seen(3, Seen.FINE)),
    )
)


def test_only_this_commits_compared_observations_are_known() -> None:
    known = STATE.known_items("default", C)
    assert known["suite-failed/unit_tests"].runs == (
        KnownRun(at=AT + timedelta(days=2), commit=C, run="2", fired=True, tests=TESTS.keys, failed=1, of=2),
        KnownRun(at=AT + timedelta(days=3), commit=C, run="3", fired=False),
    )
    assert known["flaky/unit_tests/app.CartTest.test_total"].runs == (
        KnownRun(at=AT + timedelta(days=2), commit=C, run="2", fired=True),
    ), "a flaky item's filed flips, not its clean runs"


def test_without_this_runs_commit_no_runs_are_known() -> None:
    assert all(item.runs == () for item in STATE.known_items("default").values())
    assert all(item.runs == () for item in STATE.known_items("default", "000000000000").values())
