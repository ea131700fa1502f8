"""Instants as every rendered output shows them: ISO 8601, UTC, with a `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be UTC already (the planner's clock is UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """`2025-08-20T10:05:39.316987Z`; microseconds only when present.

    Keeping them exact matters: a first_seen read back from an issue marker must render the same due date as
    the run that wrote it, or every later run would rewrite the body.
    """
    moment = as_utc(moment)
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return moment.strftime(pattern)
