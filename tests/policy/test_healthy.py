"""What a run observed of the keys it found healthy, in words (policy/healthy.py): the facts the comment
closing an issue states, keyed as `healthy` is, and never an item's key."""

from __future__ import annotations

from datetime import UTC, datetime

from issueplan.model import (
    Case,
    CaseOutcome,
    FindingCategory,
    HealthyFact,
    KnownItem,
    RunReport,
    Scan,
    Suite,
    SuiteKind,
    SuiteStatus,
)
from issueplan.policy import build_plan, load_config
from issueplan.policy.healthy import suite_outcome

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def passing(name: str, kind: SuiteKind, *, tests: int = 128, skipped: int = 0) -> Suite:
    return Suite(
        name=name, kind=kind, status=SuiteStatus.PASSED, has_report=True, tests=tests, skipped=skipped
    )


def test_each_healthy_key_says_what_its_suite_or_scanner_showed() -> None:
    known = {
        key: KnownItem(id=f"BUG-00{n}", first_seen=NOW)
        for n, key in enumerate(
            ["suite-failed/unit_tests", "findings/security", "flaky/unit_tests/app.CartTest.total"], 1
        )
    }
    report = RunReport(
        suites=(passing("unit_tests", SuiteKind.UNIT), passing("security_tests", SuiteKind.SECURITY)),
        scans=(
            Scan(tool="Bandit", file="bandit.sarif", findings=0),
            Scan(tool="ESLint", file="eslint.sarif", findings=0, categories=(FindingCategory.QUALITY,)),
        ),
    )

    plan = build_plan(report, load_config(None), now=NOW, known=known)

    facts = plan.healthy_facts
    assert set(facts) <= set(plan.healthy)
    assert facts["suite-failed/unit_tests"] == (
        HealthyFact(subjects=("unit_tests",), outcome="all 128 tests passed"),
    )
    assert facts["findings/security"] == (
        HealthyFact(subjects=("Bandit",), outcome="none of this issue's findings is reported any more"),
    ), "a linter's clean run says nothing of security findings"
    assert facts["flaky/unit_tests/app.CartTest.total"] == (
        HealthyFact(subjects=("unit_tests",), outcome="app.CartTest.total neither failed nor was run again"),
    )
    words = " ".join(f"{fact.verb} {fact.outcome}" for each in facts.values() for fact in each)
    assert "suite-failed/" not in words
    assert "findings/" not in words


def test_a_suite_with_skipped_or_rerun_tests_says_so() -> None:
    assert (
        suite_outcome(passing("u", SuiteKind.UNIT, tests=10, skipped=2)) == "8 of 10 tests passed, 2 skipped"
    )
    assert suite_outcome(passing("u", SuiteKind.UNIT, tests=1)) == "its 1 test passed"
    rerun = passing("u", SuiteKind.UNIT, tests=3).model_copy(
        update={"flaky": 1, "cases": (Case(classname="a", name="b", outcome=CaseOutcome.FLAKY),)}
    )
    assert suite_outcome(rerun) == "2 of 3 tests passed, 1 passed when run again"
