"""Milestone `due_on`: GitHub keeps the US-Pacific date of what it was sent (FACTS §2, in
tests/data/github-api/FACTS.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issueplan.tracker.sandbox.dates import due_date, render_due_on

days = st.dates(min_value=date(2008, 1, 1), max_value=date(2099, 12, 31))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("2025-03-09T12:00:00Z", "2025-03-09T08:00:00Z"),  # the spring-forward day starts in standard time
        ("2025-03-10T12:00:00Z", "2025-03-10T07:00:00Z"),
        ("2025-11-02T12:00:00Z", "2025-11-02T07:00:00Z"),  # the fall-back day starts in daylight time
        ("2025-11-03T12:00:00Z", "2025-11-03T08:00:00Z"),
        ("2025-07-01T06:59:59Z", "2025-06-30T07:00:00Z"),
        ("2025-07-01T07:00:00Z", "2025-07-01T07:00:00Z"),
        ("2025-07-01T12:00:00+02:00", "2025-07-01T07:00:00Z"),
        ("2025-07-01", "2025-06-30T07:00:00Z"),  # a bare date is midnight UTC: the previous Pacific day
    ],
)
def test_due_on_is_the_pacific_date_at_pacific_midnight(sent: str, kept: str) -> None:
    day = due_date(sent)

    assert day is not None
    assert render_due_on(day) == kept


def test_a_non_timestamp_is_refused() -> None:
    assert due_date("next friday") is None


@given(days)
def test_what_github_returns_round_trips_to_the_same_date(day: date) -> None:
    """A sync that sends back the due_on it read must not move the milestone."""
    assert due_date(render_due_on(day)) == day


@given(days)
def test_noon_utc_always_keeps_the_intended_date(day: date) -> None:
    """FACTS.md's advice to clients: send the date with a time of about 12:00Z."""
    assert due_date(f"{day.isoformat()}T12:00:00Z") == day


@given(days)
def test_pacific_midnight_is_seven_or_eight_hours_after_utc_midnight(day: date) -> None:
    rendered = datetime.fromisoformat(render_due_on(day))

    assert rendered - datetime.combine(day, datetime.min.time(), UTC) in (
        timedelta(hours=7),
        timedelta(hours=8),
    )
