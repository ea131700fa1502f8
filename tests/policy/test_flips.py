"""Same-commit flips (policy/flips.py) through build_plan, with plain values: what the tracker remembers of
earlier runs of a commit (KnownItem.runs) and this run's report decide which tests are flaky items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.model import (
    Case,
    CaseOutcome,
    KnownItem,
    KnownRun,
    RunMark,
    RunReport,
    Suite,
    SuiteKind,
    SuiteStatus,
)
from issueplan.policy import build_plan, load_config
from issueplan.policy.config import config_from_mapping

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
BEFORE = NOW - timedelta(hours=2)
C = "0123456789ab"
HERE = RunMark(commit=C, run="42")
SUITE_KEY = "suite-failed/unit_tests"


def failed(name: str) -> Case:
    return Case(classname="app.CartTest", name=name, outcome=CaseOutcome.FAILED, message=f"boom {name}")


def suite(failing: tuple[str, ...] = (), *, tests: int = 40, cases: tuple[Case, ...] | None = None) -> Suite:
    listed = tuple(failed(name) for name in failing) if cases is None else cases
    return Suite(
        name="unit_tests",
        kind=SuiteKind.UNIT,
        status=SuiteStatus.FAILED if failing else SuiteStatus.PASSED,
        has_report=True,
        tests=tests,
        failures=len(failing),
        cases=listed,
    )


def remembered(*runs: KnownRun, key: str = SUITE_KEY, item: str = "BUG-001") -> dict[str, KnownItem]:
    return {key: KnownItem(id=item, first_seen=BEFORE, runs=runs)}


def fired_on(*tests: str, failed: int | None = None, of: int = 40, commit: str = C) -> KnownRun:
    keys = tuple(f"app.CartTest.{name}" for name in tests)
    return KnownRun(
        at=BEFORE, commit=commit, run="41", fired=True, tests=keys, failed=failed or len(keys), of=of
    )


FINE_ON_C = KnownRun(at=BEFORE, commit=C, run="41", fired=False)


def flaky(report_suite: Suite, known: dict[str, KnownItem], mark: RunMark = HERE) -> dict[str, str]:
    plan = build_plan(RunReport(suites=(report_suite,)), load_config(None), now=NOW, known=known, mark=mark)
    return {item.key: item.description for item in plan.items if item.rule == "flaky-tests"}


def test_a_test_that_failed_on_the_commit_and_passes_now_is_flaky() -> None:
    items = flaky(suite(), remembered(fired_on("test_total")))
    assert list(items) == ["flaky/unit_tests/app.CartTest.test_total"]
    assert items["flaky/unit_tests/app.CartTest.test_total"].startswith(
        "app.CartTest.test_total of the unit_tests suite failed in run 41 on commit 0123456789ab, then "
        "passed in run 42 on the same commit."
    )


def test_a_test_that_fails_where_the_commit_passed_before_is_flaky_with_its_message() -> None:
    items = flaky(suite(("test_total",)), remembered(FINE_ON_C))
    (description,) = items.values()
    assert description.startswith(
        "app.CartTest.test_total of the unit_tests suite passed in run 41 on commit 0123456789ab, then "
        "failed in run 42 on the same commit: boom test_total."
    )


def test_nothing_flips_across_commits_without_a_commit_or_without_memory() -> None:
    other = remembered(fired_on("test_total", commit="fedcba987654"))
    assert flaky(suite(), other) == {}
    assert flaky(suite(), remembered(fired_on("test_total")), RunMark()) == {}, "the commit is not known"
    assert flaky(suite(), {}) == {}, "`issueplan plan`: no tracker, no memory"


def test_a_test_that_still_fails_did_not_flip_and_one_that_passes_did() -> None:
    items = flaky(suite(("test_total",)), remembered(fired_on("test_total", "test_empty")))
    assert list(items) == ["flaky/unit_tests/app.CartTest.test_empty"]


def test_an_earlier_infrastructure_failure_flips_nothing_and_neither_does_this_run_being_one() -> None:
    assert flaky(suite(), remembered(fired_on("test_total", failed=34, of=40))) == {}, "85 % failed then"
    many = tuple(f"test_{n:02d}" for n in range(34))
    assert flaky(suite(many), remembered(FINE_ON_C)) == {}, "85 % fail now"


def test_a_report_that_cut_its_cases_cannot_say_a_remembered_test_passed() -> None:
    cut = suite(("test_other",), cases=())  # one failure counted, none listed
    assert flaky(cut, remembered(fired_on("test_total"))) == {}


def test_more_flips_than_the_limit_are_one_grouped_item_even_when_not_all_were_named() -> None:
    named = tuple(f"test_{n:02d}" for n in range(10))
    items = flaky(suite(), remembered(fired_on(*named, failed=15)))
    assert list(items) == ["flaky/unit_tests"]
    assert (
        "15 tests of the unit_tests suite failed in one run of commit 0123456789ab"
        in items["flaky/unit_tests"]
    )


def test_a_flip_filed_by_another_run_is_not_filed_again_and_a_re_run_of_that_run_files_it_unchanged() -> None:
    key = "flaky/unit_tests/app.CartTest.test_total"
    filed_then = KnownRun(at=NOW - timedelta(hours=1), commit=C, run="42", fired=True)
    known = remembered(fired_on("test_total")) | remembered(filed_then, key=key, item="FLAKY-001")
    plan = build_plan(RunReport(suites=(suite(),)), load_config(None), now=NOW, known=known, mark=HERE)
    assert key not in {item.key for item in plan.items}
    assert key in plan.healthy, "it passed: a clean run of the flaky item"

    same_run = KnownRun(at=NOW, commit=C, run="42", fired=True)
    known = remembered(fired_on("test_total")) | remembered(same_run, key=key, item="FLAKY-001")
    assert list(flaky(suite(), known)) == [key]


def test_a_rerun_flaky_test_is_one_item_not_two() -> None:
    rerun = Case(classname="app.CartTest", name="test_total", outcome=CaseOutcome.FLAKY, message="503")
    report = Suite(
        name="unit_tests", kind=SuiteKind.UNIT, status=SuiteStatus.PASSED, has_report=True, tests=40, flaky=1,
        cases=(rerun,),
    )  # fmt: skip
    items = flaky(report, remembered(fired_on("test_total")))
    assert list(items) == ["flaky/unit_tests/app.CartTest.test_total"]
    assert "failed, then passed when run again: 503" in items["flaky/unit_tests/app.CartTest.test_total"]


TESTS = [f"test_{n}" for n in range(8)]


@settings(max_examples=80, deadline=None)
@given(
    before=st.sets(st.sampled_from(TESTS), min_size=1),
    now_failing=st.sets(st.sampled_from(TESTS)),
    same_commit=st.booleans(),
)
def test_the_flaky_items_are_the_remembered_failures_that_pass_now_on_the_same_commit_only(
    before: set[str], now_failing: set[str], same_commit: bool
) -> None:
    commit = C if same_commit else "fedcba987654"
    items = flaky(suite(tuple(sorted(now_failing))), remembered(fired_on(*sorted(before), commit=commit)))
    expected = {f"flaky/unit_tests/app.CartTest.{name}" for name in before - now_failing}
    assert set(items) == (expected if same_commit else set())


def test_only_a_suite_failed_items_healthy_run_says_the_suite_passed() -> None:
    config = config_from_mapping(
        {
            "extends": "default",
            "rules": [
                {
                    "id": "suite-skipped",
                    "trigger": {"type": "suite_skipped_or_missing"},
                    "id_prefix": "SKIP",
                    "title": "Run {suite}",
                    "type": "enhancement",
                    "priority": "low",
                    "team": "qa_team",
                    "effort": "1 day",
                }
            ],
        },
        source="issueplan.yml",
    )
    known = remembered(FINE_ON_C, key="suite-skipped/unit_tests", item="SKIP-001")
    report = RunReport(suites=(suite(("test_total",)),))
    plan = build_plan(report, config, now=NOW, known=known, mark=HERE)
    assert [item.key for item in plan.items if item.rule == "flaky-tests"] == [], "it ran: it may have failed"
