"""What a trigger answers: a three-valued verdict with its evidence, and what it is evaluated against."""

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
