"""The typed values that flow between the stages: RunReport in, Plan out.

Every model is frozen and forbids unknown fields: a value that crossed a seam cannot change underneath the
next stage, and a typo in a field name is an error, not a silent default. Collections are tuples for the same
reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

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


# --- results ---------------------------------------------------------------------------------------------


class Problem(Frozen):
    """A file that could not be (fully) read. Bad input is a value, never a crash."""

    file: str
    line: int | None = None
    column: int | None = None
    message: str


class Case(Frozen):
    """A test case that did not simply pass (failed, error, skipped or flaky)."""

    classname: str = ""
    name: str
    file: str | None = None
    line: int | None = None
    outcome: CaseOutcome
    message: str = ""
    type: str = ""
    trace: str = ""
    path_known: bool = Field(
        default=True,
        description="False when `file` is a JVM stack frame's package path (`com/acme/Cart.java`: a frame "
        "names the file, not its source folder) that no report of the run placed in the repository: shown, "
        "never linked, since no path in the repository is known.",
    )


class TestTotals(Frozen):
    """Counts of one test report (or the sum of several)."""

    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0
    duration: float = 0.0

    def __add__(self, other: TestTotals) -> TestTotals:
        return TestTotals(
            tests=self.tests + other.tests,
            failures=self.failures + other.failures,
            errors=self.errors + other.errors,
            skipped=self.skipped + other.skipped,
            flaky=self.flaky + other.flaky,
            duration=self.duration + other.duration,
        )


class Suite(Frozen):
    """One CI test suite: all test reports of one step, plus that step's outcome."""

    name: str
    kind: SuiteKind
    status: SuiteStatus
    has_report: bool
    outcome: StepOutcome | None = None
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0
    duration: float = 0.0
    cases: tuple[Case, ...] = ()
    files: tuple[str, ...] = ()


class Finding(Frozen):
    """One result of a scanner (SARIF) or a vulnerable dependency (audit JSON)."""

    tool: str
    tool_version: str | None = None
    rule_id: str
    rule_name: str | None = None
    severity: Severity
    cwe: tuple[int, ...] = ()
    message: str = ""
    path: str | None = None
    line: int | None = None
    fingerprint: str
    package: str | None = None
    version: str | None = None
    advisory: str | None = None
    aliases: tuple[str, ...] = ()
    fixed_versions: tuple[str, ...] = ()
    category: FindingCategory = FindingCategory.SECURITY
    # What makes a finding actionable, where the format says it: the rule's own help (SARIF
    # `shortDescription`/`help`), the vulnerable range and whether a fix is available (npm).
    rule_help: str | None = None
    vulnerable_range: str | None = None
    fix_available: bool | None = None


class CoverageCounts(Frozen):
    """Lines and branches measured and covered; the rates follow from them unless a report states its own."""

    lines_valid: int = 0
    lines_covered: int = 0
    branches_valid: int = 0
    branches_covered: int = 0

    @classmethod
    def total(cls, parts: Iterable[CoverageCounts]) -> CoverageCounts:
        parts = tuple(parts)
        return cls(
            lines_valid=sum(p.lines_valid for p in parts),
            lines_covered=sum(p.lines_covered for p in parts),
            branches_valid=sum(p.branches_valid for p in parts),
            branches_covered=sum(p.branches_covered for p in parts),
        )

    def measured_rates(self) -> tuple[float | None, float | None]:
        """(line rate, branch rate) as these counts give them."""
        return (
            coverage_rate(self.lines_covered, self.lines_valid),
            coverage_rate(self.branches_covered, self.branches_valid),
        )


def _counts_of(counts: CoverageCounts) -> dict[str, int]:
    return {
        "lines_valid": counts.lines_valid,
        "lines_covered": counts.lines_covered,
        "branches_valid": counts.branches_valid,
        "branches_covered": counts.branches_covered,
    }


class FileCoverage(CoverageCounts):
    path: str
    line_rate: float | None = None
    branch_rate: float | None = None

    @classmethod
    def measured(cls, path: str, counts: CoverageCounts) -> FileCoverage:
        """A file's coverage with its rates computed from its counts."""
        line_rate, branch_rate = counts.measured_rates()
        return cls(path=path, line_rate=line_rate, branch_rate=branch_rate, **_counts_of(counts))


class Coverage(CoverageCounts):
    """Line and branch coverage; rates are 0.0-1.0, None when the report does not say."""

    line_rate: float | None = None
    branch_rate: float | None = None
    files: tuple[FileCoverage, ...] = ()

    @classmethod
    def measured(cls, counts: CoverageCounts, files: tuple[FileCoverage, ...] = ()) -> Coverage:
        """Coverage with its rates computed from its counts."""
        line_rate, branch_rate = counts.measured_rates()
        return cls(line_rate=line_rate, branch_rate=branch_rate, files=files, **_counts_of(counts))


class Scan(Frozen):
    """A scanner that ran (even when it found nothing): 'absent is not fixed' needs to know.

    `categories` are the kinds of finding this scan looks for: a clean linter run says nothing about security,
    so it must not close a security item (and a clean audit says nothing about code quality).
    """

    tool: str
    file: str
    findings: int
    categories: tuple[FindingCategory, ...] = (FindingCategory.SECURITY,)


class FileResult(Frozen):
    """What one reader made of one file. The loader merges these into a RunReport."""

    file: str
    format: str
    totals: TestTotals | None = None
    cases: tuple[Case, ...] = ()
    findings: tuple[Finding, ...] = ()
    scans: tuple[Scan, ...] = ()
    coverage: Coverage | None = None
    problems: tuple[Problem, ...] = ()
    recognised: bool = Field(
        default=True,
        description="False when a full read showed the file is no result file after all (a JSON file with "
        "`runs` but no SARIF `version` or `$schema`): the loader notes it, it is no broken report.",
    )
    source_roots: tuple[str, ...] = Field(
        default=(),
        description="The source folders a coverage report names (Cobertura's `<sources>`): where the loader "
        "finds a JVM frame's file.",
    )

    @model_serializer(mode="wrap")
    def _without_empty_roots(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Written only when a report named some, so the results of every other file read as before.
        data: dict[str, object] = handler(self)
        if not self.source_roots:
            data.pop("source_roots", None)
        return data


class RunReport(Frozen):
    """Everything one run's result files say. `unrecognised` lists files under a results root that are not
    result files: they are noted once, never reported as broken (Problems are for files that are)."""

    suites: tuple[Suite, ...] = ()
    findings: tuple[Finding, ...] = ()
    scans: tuple[Scan, ...] = ()
    coverage: Coverage | None = None
    problems: tuple[Problem, ...] = ()
    unrecognised: tuple[str, ...] = ()


class SuiteSpec(Frozen):
    """A suite declared in config: its name, kind, result globs (relative to the results roots), team."""

    name: str
    kind: SuiteKind | None = None
    results: tuple[str, ...] = ()
    team: str | None = None
    required: bool = False


class ContentMatch(Frozen):
    """What one content probe of the workspace found: the first file, in the probe's order, that contains one
    of its strings (None: none of the files looked into does). `unread` counts the probe's candidate files
    not looked into: larger than the size cap, not regular files, or beyond the read budget."""

    probe: str
    path: str | None = None
    needle: str | None = None
    looked_into: int = 0
    unread: int = 0


class Workspace(Frozen):
    """The checkout's relevant file paths (relative, POSIX) for workspace triggers, and what the content
    probes found in its small files; read once, so the triggers stay pure."""

    root: str
    paths: tuple[str, ...] = ()
    contents: tuple[ContentMatch, ...] = ()


# --- plan ------------------------------------------------------------------------------------------------


class KnownItem(Frozen):
    """What the tracker remembers of an item: its display id and when it was first seen (both never change),
    and the suites whose CI step outcome it rested on when last written, as `suite_digest`s (S22: such an
    item is left alone by a run that was not told those outcomes)."""

    id: str
    first_seen: datetime
    step_outcomes: tuple[str, ...] = ()


def suite_digest(name: str) -> str:
    """How a marker names a suite: 16 hex digits of its SHA-256, never the name itself, which comes from the
    code under test and may hold a secret or markup; short and fixed in length whatever the name."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Dependency(Frozen):
    id: str
    in_plan: bool
    # The depended-on rule's title, so a dependency outside the plan can be named in words.
    title: str = ""


class Evidence(Frozen):
    """Why an item exists, in facts a reader can check. `findings_in` names the items whose issues list these
    findings in full (the findings items): an issue lists a finding once, the others link to it."""

    suites: tuple[Suite, ...] = ()
    findings: tuple[Finding, ...] = ()
    facts: tuple[str, ...] = ()
    findings_in: tuple[str, ...] = ()


class ActionItem(Frozen):
    id: str
    key: str
    rule: str
    title: str
    description: str
    type: ItemType
    priority: Priority
    team: str
    effort: str
    first_seen: datetime
    due_date: datetime
    dependencies: tuple[Dependency, ...] = ()
    steps: tuple[str, ...] = ()
    acceptance_criteria: tuple[str, ...] = ()
    evidence: Evidence = Evidence()


class PlanSummary(Frozen):
    total: int
    by_priority: Annotated[dict[Priority, int], Field(default_factory=dict)]
    estimated_completion: datetime | None = None


class PlanCoverage(CoverageCounts):
    """The run's coverage as the plan shows it: the totals and the least covered files (rates None when a
    report measured nothing of that kind, e.g. no branch data)."""

    line_rate: float | None = None
    branch_rate: float | None = None
    files: int = Field(default=0, description="How many source files the coverage reports measured.")
    least_covered: tuple[FileCoverage, ...] = ()


class HealthyFact(Frozen):
    """What a run observed of an item it found healthy, in words, for the comment that closes its issue:
    `subjects` (suites or scanners, by name) `verb` (`ran`): `outcome` (`all 128 tests passed`). Without
    subjects, `verb` is the whole lead (`the checkout was read`)."""

    subjects: tuple[str, ...] = ()
    verb: str = "ran"
    outcome: str


class Plan(Frozen):
    """The action plan. `healthy` lists keys whose evidence was observed this run and found fine:
    only those may be closed by a sync ("absent is not fixed"); `healthy_facts` says what was observed of
    each, in words."""

    schema_version: int = 1
    generated_at: datetime
    scope: str = "default"
    overall_status: OverallStatus
    summary: PlanSummary
    items: tuple[ActionItem, ...] = ()
    healthy: tuple[str, ...] = ()
    healthy_facts: Annotated[dict[str, tuple[HealthyFact, ...]], Field(default_factory=dict)]
    problems: tuple[Problem, ...] = ()
    coverage: PlanCoverage | None = None
