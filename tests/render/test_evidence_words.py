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
