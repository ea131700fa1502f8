"""The typed values that flow between the stages: RunReport in, Plan out.

Every model is frozen and forbids unknown fields: a value that crossed a seam cannot change underneath the
next stage, and a typo in a field name is an error, not a silent default. Collections are tuples for the same
reason.

The package's modules split the values by side (`base`: Frozen, the enums and the text caps; `report`:
what the sources read; `checked`: report models made from values a reader checked; `plan`: what the policy
decides). `issueplan.model` is the one public surface: import from it, never from the modules.
"""

from __future__ import annotations

from issueplan.model.base import (
    CUT_MARK,
    MESSAGE_CAP,
    NAME_CAP,
    NAME_CUT_MARK,
    READ_CAP,
    TRACE_CAP,
    CaseOutcome,
    FindingCategory,
    Frozen,
    ItemType,
    OverallStatus,
    Priority,
    Severity,
    StepOutcome,
    SuiteKind,
    SuiteStatus,
    cap_name,
    cap_text,
    coverage_rate,
)
from issueplan.model.checked import checked_case, checked_test_result, checked_totals
from issueplan.model.plan import (
    COMMIT_CHARS,
    ActionItem,
    Dependency,
    Evidence,
    HealthyFact,
    KnownItem,
    KnownRun,
    Plan,
    PlanCoverage,
    PlanSummary,
    RunMark,
    suite_digest,
)
from issueplan.model.report import (
    Case,
    ContentMatch,
    Coverage,
    CoverageCounts,
    FileCoverage,
    FileResult,
    Finding,
    Problem,
    RunReport,
    Scan,
    Suite,
    SuiteSpec,
    TestTotals,
    Workspace,
    checked_findings,
)

__all__ = [
    "COMMIT_CHARS",
    "CUT_MARK",
    "MESSAGE_CAP",
    "NAME_CAP",
    "NAME_CUT_MARK",
    "READ_CAP",
    "TRACE_CAP",
    "ActionItem",
    "Case",
    "CaseOutcome",
    "ContentMatch",
    "Coverage",
    "CoverageCounts",
    "Dependency",
    "Evidence",
    "FileCoverage",
    "FileResult",
    "Finding",
    "FindingCategory",
    "Frozen",
    "HealthyFact",
    "ItemType",
    "KnownItem",
    "KnownRun",
    "OverallStatus",
    "Plan",
    "PlanCoverage",
    "PlanSummary",
    "Priority",
    "Problem",
    "RunMark",
    "RunReport",
    "Scan",
    "Severity",
    "StepOutcome",
    "Suite",
    "SuiteKind",
    "SuiteSpec",
    "SuiteStatus",
    "TestTotals",
    "Workspace",
    "cap_name",
    "cap_text",
    "checked_case",
    "checked_findings",
    "checked_test_result",
    "checked_totals",
    "coverage_rate",
    "suite_digest",
]
