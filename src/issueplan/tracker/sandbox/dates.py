"""GitHub's milestone `due_on` quirk: only the date survives, as midnight US-Pacific.

The US-Pacific rule is computed here instead of read from zoneinfo because the slim container image may lack
tzdata, and the fake must answer the same everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

PACIFIC_STANDARD = timedelta(hours=-8)
PACIFIC_DAYLIGHT = timedelta(hours=-7)


def _nth_sunday(year: int, month: int, nth: int) -> date:
    first = date(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=nth - 1)


def _pacific_offset(moment: datetime) -> timedelta:
    """US rule since 2007: daylight time from the second Sunday of March 02:00 PST (10:00Z) to the first
    Sunday of November 02:00 PDT (09:00Z)."""
    year = moment.year
    starts = datetime.combine(_nth_sunday(year, 3, 2), datetime.min.time(), UTC) + timedelta(hours=10)
    ends = datetime.combine(_nth_sunday(year, 11, 1), datetime.min.time(), UTC) + timedelta(hours=9)
    return PACIFIC_DAYLIGHT if starts <= moment < ends else PACIFIC_STANDARD


def parse_timestamp(text: str) -> datetime | None:
    """An ISO 8601 timestamp (a bare date counts as midnight UTC); None if it is not one."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def due_date(text: str) -> date | None:
    """The date GitHub keeps for a given `due_on`: the Pacific calendar date of that instant.
    So a time before 07:00Z lands on the previous day."""
    moment = parse_timestamp(text)
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return (moment + _pacific_offset(moment)).date()


def render_due_on(day: date) -> str:
    """Midnight US-Pacific of `day` in UTC: T07:00:00Z in summer, T08:00:00Z in winter."""
    midnight = datetime.combine(day, datetime.min.time(), UTC)
    # 08:00Z is 00:00 PST or 01:00 PDT of `day`: before the 02:00 switch, so its offset is midnight's.
    offset = _pacific_offset(midnight + timedelta(hours=8))
    return (midnight - offset).strftime("%Y-%m-%dT%H:%M:%SZ")
