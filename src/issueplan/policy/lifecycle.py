"""The lifecycle settings (the config's `lifecycle:` section): when an item's issue closes, reopens, turns
flaky or is left alone, and which keys follow the flaky close rule.

The decisions themselves are the sync's (tracker/lifecycle.py); this is the validated data they read.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

from typing import Self

from pydantic import Field, model_validator

from issueplan.model import Frozen
from issueplan.naming import label_problem

FLAKY_KEY_PREFIX = "flaky/"
# The observations a marker keeps (render/marker.py): a streak of healthy runs longer than that cannot be
# counted, so no close may need more (a close_after of 14 would never close).
RUNS_REMEMBERED = 10


def is_flaky_key(key: str) -> bool:
    """A flaky-test item (`flaky/{suite}/{test}`, or `flaky/{suite}` for a suite's grouped item): it follows
    the flaky close rule (`flaky_clean_runs` healthy runs and `flaky_quiet_days`) instead of `close_after`."""
    return key.startswith(FLAKY_KEY_PREFIX)


class Lifecycle(Frozen):
    """How many healthy runs close an issue, when a returning problem reopens it, and how people quiet it.

    Defaults keep the common case fast: one healthy run closes (`close_after: 1`, no quiet days). An issue
    reopened within `reopen_within_days` needs `close_after_flapping` healthy runs in a row; reopened
    `flaky_after` times within that window it gets the `flaky_label` and is no longer closed automatically,
    until a human removes that label.
    """

    close_after: int = Field(
        default=1,
        ge=1,
        le=RUNS_REMEMBERED,
        description="Healthy runs in a row that close an issue (at most 10, the runs a marker keeps).",
    )
    quiet_days: int = Field(
        default=0, ge=0, description="Days an issue must stay healthy (from its first healthy run) to close."
    )
    close_after_flapping: int = Field(
        default=3,
        ge=1,
        le=RUNS_REMEMBERED,
        description="Healthy runs in a row that close an issue reopened within reopen_within_days; at most "
        "10.",
    )
    reopen_within_days: int = Field(
        default=10,
        ge=0,
        description="A closed issue whose problem returns within this many days is reopened; later, a new "
        "issue linking the old one is opened.",
    )
    flaky_after: int = Field(
        default=2,
        ge=1,
        description="Reopens within reopen_within_days that make an issue flaky (labelled, not closed "
        "automatically).",
    )
    flaky_clean_runs: int = Field(
        default=5,
        ge=1,
        le=RUNS_REMEMBERED,
        description="Healthy runs in a row that close a flaky-test item (key flaky/...); at most 10.",
    )
    flaky_quiet_days: int = Field(
        default=7, ge=0, description="Days without a failure or rerun before a flaky-test item closes."
    )
    flaky_label: str = Field(default="flaky", description="The label of an issue that keeps coming back.")
    snooze_label: str = Field(
        default="snoozed", description="A human's label that makes the sync leave the issue alone."
    )

    @model_validator(mode="after")
    def _labels(self) -> Self:
        for key in ("flaky_label", "snooze_label"):
            problem = label_problem(getattr(self, key))
            if problem is not None:
                raise ValueError(f"{key}: the label {getattr(self, key)!r} {problem}")
        return self

    def healthy_runs_needed(self, key: str, *, flapping: bool) -> int:
        if is_flaky_key(key):
            return self.flaky_clean_runs
        return self.close_after_flapping if flapping else self.close_after

    def quiet_days_needed(self, key: str) -> int:
        return self.flaky_quiet_days if is_flaky_key(key) else self.quiet_days
