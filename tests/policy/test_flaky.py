"""The flaky-tests rule: one item per flaky test, one per suite with many, none from an infrastructure
failure, and fine only for flaky keys the tracker knows and the run shows clean."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from issueplan.errors import ConfigError
from issueplan.model import (
    ActionItem,
    Case,
    CaseOutcome,
    KnownItem,
    Plan,
    Priority,
    RunReport,
    Suite,
    SuiteKind,
    SuiteStatus,
)
from issueplan.policy import build_plan, load_config
from issueplan.policy.config import config_from_mapping

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def flaky(name: str, classname: str = "app.PaymentTest", message: str = "expected 200 but was 503") -> Case:
    return Case(classname=classname, name=name, outcome=CaseOutcome.FLAKY, message=message, file="Pay.java")


def failed(name: str, classname: str = "app.PaymentTest") -> Case:
    return Case(classname=classname, name=name, outcome=CaseOutcome.FAILED, message="boom")


def suite(
    cases: tuple[Case, ...], *, tests: int = 40, name: str = "unit_tests", has_report: bool = True
) -> Suite:
    failures = sum(case.outcome is CaseOutcome.FAILED for case in cases)
    return Suite(
        name=name,
        kind=SuiteKind.UNIT,
        status=SuiteStatus.FAILED if failures else SuiteStatus.PASSED,
        has_report=has_report,
        tests=tests,
        failures=failures,
        flaky=sum(case.outcome is CaseOutcome.FLAKY for case in cases),
        cases=cases,
    )


def flaky_items(
    report: RunReport, known: dict[str, KnownItem] | None = None, **config: object
) -> tuple[list[ActionItem], Plan]:
    policy = load_config(None)
    if config:
        policy = config_from_mapping(config, source="issueplan.yml")
    plan = build_plan(report, policy, now=NOW, known=known or {})
    return [item for item in plan.items if item.rule == "flaky-tests"], plan


def test_one_flaky_test_is_one_medium_bug_fix_item_keyed_by_suite_and_test() -> None:
    items, _ = flaky_items(RunReport(suites=(suite((flaky("chargesCard"),)),)))
    assert [(item.key, item.id, item.title) for item in items] == [
        ("flaky/unit_tests/app.PaymentTest.chargesCard", "FLAKY-001", "Flaky: `app.PaymentTest.chargesCard`")
    ]
    item = items[0]
    assert item.type.value == "bug_fix"
    assert item.priority is Priority.MEDIUM
    assert "expected 200 but was 503" in item.description
    assert [case.name for case in item.evidence.suites[0].cases] == ["chargesCard"]


def test_the_flaky_priority_is_configurable() -> None:
    report = RunReport(suites=(suite((flaky("chargesCard"),)),))
    items, _ = flaky_items(report, rules=[{"id": "flaky-tests", "priority": "high"}])
    assert [item.priority for item in items] == [Priority.HIGH]


def test_more_flaky_tests_than_group_flaky_over_make_one_grouped_item() -> None:
    cases = tuple(flaky(f"test_{n:02d}") for n in range(15))
    items, plan = flaky_items(RunReport(suites=(suite(cases),)))
    assert [(item.key, item.title) for item in items] == [
        ("flaky/unit_tests", "Flaky: tests of the unit_tests suite")
    ]
    assert "15 tests of the unit_tests suite failed, then passed" in items[0].description
    assert not [key for key in plan.healthy if key.startswith("flaky/")]


def test_group_flaky_over_is_a_config_key() -> None:
    cases = tuple(flaky(f"test_{n:02d}") for n in range(3))
    items, _ = flaky_items(RunReport(suites=(suite(cases),)), group_flaky_over=2)
    assert [item.key for item in items] == ["flaky/unit_tests"]
    items, _ = flaky_items(RunReport(suites=(suite(cases),)))
    assert len(items) == 3


def test_an_infrastructure_failure_marks_no_test_flaky_but_files_the_suite_item() -> None:
    # 85 % of 20 tests fail: the environment broke, not 17 tests; the one that passed on rerun proves nothing.
    cases = (*(failed(f"test_{n:02d}") for n in range(17)), flaky("chargesCard"))
    known = {"flaky/unit_tests/app.PaymentTest.refunds": KnownItem(id="FLAKY-001", first_seen=NOW)}
    items, plan = flaky_items(RunReport(suites=(suite(cases, tests=20),)), known)
    assert items == []
    assert [item.key for item in plan.items if item.rule == "suite-failed"] == ["suite-failed/unit_tests"]
    assert "flaky/unit_tests/app.PaymentTest.refunds" not in plan.healthy  # unknown, not clean


def test_a_known_flaky_test_is_fine_only_when_its_suite_reported_without_it() -> None:
    key = "flaky/unit_tests/app.PaymentTest.refunds"
    known = {key: KnownItem(id="FLAKY-001", first_seen=NOW)}
    _, clean = flaky_items(RunReport(suites=(suite(()),)), known)
    _, flaked = flaky_items(RunReport(suites=(suite((flaky("refunds"),)),)), known)
    _, broke = flaky_items(RunReport(suites=(suite((failed("refunds"),)),)), known)
    _, absent = flaky_items(RunReport(suites=(suite((), has_report=False),)), known)
    assert key in clean.healthy
    assert key not in flaked.healthy
    assert [i.key for i in flaked.items if i.rule == "flaky-tests"] == [key]
    assert key not in broke.healthy  # a hard failure is no clean run; the suite's item tracks it
    assert key not in absent.healthy  # absent is not fixed


def test_a_report_that_left_cases_out_calls_no_known_flaky_test_clean() -> None:
    key = "flaky/unit_tests/app.PaymentTest.refunds"
    capped = suite((failed("a"),)).model_copy(update={"failures": 5})  # 4 failing cases were cut
    _, plan = flaky_items(RunReport(suites=(capped,)), {key: KnownItem(id="FLAKY-001", first_seen=NOW)})
    assert key not in plan.healthy


def test_a_known_key_is_judged_by_the_suite_whose_name_is_the_longest_match() -> None:
    key = "flaky/api/v2/app.PaymentTest.refunds"
    known = {key: KnownItem(id="FLAKY-001", first_seen=NOW)}
    report = RunReport(suites=(suite((), name="api"), suite((), name="api/v2", has_report=False)))
    _, plan = flaky_items(report, known)
    assert key not in plan.healthy  # suite api/v2 did not report; api's report says nothing of its tests


def test_an_item_keeps_its_id_and_a_new_one_takes_the_next_number() -> None:
    known = {"flaky/unit_tests/app.PaymentTest.b": KnownItem(id="FLAKY-004", first_seen=NOW)}
    items, _ = flaky_items(RunReport(suites=(suite((flaky("a"), flaky("b"))),)), known)
    assert sorted((item.key, item.id) for item in items) == [
        ("flaky/unit_tests/app.PaymentTest.a", "FLAKY-005"),
        ("flaky/unit_tests/app.PaymentTest.b", "FLAKY-004"),
    ]


def test_a_very_long_test_name_makes_a_short_key_that_still_tells_tests_apart() -> None:
    long_a, long_b = "t" * 5000 + "a", "t" * 5000 + "b"
    items, _ = flaky_items(RunReport(suites=(suite((flaky(long_a), flaky(long_b))),)))
    keys = {item.key for item in items}
    assert len(keys) == 2
    assert all(len(key) < 260 for key in keys)


def test_a_per_subject_rule_needs_a_key_prefix() -> None:
    rule = {
        "id": "my-flaky",
        "trigger": {"type": "flaky_tests"},
        "id_prefix": "FL",
        "title": "Flaky: {test}",
        "type": "bug_fix",
        "priority": "low",
        "team": "qa",
    }
    with pytest.raises(ConfigError, match="makes one item per subject: set id_prefix"):
        config_from_mapping({"rules": [rule]}, source="issueplan.yml")


def test_a_grouped_title_with_an_unknown_placeholder_is_a_config_error() -> None:
    rules = [{"id": "flaky-tests", "trigger": {"type": "flaky_tests", "group_title": "Flaky: {test}"}}]
    with pytest.raises(ConfigError, match=r"group_title: unknown placeholder \{test\}"):
        config_from_mapping({"rules": rules}, source="issueplan.yml")


def test_a_suite_counting_more_flaky_tests_than_it_lists_is_grouped_by_its_count() -> None:
    capped = suite((flaky("a"), flaky("b"))).model_copy(update={"flaky": 12})  # a case cap kept 2 of 12
    items, _ = flaky_items(RunReport(suites=(capped,)))
    assert [item.key for item in items] == ["flaky/unit_tests"]
    assert "12 tests of the unit_tests suite failed, then passed" in items[0].description
    assert "app.PaymentTest.a, app.PaymentTest.b and 10 more" in items[0].description
