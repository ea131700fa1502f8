"""The ground the models stand on: `Frozen`, the enums of every mode, and the caps on untrusted text."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

# Display caps, applied by the clean pass (render/clean.py) after redaction, so a cut never leaves a prefix
# of a secret: a message, a trace, and any name, path or rule id (a test name can be megabytes).
MESSAGE_CAP = 4 * 1024
TRACE_CAP = 16 * 1024
NAME_CAP = 1024
# What a reader keeps of one text: far above the display caps (and any secret's length), so whatever a reader
# cuts lies beyond what the clean pass keeps after redaction and is never shown; it only bounds memory.
READ_CAP = 64 * 1024
CUT_MARK = "\n… [cut: {n} more characters]"
NAME_CUT_MARK = " …[cut {n:,} characters]"


# BaseModel's slots, set through their descriptors, for the models built from values a reader has checked
# (report.checked_findings, checked.py): object.__setattr__ looks each up again, a third more.
set_dict = BaseModel.__dict__["__dict__"].__set__
set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Frozen(BaseModel):
    """Base for every value type: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Priority(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for the most urgent; sorts naturally."""
        return list(Priority).index(self)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe; sorts naturally."""
        return list(Severity).index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank <= other.rank


class SuiteStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


class SuiteKind(StrEnum):
    SECURITY = "security"
    API = "api"
    FRONTEND = "frontend"
    PERFORMANCE = "performance"
    UNIT = "unit"
    INTEGRATION = "integration"
    OTHER = "other"


class StepOutcome(StrEnum):
    """A CI step's outcome as a workflow knows it (`steps.<id>.outcome`)."""

    SUCCESS = "success"
    FAILURE = "failure"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class CaseOutcome(StrEnum):
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"
    FLAKY = "flaky"


class ItemType(StrEnum):
    SECURITY = "security"
    BUG_FIX = "bug_fix"
    ENHANCEMENT = "enhancement"
    INFRASTRUCTURE = "infrastructure"

    @property
    def rank(self) -> int:
        """The seed's tie-break order: security, bug_fix, enhancement, infrastructure."""
        return list(ItemType).index(self)


class FindingCategory(StrEnum):
    """What a finding is evidence of: a security weakness, or a code-quality remark (a linter's rule).

    The readers decide (`sources/_security.py` holds the rules of that decision, as data); a finding built
    without saying is security, which is what every audit reports.
    """

    SECURITY = "security"
    QUALITY = "quality"


class OverallStatus(StrEnum):
    CRITICAL_FAILURE = "critical_failure"
    FAILING = "failing"
    DEGRADED = "degraded"
    HEALTHY = "healthy"


def cap_text(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters plus a visible mark saying how much was dropped (counting
    what an earlier cut, a reader's, had already dropped)."""
    if len(text) <= limit:
        return text
    kept, earlier = _earlier_cut(text)
    if len(kept) <= limit:  # only the earlier mark goes beyond the limit: it already says it all
        return text
    return text[:limit] + CUT_MARK.format(n=len(kept) - limit + earlier)


def cap_name(text: str, limit: int = NAME_CAP) -> str:
    """A name, path or id cut to `limit` characters, with a visible mark on the same line."""
    if len(text) <= limit:
        return text
    return text[:limit] + NAME_CUT_MARK.format(n=len(text) - limit)


def _earlier_cut(text: str) -> tuple[str, int]:
    """(the text before a trailing CUT_MARK, the count it states), or (text, 0) without one."""
    head, _, tail = CUT_MARK.partition("{n}")
    start = text.rfind(head)
    if start == -1 or not text.endswith(tail):
        return text, 0
    number = text[start + len(head) : len(text) - len(tail)]
    return (text[:start], int(number)) if number.isdecimal() and number.isascii() else (text, 0)


def coverage_rate(part: int, whole: int) -> float | None:
    """A coverage ratio, 0.0-1.0 to 6 decimals (stable golden files); None when nothing was measurable."""
    return round(part / whole, 6) if whole else None
