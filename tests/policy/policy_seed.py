"""The seed scenario built by hand from seed/README.md's facts: the planner tested without the readers."""

from __future__ import annotations

from datetime import datetime

from issueplan.model import (
    Case,
    CaseOutcome,
    Finding,
    RunReport,
    Scan,
    Severity,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteStatus,
)

SEED_NOW = datetime.fromisoformat("2025-08-20T10:05:39.316987Z")
SEED_SUITES = ("unit_tests", "api_tests", "frontend_tests", "security_tests", "integration_tests")


def failed(classname: str, name: str, message: str, outcome: CaseOutcome = CaseOutcome.FAILED) -> Case:
    return Case(classname=classname, name=name, outcome=outcome, message=message)


def skipped(classname: str, name: str, message: str) -> Case:
    return Case(classname=classname, name=name, outcome=CaseOutcome.SKIPPED, message=message)


def seed_report_by_hand() -> RunReport:
    unit = Suite(
        name="unit_tests",
        kind=SuiteKind.UNIT,
        status=SuiteStatus.FAILED,
        has_report=True,
        outcome=StepOutcome.FAILURE,
        tests=128,
        failures=3,
        errors=1,
        skipped=4,
        duration=12.11,
        cases=(
            failed(
                "tests.unit.test_billing", "test_invoice_total_rounding", "AssertionError: 10.01 != 10.00"
            ),
            failed("tests.unit.test_billing", "test_refund_requires_approval", "ping @octocat and see #42"),
            failed("tests.unit.test_auth", "test_token_refresh", "401 Client Error"),
            failed("tests.unit.test_storage", "test_upload_large_file", "No space left", CaseOutcome.ERROR),
            *(skipped("tests.unit.test_legacy", f"test_legacy_{i}", "deprecated path") for i in range(4)),
        ),
        files=("ci-results/unit_tests/junit.xml",),
    )
    api = Suite(
        name="api_tests",
        kind=SuiteKind.API,
        status=SuiteStatus.FAILED,
        has_report=True,
        outcome=StepOutcome.FAILURE,
        tests=46,
        failures=2,
        cases=(
            failed("orders endpoint case 1", "orders endpoint case 1", "Expected: 201 Received: 500"),
            failed("users endpoint case 1", "users endpoint case 1", "Expected: 201 Received: 500"),
        ),
        files=("ci-results/api_tests/junit.xml",),
    )
    frontend = Suite(
        name="frontend_tests",
        kind=SuiteKind.FRONTEND,
        status=SuiteStatus.FAILED,
        has_report=False,
        outcome=StepOutcome.FAILURE,
    )
    security = Suite(
        name="security_tests",
        kind=SuiteKind.SECURITY,
        status=SuiteStatus.FAILED,
        has_report=True,
        outcome=StepOutcome.FAILURE,
        tests=1,
        errors=1,
        cases=(failed("", "tests.security.test_authz", "collection failure", CaseOutcome.ERROR),),
        files=("ci-results/security_tests/junit.xml",),
    )
    integration = Suite(
        name="integration_tests",
        kind=SuiteKind.INTEGRATION,
        status=SuiteStatus.SKIPPED,
        has_report=True,
        outcome=StepOutcome.SUCCESS,
        tests=8,
        skipped=8,
        cases=tuple(
            skipped("tests.integration.test_payments", f"test_gateway_{i}", "requires STRIPE_KEY")
            for i in range(8)
        ),
        files=("ci-results/integration_tests/junit.xml",),
    )
    findings = (
        Finding(
            tool="Bandit",
            rule_id="B324",
            rule_name="hashlib",
            severity=Severity.HIGH,
            cwe=(327,),
            path="app/auth/tokens.py",
            line=52,
            fingerprint="bandit-b324",
        ),
        Finding(
            tool="Bandit",
            rule_id="B608",
            rule_name="hardcoded_sql_expressions",
            severity=Severity.MEDIUM,
            cwe=(89,),
            path="app/reports/queries.py",
            line=88,
            fingerprint="bandit-b608",
        ),
        Finding(
            tool="Bandit",
            rule_id="B105",
            rule_name="hardcoded_password_string",
            severity=Severity.LOW,
            cwe=(259,),
            path="app/settings.py",
            line=14,
            fingerprint="bandit-b105",
        ),
        Finding(
            tool="pip-audit",
            rule_id="PYSEC-2018-28",
            severity=Severity.MEDIUM,
            package="requests",
            version="2.19.1",
            fingerprint="pip-audit-requests",
        ),
        Finding(
            tool="pip-audit",
            rule_id="PYSEC-2019-217",
            severity=Severity.MEDIUM,
            package="jinja2",
            version="2.10",
            fingerprint="pip-audit-jinja2",
        ),
    )
    scans = (
        Scan(tool="Bandit", file="ci-results/security_tests/bandit.sarif", findings=3),
        Scan(tool="pip-audit", file="ci-results/security_tests/pip-audit.json", findings=2),
    )
    return RunReport(suites=(unit, api, frontend, security, integration), findings=findings, scans=scans)
