"""Instants as every rendered output shows them: ISO 8601, UTC, with a `Z`."""

from __future__ import annotations

import functools
from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be UTC already (the planner's clock is UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# Markers and bodies repeat a few instants (a run's moment, its observations): each is spelt once. Equal
# instants in other zones share an entry, and both functions spell the instant in UTC, so that is the same.
@functools.lru_cache(maxsize=4096)
def format_timestamp(moment: datetime) -> str:
    """`2025-08-20T10:05:39.316987Z`; microseconds only when present.

    Keeping them exact matters: a first_seen read back from an issue marker must render the same due date as
    the run that wrote it, or every later run would rewrite the body.
    """
    moment = as_utc(moment)
    if moment.year >= 1000:  # isoformat pads years to four digits, strftime does not: the same text above
        return moment.isoformat()[:-6] + "Z"  # twice as fast as strftime; every marker renders one or more
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return moment.strftime(pattern)


@functools.lru_cache(maxsize=4096)
def format_date(moment: datetime) -> str:
    """`2026-12-04`: the day in UTC, as people read a due date. Exact instants live in the hidden marker."""
    return as_utc(moment).date().isoformat()


def format_minute(moment: datetime) -> str:
    """`2026-12-04 01:44 UTC`: when a run was made, to the minute; seconds and microseconds tell nobody
    anything and would make every plan.md differ."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def due_in_words(due: datetime, now: datetime) -> str:
    """`due in 3 days`, `due today`, `overdue by 2 days`: counted in whole UTC days from the run's `now`.

    Only outputs made fresh by every run use it (the job summary, plan.md): an issue body shows the plain
    date, since a body whose text changed every day would be edited every day (S1).
    """
    days = (as_utc(due).date() - as_utc(now).date()).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 0:
        return f"due in {days} days"
    return f"overdue by {-days} day{'' if days == -1 else 's'}"
