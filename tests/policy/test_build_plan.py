"""build_plan on the seed scenario and small runs: ids, due dates, order, summary, descriptions, healthy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from policy_seed import SEED_NOW, SEED_SUITES

from issueplan.model import (
    Case,
    CaseOutcome,
    ItemType,
    KnownItem,
    OverallStatus,
    Plan,
    Priority,
    RunReport,
    Scan,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteSpec,
    SuiteStatus,
    Workspace,
)
from issueplan.policy import Config, build_plan, load_config, read_workspace
from issueplan.sources import load_results

# The seed README's table: id, title, priority, type, team, effort, due offset (days), dependencies.
SEED_ITEMS = [
    (
        "BUG-004",
        "Fix: Security Tests Test Failures",
        "critical",
        "security",
        "development_team",
        "1-2 days",
        2,
        [],
    ),
    (
        "BUG-005",
        "Fix: Security Vulnerabilities Detected",
        "critical",
        "security",
        "development_team",
        "1-2 days",
        2,
        [],
    ),
    (
        "SEC-001",
        "Implement Comprehensive Security Testing",
        "critical",
        "security",
        "security_team",
        "1 week",
        3,
        [],
    ),
    (
        "BUG-001",
        "Fix: Unit Tests Test Failures",
        "critical",
        "bug_fix",
        "development_team",
        "2-3 days",
        3,
        [],
    ),
    ("BUG-002", "Fix: Api Tests Test Failures", "critical", "bug_fix", "development_team", "2-3 days", 3, []),
    (
        "BUG-003",
        "Fix: Frontend Tests Test Failures",
        "critical",
        "bug_fix",
        "development_team",
        "2-3 days",
        3,
        [],
    ),
    (
        "ENH-001",
        "Enhance Security Testing Framework",
        "critical",
        "enhancement",
        "development_team",
        "High - Requires security expertise",
        3,
        [],
    ),
    (
        "SEC-002",
        "Enhance Data Protection Measures",
        "high",
        "security",
        "security_team",
        "3 days",
        10,
        [("SEC-001", True)],
    ),
    (
        "ENH-002",
        "Complete Test Automation Coverage",
        "high",
        "enhancement",
        "development_team",
        "High - Requires implementation",
        10,
        [],
    ),
    (
        "INF-002",
        "Implement Production Monitoring",
        "high",
        "infrastructure",
        "devops_team",
        "1 week",
        10,
        [("INF-001", False)],
    ),
    (
        "PERF-002",
        "Implement Load Testing Framework",
        "medium",
        "infrastructure",
        "qa_team",
        "5 days",
        31,
        [("PERF-001", False)],
    ),
]


def rows(plan: Plan) -> list[tuple[object, ...]]:
    return [
        (
            item.id,
            item.title,
            item.priority.value,
            item.type.value,
            item.team,
            item.effort,
            (item.due_date - SEED_NOW).days,
            [(dependency.id, dependency.in_plan) for dependency in item.dependencies],
        )
        for item in plan.items
    ]


def assert_is_the_seed(plan: Plan) -> None:
    assert rows(plan) == SEED_ITEMS
    assert plan.summary.total == 11
    assert plan.summary.by_priority == {
        Priority.CRITICAL: 7,
        Priority.HIGH: 3,
        Priority.MEDIUM: 1,
        Priority.LOW: 0,
    }
    assert plan.summary.estimated_completion == datetime.fromisoformat("2025-09-20T10:05:39.316987Z")
    assert plan.overall_status is OverallStatus.CRITICAL_FAILURE
    for item in plan.items:
        assert "0 failures" not in item.description
        assert "unknown failures" not in item.description
        assert "0 issues" not in item.description


def test_seed_scenario_gives_the_seeds_eleven_items(
    seed_report: RunReport, seed_config: Config, seed_workspace: Workspace
) -> None:
    plan = build_plan(seed_report, seed_config, now=SEED_NOW, workspace=seed_workspace)
    assert_is_the_seed(plan)


def test_seed_scenario_through_the_loader(seed_dir: Path) -> None:
    scenario = seed_dir / "scenario"
    outcomes = {
        name: StepOutcome(value)
        for name, value in json.loads((scenario / "outcomes.json").read_text()).items()
    }
    config = load_config(None).model_copy(
        update={"suites": tuple(SuiteSpec(name=name) for name in SEED_SUITES)}
    )
    report = load_results(
        [str(scenario / "ci-results")], outcomes=outcomes, suites=config.suites, workspace=scenario
    )
    plan = build_plan(report, config, now=SEED_NOW, workspace=read_workspace(scenario / "workspace"))
    assert_is_the_seed(plan)
    assert plan.healthy == ("rule/INF-001",)


def by_id(plan: Plan) -> dict[str, str]:
    return {item.id: item.description for item in plan.items}


def test_descriptions_state_what_happened(
    seed_report: RunReport, seed_config: Config, seed_workspace: Workspace
) -> None:
    descriptions = by_id(build_plan(seed_report, seed_config, now=SEED_NOW, workspace=seed_workspace))
    assert descriptions["BUG-004"].startswith(
        "security_tests failed: 1 error in 1 test (tests.security.test_authz: collection failure)"
    )
    assert descriptions["BUG-001"].startswith(
        "unit_tests failed: 3 failures, 1 error in 128 tests, 4 skipped"
    )
    assert "tests.unit.test_auth.test_token_refresh: 401 Client Error" in descriptions["BUG-001"]
    assert descriptions["BUG-003"].startswith(
        "frontend_tests: the CI step failed before writing a test report, so which tests fail is unknown.\n\n"
        "The frontend_tests suite fails in CI"
    )
    assert descriptions["BUG-005"].startswith(
        "5 findings from 2 scanners: Bandit 3 (1 high, 1 medium, 1 low), pip-audit 2 (2 medium)"
    )
    assert "integration_tests: all 8 tests were skipped: requires STRIPE_KEY" in descriptions["ENH-002"]
    assert "frontend_tests: the CI step failed before writing" in descriptions["ENH-002"]
    assert "(CWE-259, CWE-327)" in descriptions["SEC-002"]
    assert "no monitoring configuration" in descriptions["INF-002"]


def test_steps_and_criteria_name_each_suite(seed_report: RunReport, seed_config: Config) -> None:
    items = {item.id: item for item in build_plan(seed_report, seed_config, now=SEED_NOW).items}
    assert items["BUG-003"].steps[0] == "Run the frontend_tests suite locally, as CI runs it"
    assert (
        items["BUG-001"].steps[-1]
        == "Fix the code, or the test where the test is wrong, and run unit_tests again"
    )
    assert "Treat each failure as a possible vulnerability" in items["BUG-004"].steps[1]
    assert items["BUG-002"].acceptance_criteria[0] == "api_tests passes in CI"
    assert items["SEC-001"].steps[0] == "Set up automated security scanning"
    assert items["BUG-005"].steps[-1] == "Run the scanners again"
    # Each rule its own criteria: no generic performance criterion outside performance items.
    for item in items.values():
        if not item.id.startswith("PERF"):
            assert not any("Performance impact" in text for text in item.acceptance_criteria), item.id


def test_evidence_carries_suites_and_sorted_findings(seed_report: RunReport, seed_config: Config) -> None:
    items = {item.id: item for item in build_plan(seed_report, seed_config, now=SEED_NOW).items}
    unit = items["BUG-001"].evidence.suites[0]
    assert [case.name for case in unit.cases] == [
        "test_token_refresh",
        "test_invoice_total_rounding",
        "test_refund_requires_approval",
        "test_upload_large_file",
        *(f"test_legacy_{i}" for i in range(4)),
    ]
    findings = items["BUG-005"].evidence.findings
    assert [finding.rule_id for finding in findings] == [
        "B324",
        "B608",
        "PYSEC-2018-28",
        "PYSEC-2019-217",
        "B105",
    ]
    assert items["SEC-001"].evidence.suites[0].name == "security_tests"
    assert [finding.rule_id for finding in items["SEC-001"].evidence.findings] == ["B324"]


def test_evidence_lists_at_most_ten_cases_failing_first() -> None:
    cases = (
        *(Case(name=f"skip_{i:02d}", outcome=CaseOutcome.SKIPPED) for i in range(20)),
        Case(name="zz_broken", outcome=CaseOutcome.FAILED, message="boom"),
    )
    suite = Suite(
        name="unit",
        kind=SuiteKind.UNIT,
        status=SuiteStatus.FAILED,
        has_report=True,
        tests=21,
        failures=1,
        skipped=20,
        cases=cases,
    )
    plan = build_plan(RunReport(suites=(suite,)), load_config(None), now=SEED_NOW)
    shown = plan.items[0].evidence.suites[0].cases
    assert len(shown) == 10
    assert shown[0].name == "zz_broken"


# --- stable identity (DESIGN decisions 1 and 3) -------------------------------------------------------------


def known_from(plan: Plan) -> dict[str, KnownItem]:
    return {item.key: KnownItem(id=item.id, first_seen=item.first_seen) for item in plan.items}


def test_same_failure_later_keeps_key_id_and_due_date(seed_report: RunReport, seed_config: Config) -> None:
    """S2: another line, duration or file order next run: same keys, same ids, deadlines do not slide."""
    first = build_plan(seed_report, seed_config, now=SEED_NOW)
    unit = seed_report.suites[0]
    moved = unit.model_copy(
        update={
            "duration": 99.0,
            "cases": tuple(case.model_copy(update={"line": 999}) for case in reversed(unit.cases)),
        }
    )
    later_report = seed_report.model_copy(update={"suites": (moved, *seed_report.suites[1:])})
    later = build_plan(later_report, seed_config, now=SEED_NOW + timedelta(days=5), known=known_from(first))
    assert [(i.key, i.id, i.due_date) for i in later.items] == [
        (i.key, i.id, i.due_date) for i in first.items
    ]


def test_a_new_failing_suite_takes_the_next_number_never_a_closed_one(
    seed_report: RunReport, seed_config: Config
) -> None:
    first = build_plan(seed_report, seed_config, now=SEED_NOW)
    known = known_from(first)
    # BUG-006 belonged to a suite that was fixed and closed; closed issues are read, so it stays in `known`.
    known["suite-failed/old_tests"] = KnownItem(id="BUG-006", first_seen=SEED_NOW - timedelta(days=30))
    e2e = Suite(
        name="e2e_tests",
        kind=SuiteKind.FRONTEND,
        status=SuiteStatus.FAILED,
        has_report=True,
        tests=3,
        failures=1,
    )
    later_report = seed_report.model_copy(update={"suites": (*seed_report.suites, e2e)})
    later_now = SEED_NOW + timedelta(days=1)
    later = build_plan(later_report, seed_config, now=later_now, known=known)
    new = next(item for item in later.items if item.key == "suite-failed/e2e_tests")
    assert new.id == "BUG-007"
    assert new.first_seen == later_now
    assert new.due_date == later_now + timedelta(days=3)
    assert {item.id for item in later.items} >= {"BUG-001", "BUG-002", "BUG-003", "BUG-004", "BUG-005"}


def test_a_known_item_keeps_its_id_whatever_the_suite_order(
    seed_report: RunReport, seed_config: Config
) -> None:
    known = {"suite-failed/api_tests": KnownItem(id="BUG-042", first_seen=SEED_NOW - timedelta(days=1))}
    plan = build_plan(seed_report, seed_config, now=SEED_NOW, known=known)
    ids = {item.key: item.id for item in plan.items}
    assert ids["suite-failed/api_tests"] == "BUG-042"
    # New keys are numbered above every known number, in report order, then the findings item.
    assert [ids[f"suite-failed/{name}"] for name in ("unit_tests", "frontend_tests", "security_tests")] == [
        "BUG-043",
        "BUG-044",
        "BUG-045",
    ]
    assert ids["findings/security"] == "BUG-046"
    api = next(item for item in plan.items if item.id == "BUG-042")
    assert api.due_date == SEED_NOW + timedelta(days=2)


# --- healthy: absent is not fixed (DESIGN decision 4) -------------------------------------------------------


def passing(name: str, kind: SuiteKind) -> Suite:
    return Suite(
        name=name,
        kind=kind,
        status=SuiteStatus.PASSED,
        has_report=True,
        outcome=StepOutcome.SUCCESS,
        tests=10,
    )


def test_a_clean_run_is_healthy_and_says_which_keys_were_observed() -> None:
    report = RunReport(
        suites=(
            passing("unit_tests", SuiteKind.UNIT),
            passing("security_tests", SuiteKind.SECURITY),
            passing("load_tests", SuiteKind.PERFORMANCE),
        ),
        scans=(Scan(tool="Bandit", file="bandit.sarif", findings=0),),
    )
    workspace = Workspace(root=".", paths=(".github/workflows/ci.yml", "deploy/prometheus.yml"))
    plan = build_plan(report, load_config(None), now=SEED_NOW, workspace=workspace)
    assert plan.items == ()
    assert plan.overall_status is OverallStatus.HEALTHY
    assert plan.summary.by_priority == dict.fromkeys(Priority, 0)
    assert plan.summary.estimated_completion is None
    assert plan.healthy == (
        "findings/security",
        "rule/ENH-001",
        "rule/ENH-002",
        "rule/INF-001",
        "rule/INF-002",
        "rule/PERF-001",
        "rule/PERF-002",
        "rule/SEC-001",
        "rule/SEC-002",
        "suite-failed/load_tests",
        "suite-failed/security_tests",
        "suite-failed/unit_tests",
    )


def test_a_suite_that_did_not_run_makes_nothing_healthy() -> None:
    """S10: a declared suite without results or outcome: its key, and anything judging it, stays unhealthy."""
    report = RunReport(
        suites=(
            passing("unit_tests", SuiteKind.UNIT),
            Suite(
                name="security_tests", kind=SuiteKind.SECURITY, status=SuiteStatus.SKIPPED, has_report=False
            ),
        )
    )
    plan = build_plan(report, load_config(None), now=SEED_NOW)
    assert "suite-failed/unit_tests" in plan.healthy
    assert "suite-failed/security_tests" not in plan.healthy
    assert "rule/SEC-001" not in plan.healthy
    assert "rule/ENH-002" not in plan.healthy
    assert "findings/security" not in plan.healthy  # no scanner ran: its findings are unknown, not fixed
    assert "rule/INF-002" not in plan.healthy  # no workspace read
    assert {item.id for item in plan.items} == set()


def test_a_required_suite_that_did_not_run_counts_as_missing() -> None:
    report = RunReport(
        suites=(
            Suite(name="unit", kind=SuiteKind.UNIT, status=SuiteStatus.PASSED, has_report=True, tests=1),
            Suite(
                name="security_tests", kind=SuiteKind.SECURITY, status=SuiteStatus.SKIPPED, has_report=False
            ),
        )
    )
    config = load_config(None).model_copy(
        update={"suites": (SuiteSpec(name="security_tests", required=True),)}
    )
    plan = build_plan(report, config, now=SEED_NOW)
    assert {item.id for item in plan.items} == {"SEC-001", "ENH-001", "ENH-002"}
    sec = next(item for item in plan.items if item.id == "SEC-001")
    assert "no result files and no CI step outcome" in sec.description


# --- config effects -----------------------------------------------------------------------------------------


def test_a_declared_suite_team_owns_its_items(seed_report: RunReport, seed_config: Config) -> None:
    suites = tuple(
        SuiteSpec(name=name, team="web_team" if name == "frontend_tests" else None) for name in SEED_SUITES
    )
    plan = build_plan(seed_report, seed_config.model_copy(update={"suites": suites}), now=SEED_NOW)
    teams = {item.id: item.team for item in plan.items}
    assert teams["BUG-003"] == "web_team"
    assert teams["BUG-001"] == "development_team"


def test_a_disabled_rule_leaves_its_dependants_pointing_outside_the_plan(
    seed_report: RunReport, seed_config: Config
) -> None:
    rules = tuple(
        rule.model_copy(update={"enabled": rule.id != "security-program"}) for rule in seed_config.rules
    )
    plan = build_plan(seed_report, seed_config.model_copy(update={"rules": rules}), now=SEED_NOW)
    sec002 = next(item for item in plan.items if item.id == "SEC-002")
    assert [(d.id, d.in_plan) for d in sec002.dependencies] == [("SEC-001", False)]
    assert "rule/SEC-001" not in plan.healthy


@pytest.mark.parametrize(
    ("priorities", "status"),
    [
        ({"high"}, OverallStatus.FAILING),
        ({"medium", "low"}, OverallStatus.DEGRADED),
        ({"low"}, OverallStatus.DEGRADED),
    ],
)
def test_overall_status_follows_the_most_urgent_item(priorities: set[str], status: OverallStatus) -> None:
    report = RunReport(
        suites=tuple(
            Suite(
                name=f"{p}_suite",
                kind=SuiteKind.OTHER,
                status=SuiteStatus.FAILED,
                has_report=True,
                failures=1,
                tests=1,
            )
            for p in sorted(priorities)
        )
    )
    rule = load_config(None).rules[0]
    rules = tuple(
        rule.model_copy(update={"id": f"{p}-failed", "priority": Priority(p), "by_kind": {}})
        for p in sorted(priorities)
    )
    config = Config(extends="none", rules=rules)
    plan = build_plan(report, config, now=SEED_NOW)
    assert plan.overall_status is status
    assert {item.type for item in plan.items} == {ItemType.BUG_FIX}
    low_days = {item.priority: (item.due_date - SEED_NOW).days for item in plan.items}
    assert all(days == 3 for days in low_days.values())  # the rule's own offset wins over the SLA


def test_the_sla_applies_when_a_rule_sets_no_offset() -> None:
    scans = (Scan(tool="Bandit", file="bandit.sarif", findings=0),)
    report = RunReport(suites=(passing("unit_tests", SuiteKind.UNIT),), scans=scans)
    config = load_config(None)
    plan = build_plan(report, config, now=SEED_NOW)  # no workspace: INF/PERF unknown; nothing fires
    assert plan.items == ()
    sla = config.sla.model_copy(update={"by_type": {ItemType.INFRASTRUCTURE: {Priority.HIGH: 5}}})
    workspace = Workspace(root=".", paths=("README.md",))
    plan = build_plan(report, config.model_copy(update={"sla": sla}), now=SEED_NOW, workspace=workspace)
    due = {item.id: (item.due_date - SEED_NOW).days for item in plan.items}
    assert due["INF-001"] == 5
    assert due["INF-002"] == 5
    assert due["PERF-002"] == 31


def test_now_must_carry_a_time_zone(seed_report: RunReport, seed_config: Config) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_plan(seed_report, seed_config, now=datetime(2025, 8, 20))  # noqa: DTZ001 - the point of the test
    plan = build_plan(seed_report, seed_config, now=datetime(2025, 8, 20, tzinfo=UTC), scope="nightly")
    assert plan.scope == "nightly"
