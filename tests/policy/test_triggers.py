"""Each trigger fires, is fine, or is unknown (its inputs were not observed), on plain values."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from issueplan.model import (
    Coverage,
    Finding,
    FindingCategory,
    RunReport,
    Scan,
    Severity,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteStatus,
    Workspace,
)
from issueplan.policy.trigger_spec import TriggerSpec
from issueplan.policy.triggers import evaluate
from issueplan.policy.verdict import Observation, Reason, TriggerResult, Verdict

SPEC: TypeAdapter[TriggerSpec] = TypeAdapter(TriggerSpec)


def run(spec: dict[str, Any], report: RunReport, **observed: Any) -> TriggerResult:
    return evaluate(SPEC.validate_python(spec), Observation(report=report, **observed))


def suite(name: str, kind: SuiteKind, status: SuiteStatus, *, report: bool = True, **fields: Any) -> Suite:
    return Suite(name=name, kind=kind, status=status, has_report=report, **fields)


PASSED_UNIT = suite("unit", SuiteKind.UNIT, SuiteStatus.PASSED, tests=5, outcome=StepOutcome.SUCCESS)
FAILED_UNIT = suite("unit", SuiteKind.UNIT, SuiteStatus.FAILED, tests=5, failures=1)
FAILED_SEC = suite(
    "sec", SuiteKind.SECURITY, SuiteStatus.FAILED, tests=1, errors=1, outcome=StepOutcome.FAILURE
)
PASSED_SEC = suite("sec", SuiteKind.SECURITY, SuiteStatus.PASSED, tests=3)
NO_REPORT_SEC = suite(
    "sec", SuiteKind.SECURITY, SuiteStatus.PASSED, report=False, outcome=StepOutcome.SUCCESS
)
SKIPPED_SEC = suite("sec", SuiteKind.SECURITY, SuiteStatus.SKIPPED, report=False, outcome=StepOutcome.SKIPPED)
NOT_RUN_SEC = suite("sec", SuiteKind.SECURITY, SuiteStatus.SKIPPED, report=False)
ALL_SKIPPED = suite("it", SuiteKind.INTEGRATION, SuiteStatus.SKIPPED, tests=8, skipped=8)
CRASHED_UI = suite("ui", SuiteKind.FRONTEND, SuiteStatus.FAILED, report=False, outcome=StepOutcome.FAILURE)
PERF_FAILED = suite("load", SuiteKind.PERFORMANCE, SuiteStatus.FAILED, tests=2, failures=2)

HIGH = Finding(tool="Bandit", rule_id="B324", severity=Severity.HIGH, cwe=(327,), fingerprint="h")
LOW = Finding(tool="Bandit", rule_id="B105", severity=Severity.LOW, cwe=(259,), fingerprint="l")
MEDIUM_SQL = Finding(tool="Bandit", rule_id="B608", severity=Severity.MEDIUM, cwe=(89,), fingerprint="m")
SCAN = Scan(tool="Bandit", file="bandit.sarif", findings=0)


def scanned(*findings: Finding) -> RunReport:
    return RunReport(findings=findings, scans=(SCAN,))


@pytest.mark.parametrize(
    ("suites", "verdict", "fired_for"),
    [
        ((FAILED_UNIT, PASSED_SEC), Verdict.FIRED, ["unit"]),
        ((CRASHED_UI,), Verdict.FIRED, ["ui"]),
        ((PASSED_UNIT, PASSED_SEC), Verdict.FINE, []),
        ((PASSED_UNIT, NOT_RUN_SEC), Verdict.UNKNOWN, []),  # absent is not fixed
        ((PASSED_UNIT, NO_REPORT_SEC), Verdict.UNKNOWN, []),  # success without a report proves nothing
        ((), Verdict.UNKNOWN, []),
    ],
)
def test_suite_failed(suites: tuple[Suite, ...], verdict: Verdict, fired_for: list[str]) -> None:
    result = run({"type": "suite_failed"}, RunReport(suites=suites))
    assert result.verdict is verdict
    assert [s.name for s in result.suites] == fired_for


def test_suite_failed_judges_each_suite_and_filters_by_kind() -> None:
    report = RunReport(suites=(FAILED_UNIT, PASSED_SEC, NOT_RUN_SEC.model_copy(update={"name": "sec2"})))
    result = run({"type": "suite_failed"}, report)
    assert [(j.suite.name, j.verdict) for j in result.per_suite] == [
        ("unit", Verdict.FIRED),
        ("sec", Verdict.FINE),
        ("sec2", Verdict.UNKNOWN),
    ]
    assert result.facts == ("unit failed: 1 failure in 5 tests",)
    only_security = run(
        {"type": "suite_failed", "kinds": ["security"]}, RunReport(suites=(FAILED_UNIT, PASSED_SEC))
    )
    assert only_security.verdict is Verdict.FINE
    perf = run(
        {"type": "suite_failed", "kinds": ["performance"]}, RunReport(suites=(FAILED_UNIT, PERF_FAILED))
    )
    assert [s.name for s in perf.suites] == ["load"]


@pytest.mark.parametrize(
    ("suites", "verdict", "fired_for"),
    [
        ((ALL_SKIPPED, PASSED_UNIT), Verdict.FIRED, ["it"]),
        ((SKIPPED_SEC,), Verdict.FIRED, ["sec"]),
        ((CRASHED_UI,), Verdict.FIRED, ["ui"]),
        ((NO_REPORT_SEC,), Verdict.FIRED, ["sec"]),
        ((PASSED_UNIT, FAILED_UNIT.model_copy(update={"name": "u2"})), Verdict.FINE, []),
        ((PASSED_UNIT, NOT_RUN_SEC), Verdict.UNKNOWN, []),
    ],
)
def test_suite_skipped_or_missing(suites: tuple[Suite, ...], verdict: Verdict, fired_for: list[str]) -> None:
    result = run({"type": "suite_skipped_or_missing"}, RunReport(suites=suites))
    assert result.verdict is verdict
    assert [s.name for s in result.suites] == fired_for


def test_a_required_suite_that_did_not_run_left_no_report() -> None:
    report = RunReport(suites=(PASSED_UNIT, NOT_RUN_SEC))
    assert run({"type": "suite_skipped_or_missing"}, report).verdict is Verdict.UNKNOWN
    required = run({"type": "suite_without_report"}, report, required_suites=frozenset({"sec"}))
    assert required.verdict is Verdict.FIRED
    assert required.facts == (
        "sec: no result files and no CI step outcome were found, so it did not run this run",
    )


def test_i13_a_required_suite_is_unknown_on_a_run_that_saw_no_suite() -> None:
    """I13: a run that read nothing cannot tell that a required suite is missing."""
    report = RunReport(suites=(NOT_RUN_SEC,))
    required = run({"type": "suite_without_report"}, report, required_suites=frozenset({"sec"}))
    assert required.verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("suites", "verdict"),
    [
        ((CRASHED_UI,), Verdict.FIRED),
        ((NO_REPORT_SEC,), Verdict.FIRED),
        ((SKIPPED_SEC,), Verdict.UNKNOWN),  # a skipped step is judged by suite_skipped_or_missing
        ((PASSED_SEC, FAILED_UNIT), Verdict.FINE),
    ],
)
def test_suite_without_report(suites: tuple[Suite, ...], verdict: Verdict) -> None:
    assert run({"type": "suite_without_report"}, RunReport(suites=suites)).verdict is verdict


def test_findings_at_least_uses_the_min_severity_by_default() -> None:
    result = run({"type": "findings_at_least"}, scanned(LOW, HIGH), min_severity=Severity.LOW)
    assert result.verdict is Verdict.FIRED
    assert [f.rule_id for f in result.findings] == ["B324", "B105"]
    assert result.facts[0] == "2 findings from 1 scanner: Bandit 2 (1 high, 1 low)"
    above_low = run({"type": "findings_at_least"}, scanned(LOW), min_severity=Severity.MEDIUM)
    assert above_low.verdict is Verdict.FINE
    explicit = run({"type": "findings_at_least", "severity": "high"}, scanned(LOW, MEDIUM_SQL, HIGH))
    assert [f.rule_id for f in explicit.findings] == ["B324"]
    assert explicit.facts[0] == "1 finding of high severity or above from 1 scanner: Bandit 1 (1 high)"


def test_findings_at_least_is_fine_only_when_a_scanner_ran() -> None:
    assert run({"type": "findings_at_least"}, scanned()).verdict is Verdict.FINE
    assert run({"type": "findings_at_least"}, RunReport()).verdict is Verdict.UNKNOWN


def test_findings_with_cwe() -> None:
    fired = run({"type": "findings_with_cwe"}, scanned(MEDIUM_SQL, LOW, HIGH))
    assert fired.verdict is Verdict.FIRED
    assert [f.rule_id for f in fired.findings] == ["B324", "B105"]  # CWE-89 is not a data-protection weakness
    assert fired.facts[0].startswith(
        "2 findings with a data-protection weakness (CWE-259, CWE-327): Bandit B324"
    )
    assert run({"type": "findings_with_cwe"}, scanned(MEDIUM_SQL)).verdict is Verdict.FINE
    assert run({"type": "findings_with_cwe", "cwes": [89]}, scanned(MEDIUM_SQL)).verdict is Verdict.FIRED
    below = run({"type": "findings_with_cwe"}, scanned(LOW), min_severity=Severity.MEDIUM)
    assert below.verdict is Verdict.FINE
    assert run({"type": "findings_with_cwe"}, RunReport()).verdict is Verdict.UNKNOWN


def test_no_suite_of_kind() -> None:
    spec = {"type": "no_suite_of_kind", "kind": "performance"}
    result = run(spec, RunReport(suites=(PASSED_UNIT,)))
    assert (result.verdict, result.facts) == (Verdict.FIRED, ("this run has no performance suite",))
    assert run(spec, RunReport(suites=(PERF_FAILED,))).verdict is Verdict.FINE


def test_no_scanner_output() -> None:
    assert run({"type": "no_scanner_output"}, RunReport(suites=(PASSED_UNIT,))).verdict is Verdict.FIRED
    assert run({"type": "no_scanner_output"}, scanned()).verdict is Verdict.FINE


@pytest.mark.parametrize(
    ("spec", "report"),
    [
        ({"type": "no_scanner_output"}, RunReport()),
        ({"type": "no_scanner_output"}, RunReport(suites=(CRASHED_UI,))),  # an outcome shows no files
        ({"type": "no_suite_of_kind", "kind": "performance"}, RunReport()),
        ({"type": "no_suite_of_kind", "kind": "performance"}, RunReport(suites=(NOT_RUN_SEC,))),
        ({"type": "security_framework"}, RunReport()),
        ({"type": "security_framework"}, RunReport(suites=(CRASHED_UI,))),
    ],
)
def test_i13_absence_is_unknown_on_a_run_that_did_not_observe_its_world(
    spec: dict[str, Any], report: RunReport
) -> None:
    """I13: "no scanner", "no suite of a kind" and ENH-001's "no security suite and no scanner" neither fire
    nor turn fine on a run that read nothing of their world."""
    assert run(spec, report).verdict is Verdict.UNKNOWN


def test_i13_a_step_outcome_is_an_observation_of_suites() -> None:
    spec = {"type": "no_suite_of_kind", "kind": "performance"}
    assert run(spec, RunReport(suites=(CRASHED_UI,))).verdict is Verdict.FIRED


def test_workspace_lacks() -> None:
    spec = {
        "type": "workspace_lacks",
        "globs": [".github/workflows/*.yml", "**/prometheus*.yml"],
        "what": "CI",
    }
    bare = Workspace(root=".", paths=("README.md", "src/app.py"))
    result = run(spec, RunReport(), workspace=bare)
    assert result.verdict is Verdict.FIRED
    assert result.facts == (
        "the workspace has no CI: no file matches .github/workflows/*.yml, **/prometheus*.yml",
    )
    with_ci = Workspace(root=".", paths=(".github/workflows/ci.yml",))
    assert run(spec, RunReport(), workspace=with_ci).verdict is Verdict.FINE
    deep = Workspace(root=".", paths=("deploy/monitoring/Prometheus.yml",))
    assert run(spec, RunReport(), workspace=deep).verdict is Verdict.FINE
    assert run(spec, RunReport()).verdict is Verdict.UNKNOWN
    empty = Workspace(root=".", paths=())  # an empty or absent folder is no checkout (I13)
    assert run(spec, RunReport(), workspace=empty).verdict is Verdict.UNKNOWN


def test_coverage_below() -> None:
    spec = {"type": "coverage_below", "line_rate": 0.8}
    low = run(spec, RunReport(coverage=Coverage(line_rate=0.625)))
    assert (low.verdict, low.facts) == (Verdict.FIRED, ("line coverage is 62.5%, below the 80.0% threshold",))
    assert run(spec, RunReport(coverage=Coverage(line_rate=0.8))).verdict is Verdict.FINE
    assert run(spec, RunReport(coverage=Coverage())).verdict is Verdict.UNKNOWN
    assert run(spec, RunReport()).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("report", "verdict"),
    [
        (RunReport(suites=(FAILED_SEC,), scans=(SCAN,)), Verdict.FIRED),
        (RunReport(suites=(NO_REPORT_SEC,), scans=(SCAN,)), Verdict.FIRED),
        (RunReport(suites=(PASSED_SEC,), findings=(HIGH,), scans=(SCAN,)), Verdict.FIRED),
        (RunReport(suites=(PASSED_SEC,), findings=(MEDIUM_SQL,), scans=(SCAN,)), Verdict.FINE),
        (RunReport(suites=(PASSED_SEC,)), Verdict.UNKNOWN),  # no scanner ran
        (RunReport(suites=(SKIPPED_SEC,), scans=(SCAN,)), Verdict.UNKNOWN),
    ],
)
def test_security_program(report: RunReport, verdict: Verdict) -> None:
    assert run({"type": "security_program"}, report).verdict is verdict


@pytest.mark.parametrize(
    ("report", "verdict"),
    [
        (RunReport(suites=(FAILED_SEC,), scans=(SCAN,)), Verdict.FIRED),
        (RunReport(suites=(SKIPPED_SEC,), scans=(SCAN,)), Verdict.FIRED),
        (RunReport(suites=(NO_REPORT_SEC,)), Verdict.FIRED),
        (RunReport(suites=(PASSED_UNIT,)), Verdict.FIRED),  # no security suite and no scanner output at all
        (RunReport(suites=(PASSED_UNIT,), scans=(SCAN,)), Verdict.UNKNOWN),
        (RunReport(suites=(PASSED_SEC,)), Verdict.FINE),
        (RunReport(suites=(NOT_RUN_SEC,), scans=(SCAN,)), Verdict.UNKNOWN),
    ],
)
def test_security_framework(report: RunReport, verdict: Verdict) -> None:
    assert run({"type": "security_framework"}, report).verdict is verdict


def test_any_of_and_all_of_are_three_valued() -> None:
    fires = {"type": "no_scanner_output"}
    fine = {"type": "no_suite_of_kind", "kind": "unit"}
    unknown = {"type": "coverage_below", "line_rate": 0.5}
    report = RunReport(suites=(PASSED_UNIT,))

    def verdict(kind: str, *parts: dict[str, Any]) -> Verdict:
        return run({"type": kind, "triggers": list(parts)}, report).verdict

    assert verdict("any_of", fires, unknown) is Verdict.FIRED
    assert verdict("any_of", fine, unknown) is Verdict.UNKNOWN
    assert verdict("any_of", fine, fine) is Verdict.FINE
    assert verdict("all_of", fires, fires) is Verdict.FIRED
    assert verdict("all_of", fires, unknown) is Verdict.UNKNOWN
    assert verdict("all_of", fine, unknown) is Verdict.FINE
    merged = run({"type": "any_of", "triggers": [fires, fires]}, report)
    assert merged.facts == ("this run has no scanner output (no SARIF or audit JSON)",)


# --- why a trigger fired (Reason), and findings by category ------------------------------------------------

LINT = Finding(
    tool="ESLint",
    rule_id="no-unreachable",
    severity=Severity.HIGH,
    cwe=(561,),
    fingerprint="q",
    category=FindingCategory.QUALITY,
)
LINT_SCAN = Scan(tool="ESLint", file="eslint.sarif", findings=1, categories=(FindingCategory.QUALITY,))


def test_findings_triggers_give_one_reason_per_severity_and_count_their_category_only() -> None:
    report = RunReport(findings=(HIGH, LOW, LINT), scans=(SCAN, LINT_SCAN))
    security = run({"type": "findings_at_least"}, report)
    assert security.reasons == (Reason.FINDING_HIGH, Reason.FINDING_LOW)
    assert [finding.rule_id for finding in security.findings] == ["B324", "B105"]
    quality = run({"type": "findings_at_least", "category": "quality"}, report)
    assert ([f.rule_id for f in quality.findings], quality.reasons) == (
        ["no-unreachable"],
        (Reason.FINDING_HIGH,),
    )
    assert quality.facts[0] == "1 finding of code quality from 1 scanner: ESLint 1 (1 high)"


def test_a_quality_finding_with_a_quality_cwe_is_no_data_protection_finding() -> None:
    report = RunReport(findings=(LINT,), scans=(LINT_SCAN,))
    assert run({"type": "findings_with_cwe", "cwes": [561]}, report).verdict is Verdict.UNKNOWN


def test_a_clean_run_of_one_category_is_fine_for_that_category_only() -> None:
    linter_only = RunReport(scans=(LINT_SCAN.model_copy(update={"findings": 0}),))
    assert run({"type": "findings_at_least", "category": "quality"}, linter_only).verdict is Verdict.FINE
    assert run({"type": "findings_at_least"}, linter_only).verdict is Verdict.UNKNOWN
    audit_only = RunReport(scans=(SCAN,))
    assert run({"type": "findings_at_least", "category": "quality"}, audit_only).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("report", "reasons"),
    [
        (RunReport(suites=(PASSED_UNIT,)), (Reason.NO_SECURITY_TESTING,)),
        (RunReport(suites=(FAILED_SEC,)), (Reason.SUITE_FAILED,)),
        (RunReport(suites=(SKIPPED_SEC,)), (Reason.SUITE_SKIPPED,)),
        (RunReport(suites=(suite("sec", SuiteKind.SECURITY, SuiteStatus.FAILED, report=False,
                                  outcome=StepOutcome.FAILURE),)),
         (Reason.SUITE_FAILED, Reason.SUITE_WITHOUT_REPORT)),
    ],
)  # fmt: skip
def test_security_framework_says_why_it_fired(report: RunReport, reasons: tuple[Reason, ...]) -> None:
    assert run({"type": "security_framework"}, report).reasons == reasons


def test_composites_fire_for_the_reasons_of_their_fired_parts() -> None:
    spec = {
        "type": "any_of",
        "triggers": [{"type": "no_suite_of_kind", "kind": "performance"}, {"type": "suite_failed"}],
    }
    assert run(spec, RunReport(suites=(FAILED_UNIT,))).reasons == (
        Reason.SUITE_FAILED,
        Reason.NO_SUITE_OF_KIND,
    )
    assert run(spec, RunReport(suites=(PASSED_UNIT, PERF_FAILED))).reasons == (Reason.SUITE_FAILED,)


def test_coverage_below_without_a_threshold_never_judges() -> None:
    report = RunReport(coverage=Coverage(line_rate=0.1))
    assert run({"type": "coverage_below"}, report).verdict is Verdict.UNKNOWN
