"""What a trigger answers: a three-valued verdict with its evidence, and what it is evaluated against.

An Observation also says which worlds the run saw at all, for the triggers that fire on absence: a run that
read nothing can say nothing about what is missing (RELIABILITY I13; the table in `triggers`).

The values are NamedTuples, immutable like the frozen dataclasses they were, and built at import in a fifth
of the time (a frozen dataclass compiles six generated methods: the five of this module were 2 % of `plan`'s
start-up). Change one with `_replace`.
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from issueplan.model import Finding, KnownRun, RunReport, Severity, Suite, Workspace


class Verdict(StrEnum):
    FIRED = "fired"
    FINE = "fine"
    UNKNOWN = "unknown"


class Reason(StrEnum):
    """Why a trigger fired. A rule's `priority_by_reason` may set its item's priority from the reasons
    (the most urgent one wins), e.g. a medium finding makes a high item, no security testing at all a high
    one while a failing security suite stays critical."""

    SUITE_FAILED = "suite_failed"
    SUITE_SKIPPED = "suite_skipped"
    SUITE_WITHOUT_REPORT = "suite_without_report"
    NO_SUITE_OF_KIND = "no_suite_of_kind"
    NO_SCANNER_OUTPUT = "no_scanner_output"
    NO_SECURITY_TESTING = "no_security_testing"
    WORKSPACE_LACKS = "workspace_lacks"
    COVERAGE_BELOW = "coverage_below"
    FINDING_CRITICAL = "finding_critical"
    FINDING_HIGH = "finding_high"
    FINDING_MEDIUM = "finding_medium"
    FINDING_LOW = "finding_low"
    FINDING_INFO = "finding_info"
    FLAKY_TEST = "flaky_test"
    FLAKY_TESTS_GROUPED = "flaky_tests_grouped"

    @classmethod
    def of_severity(cls, severity: Severity) -> "Reason":
        """The reason a finding of `severity` gives."""
        return cls(f"finding_{severity.value}")

    @classmethod
    def in_order(cls, reasons: "Iterable[Reason]") -> "tuple[Reason, ...]":
        """Each reason once, in the enum's order: an item's reasons do not depend on the order found."""
        wanted = set(reasons)
        return tuple(reason for reason in cls if reason in wanted)


_NOTHING_REMEMBERED: Mapping[str, tuple[KnownRun, ...]] = MappingProxyType({})


class CommitMemory(NamedTuple):
    """This run's commit and what the tracker remembers of it (policy/flips.py): `earlier` runs of the commit
    per suite name (those of the suite's per-suite items, before `at`), and `items`, the commit's runs per
    known item key (this one's too, if a re-run)."""

    commit: str
    at: datetime
    run: str | None = None
    earlier: Mapping[str, tuple[KnownRun, ...]] = _NOTHING_REMEMBERED
    items: Mapping[str, tuple[KnownRun, ...]] = _NOTHING_REMEMBERED


class Observation(NamedTuple):
    """What one run observed, plus the two settings triggers need besides their own parameters."""

    report: RunReport
    workspace: Workspace | None = None
    min_severity: Severity = Severity.LOW
    required_suites: frozenset[str] = frozenset()
    # The keys the tracker knows (closed items too): a per-subject trigger can only call a subject fine that
    # it can name, and a passing test is named in no report.
    known_keys: frozenset[str] = frozenset()
    group_flaky_over: int = 10
    same_commit: CommitMemory | None = None  # None: the commit is not known, or nothing of it is remembered

    @property
    def read_results(self) -> bool:
        """Whether any result file yielded something: a test report, a scan, a finding or coverage."""
        report = self.report
        return (
            any(suite.has_report for suite in report.suites)
            or bool(report.scans or report.findings)
            or report.coverage is not None
        )

    @property
    def saw_suites(self) -> bool:
        """Whether the run observed the world of test suites: a result file, or a CI step's outcome."""
        return self.read_results or any(suite.outcome is not None for suite in self.report.suites)

    @property
    def read_workspace(self) -> bool:
        """Whether a checkout was read and held any file (an empty folder is no evidence of absence)."""
        return self.workspace is not None and bool(self.workspace.paths)


class SuiteVerdict(NamedTuple):
    suite: Suite
    verdict: Verdict


class Subject(NamedTuple):
    """One item's worth of a per-subject trigger (a flaky test, or a suite's grouped flaky tests): `key` is
    the part after the rule's key, `suite` the evidence (only the subject's cases), `title` the finished title
    when the rule's own does not apply (a grouped item)."""

    key: str
    verdict: Verdict
    suite: Suite
    test: str = ""
    title: str | None = None
    facts: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()


class TriggerResult(NamedTuple):
    """A verdict with its evidence: the suites and findings it fired for, true sentences about them, and
    the reasons it fired for (in Reason's order, no repeats)."""

    verdict: Verdict
    per_suite: tuple[SuiteVerdict, ...] = ()
    suites: tuple[Suite, ...] = ()
    findings: tuple[Finding, ...] = ()
    facts: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    subjects: tuple[Subject, ...] = ()

    @property
    def fired(self) -> bool:
        return self.verdict is Verdict.FIRED
