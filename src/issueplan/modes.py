"""The choices a user makes on the command line and in the action's inputs, as enums.

Stdlib only, so the CLI can declare its options with them without loading pydantic (start-up time).
"""

from __future__ import annotations

from enum import StrEnum


class MilestoneMode(StrEnum):
    """How open items are grouped into milestones."""

    PRIORITY = "priority"
    WEEK = "week"
    NONE = "none"


class FailOn(StrEnum):
    """`--fail-on` / `fail-on`: exit 1 when the plan has an item at or above this priority; the `new` modes
    count only items not tracked before this run (the ones the sync opens; a plan-only run tracks nothing, so
    every item is new there)."""

    NEVER = "never"
    CRITICAL = "critical"
    HIGH = "high"
    ANY = "any"
    NEW = "new"
    NEW_CRITICAL = "new-critical"
    NEW_HIGH = "new-high"

    @property
    def new_only(self) -> bool:
        return self in (FailOn.NEW, FailOn.NEW_CRITICAL, FailOn.NEW_HIGH)


# `--max-read-bytes`: how much of the result files one run reads at most (RELIABILITY I14). Here, not in the
# loader, so the CLI can show the default without importing it.
DEFAULT_MAX_READ_BYTES = 2**30


class IfNoResults(StrEnum):
    """`--if-no-results` / `if-no-results`: what a results argument that matches no file means."""

    ERROR = "error"  # a usage error (exit 2) naming it, unless step outcomes were given
    WARN = "warn"  # a warning (a Problem); the run goes on with what it observed
    IGNORE = "ignore"  # nothing said; the run goes on
