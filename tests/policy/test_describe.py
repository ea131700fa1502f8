"""Descriptions say what happened, with no misleading zero, and say plainly what is unknown and why."""

from __future__ import annotations

from typing import Any

import pytest

from issueplan.model import Case, CaseOutcome, Finding, Severity, StepOutcome, Suite, SuiteKind, SuiteStatus
from issueplan.policy.describe import (
    describe_findings,
    describe_suite,
    finding_label,
    list_findings,
    suite_title,
)


def suite(status: SuiteStatus, *, report: bool = True, **fields: Any) -> Suite:
    return Suite(name="web_tests", kind=SuiteKind.FRONTEND, status=status, has_report=report, **fields)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            suite(
                SuiteStatus.FAILED,
                tests=1,
                errors=1,
                cases=(Case(name="t.test_a", outcome=CaseOutcome.ERROR, message="collection failure\nmore"),),
            ),
            "web_tests failed: 1 error in 1 test (t.test_a: collection failure)",
        ),
        (
            suite(
                SuiteStatus.FAILED,
                tests=9,
                failures=5,
                skipped=1,
                flaky=2,
                cases=tuple(Case(name=f"c{i}", outcome=CaseOutcome.FAILED, message="x") for i in range(5)),
            ),
            "web_tests failed: 5 failures in 9 tests, 1 skipped, 2 flaky (c0: x; c1: x; c2: x; and 2 more)",
        ),
        (
            suite(SuiteStatus.FAILED, tests=4, outcome=StepOutcome.FAILURE),
            (
                "web_tests: the CI step failed although its test report shows no failing test (4 tests), "
                "so the cause lies outside the reported tests"
            ),
        ),
        (
            suite(SuiteStatus.FAILED, report=False, outcome=StepOutcome.CANCELLED),
            (
                "web_tests: the CI step was cancelled before writing a test report, "
                "so which tests fail is unknown"
            ),
        ),
        (
            suite(SuiteStatus.PASSED, report=False, outcome=StepOutcome.SUCCESS),
            "web_tests: the CI step succeeded but wrote no test report, so whether its tests pass is unknown",
        ),
        (
            suite(SuiteStatus.SKIPPED, report=False, outcome=StepOutcome.SKIPPED),
            "web_tests: the CI step was skipped, so its tests did not run",
        ),
        (
            suite(
                SuiteStatus.SKIPPED,
                tests=2,
                skipped=2,
                cases=(
                    Case(name="a", outcome=CaseOutcome.SKIPPED, message="needs a browser"),
                    Case(name="b", outcome=CaseOutcome.SKIPPED, message="needs a browser"),
                ),
            ),
            "web_tests: all 2 tests were skipped: needs a browser",
        ),
        (suite(SuiteStatus.PASSED, tests=3, flaky=1), "web_tests passed: 3 tests, 1 flaky"),
    ],
)
def test_describe_suite(value: Suite, expected: str) -> None:
    assert describe_suite(value) == expected
    assert "0 failures" not in describe_suite(value)


def test_findings_are_counted_per_scanner_and_severity() -> None:
    findings = (
        Finding(
            tool="pip-audit",
            rule_id="PYSEC-1",
            severity=Severity.MEDIUM,
            package="requests",
            version="2.19.1",
            fingerprint="p",
        ),
        Finding(
            tool="Bandit",
            rule_id="B324",
            rule_name="hashlib",
            severity=Severity.HIGH,
            cwe=(327,),
            path="app/x.py",
            line=12,
            fingerprint="b",
        ),
    )
    assert (
        describe_findings(findings) == "2 findings from 2 scanners: Bandit 1 (1 high), pip-audit 1 (1 medium)"
    )
    assert finding_label(findings[0]) == "pip-audit PYSEC-1 (medium) in requests 2.19.1"
    assert finding_label(findings[1]) == "Bandit B324 hashlib (high, CWE-327) at app/x.py:12"
    assert list_findings(findings).startswith("Bandit B324")


def test_suite_titles_follow_the_seed() -> None:
    assert suite_title("api_tests") == "Api Tests"
    assert suite_title("e2e-browser_tests") == "E2e Browser Tests"
