"""render/evidence as a reader meets it: one finding listed in one issue only, the Description's facts not
said again, jest names once, blank names never as an empty code span."""

from __future__ import annotations

from render_factory import make_case, make_finding, make_item, make_suite

from issueplan.model import Evidence
from issueplan.policy.describe import case_label
from issueplan.render.evidence import render_evidence, render_suite
from issueplan.render.issue import render_issue_body


def test_an_item_whose_findings_another_issue_lists_points_there_instead_of_repeating_them() -> None:
    evidence = Evidence(findings=(make_finding(), make_finding("B105")), findings_in=("BUG-005",))
    text = "".join(render_evidence(evidence, case_limit=5, finding_limit=5))
    assert "_These 2 findings are listed in full in BUG-005: see that issue._" in text
    assert "B324" not in text
    assert "**Findings**" not in text


def test_facts_the_description_states_are_not_repeated_under_evidence() -> None:
    item = make_item(
        description="unit_tests failed: 3 failures.\n\nThe suite fails in CI.",
        evidence=Evidence(suites=(make_suite(),), facts=("unit_tests failed: 3 failures", "flaky: 2 cases")),
    )
    body = render_issue_body(item, scope="default")
    assert body.count("unit_tests failed: 3 failures") == 1
    assert "- flaky: 2 cases\n" in body


def test_jest_names_are_shown_once() -> None:
    # jest-junit with classname "{classname}" and name "{classname} {title}"
    described = make_case("orders endpoint creates an order", classname="orders endpoint", file=None)
    assert case_label(described) == "orders endpoint creates an order"
    # jest-junit's default: both the full name
    same = make_case("orders endpoint case 1", classname="orders endpoint case 1", file=None)
    text = "".join(render_suite(make_suite("api_tests", cases=(same,)), case_limit=5))
    assert text.count("orders endpoint case 1") == 1
    assert case_label(make_case("test_total", classname="tests.test_cart")) == "tests.test_cart.test_total"


def test_blank_names_render_as_unnamed_not_an_empty_code_span() -> None:
    blank = make_case("  ", classname="  ", file=None)
    text = "".join(render_suite(make_suite(cases=(blank,)), case_limit=5))
    assert "(unnamed test)" in text
    assert "`  `" not in text
    assert "` `" not in text


def test_cut_cases_say_how_many_more_fail() -> None:
    cases = tuple(make_case(f"test_{n:03d}") for n in range(192))
    text = "".join(render_suite(make_suite(cases=cases, failures=192, errors=0), case_limit=10))
    assert "182 more failing tests" in text


def test_tests_of_one_jvm_class_are_one_group_headed_by_the_full_class_name_each_once() -> None:
    """Surefire: the frames' package paths are not placed in the repository, so the tests group by class,
    under its full dotted name, each test by its own name only; the trace's type-only first line goes."""
    cases = tuple(
        make_case(
            name,
            classname="action.surefire.report.calc.CalcUtilsTest",
            file="action/surefire/report/calc/CalcUtilsTest.kt",
            line=line,
            path_known=False,
            type="java.lang.AssertionError",
            message="Expected: <100.10>\n     but: was <100.11>",
            trace="java.lang.AssertionError: \n\nExpected: <100.10>\n     but: was <100.11>\n"
            f"\tat action.surefire.report.calc.CalcUtilsTest.{name}(CalcUtilsTest.kt:{line})",
        )
        for name, line in (("test scale", 15), ("test error handling", 27))
    )
    text = "".join(render_suite(make_suite("backend_java", cases=cases), case_limit=5))
    assert text.count("`action.surefire.report.calc.CalcUtilsTest`: 2 tests") == 1
    assert "- `test error handling` (failed) at `action/surefire/report/calc/CalcUtilsTest.kt:27`" in text
    assert "- `test scale` (failed)" in text
    assert text.count("java.lang.AssertionError") == 2, "the type once per test, not again from the trace"
    assert text.count("Expected: <100.10>") == 2, "the message once per test"


def test_tests_grouped_by_file_drop_the_part_of_their_class_the_path_spells() -> None:
    cases = (
        make_case("test_total", classname="tests.test_cart", file="tests/test_cart.py"),
        make_case("test_tax", classname="tests.test_cart.TestTax", file="tests/test_cart.py"),
        make_case("TestRate", classname="example.com/shop/tax", file="tax/tax_test.go"),
        make_case("test_other", classname="app.Other", file="tests/test_cart.py"),
        make_case("Total", classname="Shop.Tests.CartTests", file="src/Shop.Tests/CartTests.cs"),
    )
    text = "".join(render_suite(make_suite(cases=cases), case_limit=5))
    assert "`tests/test_cart.py`: 3 tests" in text
    assert "- `test_total` (failed)" in text
    assert "- `TestTax.test_tax` (failed)" in text
    assert "- `app.Other.test_other` (failed)" in text, "a class the path does not spell is kept"
    assert "- `TestRate` (failed) at `tax/tax_test.go:42`" in text
    assert "- `Total` (failed) at `src/Shop.Tests/CartTests.cs:42`" in text
