"""What a trigger answers: a three-valued verdict with its evidence, and what it is evaluated against.

An Observation also says which worlds the run saw at all, for the triggers that fire on absence: a run that
read nothing can say nothing about what is missing (RELIABILITY I13; the table in `triggers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from issueplan.model import Finding, RunReport, Severity, Suite, Workspace


class Verdict(StrEnum):
    FIRED = "fired"
    FINE = "fine"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Observation:
    """What one run observed, plus the two settings triggers need besides their own parameters."""

    report: RunReport
    workspace: Workspace | None = None
    min_severity: Severity = Severity.LOW
    required_suites: frozenset[str] = frozenset()

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


@dataclass(frozen=True)
class SuiteVerdict:
    suite: Suite
    verdict: Verdict


@dataclass(frozen=True)
class TriggerResult:
    """A verdict with its evidence: the suites and findings it fired for, and true sentences about them."""

    verdict: Verdict
    per_suite: tuple[SuiteVerdict, ...] = ()
    suites: tuple[Suite, ...] = ()
    findings: tuple[Finding, ...] = ()
    facts: tuple[str, ...] = ()

    @property
    def fired(self) -> bool:
        return self.verdict is Verdict.FIRED
