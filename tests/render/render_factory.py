"""Hand-built plans for the renderer tests: the planner is written elsewhere; these are the values it makes.

Imported by the test modules of this folder (pytest puts the folder on sys.path: it has no __init__.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from issueplan.model import (
    ActionItem,
    Case,
    CaseOutcome,
    Dependency,
    Evidence,
    Finding,
    ItemType,
    OverallStatus,
    Plan,
    PlanSummary,
    Priority,
    Problem,
    Severity,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteStatus,
)
from issueplan.render.clean import clean_model

CLOCK = datetime(2025, 8, 20, 10, 5, 39, 316987, tzinfo=UTC)
RUN_TOKEN = "ghs_RunOwnTokenRunOwnTokenRunOwnToken0001"
HOSTILE_MESSAGE = (
    "AssertionError: refund approved without reviewer; ping @octocat and @acme/security, see #42, GH-7, "
    "acme/app#9 and acme/app@0123456abc, https://github.com/acme/app/issues/3\n"
    "<img src=x onerror=alert(1)> [click](https://evil.example) ![pix](https://evil.example/p.png)\n"
    '<!-- issueplan {"v":1,"key":"forged","id":"BUG-999","scope":"default",'
    '"first_seen":"2020-01-01T00:00:00Z"} -->\n'
    "```\n</code></pre><!-- issueplan:end -->\n"
    "E   request headers: {'Authorization': 'token ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw'}"
)


def make_case(name: str = "test_refund_requires_approval", **changes: Any) -> Case:
    values: dict[str, Any] = {
        "classname": "tests.unit.test_billing",
        "name": name,
        "file": "tests/unit/test_billing.py",
        "line": 42,
        "outcome": CaseOutcome.FAILED,
        "message": HOSTILE_MESSAGE,
        "type": "AssertionError",
        "trace": 'Traceback (most recent call last):\n  File "tests/unit/test_billing.py", line 42\n',
    }
    return Case(**(values | changes))


def make_suite(name: str = "unit_tests", cases: tuple[Case, ...] | None = None, **changes: Any) -> Suite:
    cases = (make_case(),) if cases is None else cases
    values: dict[str, Any] = {
        "name": name,
        "kind": SuiteKind.UNIT,
        "status": SuiteStatus.FAILED,
        "has_report": True,
        "outcome": StepOutcome.FAILURE,
        "tests": 128,
        "failures": 3,
        "errors": 1,
        "skipped": 4,
        "cases": cases,
        "files": (f"ci-results/{name}/junit.xml",),
    }
    return Suite(**(values | changes))


def make_finding(rule_id: str = "B324", **changes: Any) -> Finding:
    values: dict[str, Any] = {
        "tool": "Bandit",
        "rule_id": rule_id,
        "rule_name": "hashlib",
        "severity": Severity.HIGH,
        "cwe": (327,),
        "message": "Use of weak MD5 hash for security.",
        "path": "app/crypto.py",
        "line": 12,
        "fingerprint": f"fp-{rule_id}",
    }
    return Finding(**(values | changes))


def make_item(item_id: str = "BUG-001", **changes: Any) -> ActionItem:
    """An item as the renderers receive it: built from a report the clean pass (render/clean.py) cleaned of
    the run's token and every known secret pattern, its texts left whole."""
    values: dict[str, Any] = {
        "id": item_id,
        "key": "suite-failed/unit_tests",
        "rule": "suite-failed",
        "title": "Fix: Unit Tests Test Failures",
        "description": "Test suite unit_tests failed: 3 failures and 1 error in 128 tests (step: failure).",
        "type": ItemType.BUG_FIX,
        "priority": Priority.CRITICAL,
        "team": "development_team",
        "effort": "2-3 days",
        "first_seen": CLOCK,
        "due_date": CLOCK + timedelta(days=3),
        "dependencies": (Dependency(id="SEC-001", in_plan=True), Dependency(id="INF-001", in_plan=False)),
        "steps": ("Run unit_tests test suite", "Review test logs and fix failing test cases"),
        "acceptance_criteria": ("Test suite unit_tests passes", "Code review completed"),
        "evidence": Evidence(
            suites=(make_suite(),),
            facts=("unit_tests: 3 failures, 1 error in 128 tests",),
        ),
    }
    return clean_model(ActionItem(**(values | changes)), [RUN_TOKEN], cut=False)


def make_plan() -> Plan:
    """A small plan in the seed's shape: critical, high and medium items, one dependency outside the plan."""
    security = make_item(
        "SEC-001",
        key="rule/SEC-001",
        rule="security-program",
        title="Implement Comprehensive Security Testing",
        description="Establish robust security testing and vulnerability management.",
        type=ItemType.SECURITY,
        team="security_team",
        effort="1 week",
        dependencies=(),
        steps=("Set up automated security scanning",),
        acceptance_criteria=("No high-severity vulnerabilities detected",),
        evidence=Evidence(
            findings=(
                make_finding(),
                make_finding("B105", severity=Severity.LOW, cwe=(259,), line=3, rule_name=None),
                make_finding(
                    "PYSEC-2018-28",
                    tool="pip-audit",
                    rule_name=None,
                    severity=Severity.MEDIUM,
                    cwe=(),
                    path=None,
                    line=None,
                    package="requests",
                    version="2.19.1",
                    fixed_versions=("2.20.0",),
                ),
            ),
        ),
    )
    data = make_item(
        "SEC-002",
        key="rule/SEC-002",
        rule="data-protection",
        title="Enhance Data Protection Measures",
        description="Implement comprehensive data protection and privacy controls.",
        type=ItemType.SECURITY,
        priority=Priority.HIGH,
        team="security_team",
        effort="3 days",
        due_date=CLOCK + timedelta(days=10),
        dependencies=(Dependency(id="SEC-001", in_plan=True),),
        evidence=Evidence(facts=("Bandit reports CWE-259 and CWE-327",)),
    )
    load = make_item(
        "PERF-002",
        key="rule/PERF-002",
        rule="load-testing",
        title="Implement Load Testing Framework",
        description="Create comprehensive load testing to validate scalability.",
        type=ItemType.INFRASTRUCTURE,
        priority=Priority.MEDIUM,
        team="qa_team",
        effort="5 days",
        due_date=CLOCK + timedelta(days=31),
        dependencies=(Dependency(id="PERF-001", in_plan=False),),
        evidence=Evidence(facts=("no performance suite and no load-test script in the workspace",)),
    )
    items = (security, make_item(), data, load)
    return Plan(
        generated_at=CLOCK,
        overall_status=OverallStatus.CRITICAL_FAILURE,
        summary=PlanSummary(
            total=4,
            by_priority={Priority.CRITICAL: 2, Priority.HIGH: 1, Priority.MEDIUM: 1},
            estimated_completion=CLOCK + timedelta(days=31),
        ),
        items=items,
        healthy=("suite-failed/api_tests",),
        problems=(Problem(file="ci-results/broken.xml", line=3, message="not well-formed (invalid token)"),),
    )
