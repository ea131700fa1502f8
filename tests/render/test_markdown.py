"""render/markdown: the plan in the seed's shape, with evidence, a Gantt chart and a dependency graph."""

from __future__ import annotations

import re
from collections.abc import Callable

from inert_check import assert_inert, prose_of
from render_factory import make_case, make_item, make_plan, make_suite

from issueplan.model import Evidence
from issueplan.render.markdown import mermaid_label, render_markdown


def test_plan_markdown_golden(golden: Callable[[str, str], None]) -> None:
    """The whole document, byte for byte (regenerate with ISSUEPLAN_REGEN_GOLDEN=1)."""
    golden("plan.md", render_markdown(make_plan()))


def test_the_document_has_the_seeds_shape() -> None:
    text = render_markdown(make_plan())
    headings = re.findall(r"^#{1,4} .*$", text, flags=re.MULTILINE)
    assert headings == [
        "# Product Improvement Plan",
        "## Summary",
        "## Action Items",
        "### Critical Priority Actions",
        "#### SEC-001: Implement Comprehensive Security Testing",
        "#### BUG-001: Fix: Unit Tests Test Failures",
        "### High Priority Actions",
        "#### SEC-002: Enhance Data Protection Measures",
        "### Medium Priority Actions",
        "#### PERF-002: Implement Load Testing Framework",
        "## Timeline",
        "## Dependencies",
        "## Problems",
    ]
    assert "- **Total Actions**: 4\n- **Critical Actions**: 2\n- **High Priority Actions**: 1\n" in text
    assert "- **Estimated Completion**: 2025-09-20 (due in 31 days)" in text
    assert "**Assigned To**: development_team\\\n**Due Date**: 2025-08-23 (due in 3 days)" in text
    assert "T10:05:39" not in text.split("<!--")[0], "no exact instant outside a hidden marker"


def test_item_order_does_not_depend_on_the_input_order() -> None:
    plan = make_plan()
    reversed_plan = plan.model_copy(update={"items": tuple(reversed(plan.items))})
    assert render_markdown(reversed_plan) == render_markdown(plan)


def test_a_dependency_outside_the_plan_is_shown_as_such_in_text_and_graph() -> None:
    text = render_markdown(make_plan())
    assert "**Dependencies**: SEC-001\\\nINF-001 is not part of this plan: its evidence was healthy" in text
    assert "PERF-001 is not part of this plan" in text
    assert 'n_PERF_001["PERF-001 (not in this plan)"]:::absent' in text
    assert "n_PERF_001 -.-> n_PERF_002" in text
    assert "n_SEC_001 --> n_SEC_002" in text


def test_an_item_shows_at_most_five_failing_tests_and_says_how_many_more() -> None:
    cases = tuple(make_case(name=f"test_{n:02d}", message=f"boom {n}") for n in range(12))
    plan = make_plan()
    item = make_item(evidence=Evidence(suites=(make_suite(cases=cases),)))
    text = render_markdown(plan.model_copy(update={"items": (item,)}))
    assert text.count("(failed) at") == 5
    assert "_… 7 more failing tests of `unit_tests` not shown._" in text
    assert "test_00" in text
    assert "test_05" not in text


def test_r1_r2_r3_r6_hostile_test_output_is_inert_and_redacted_in_the_plan() -> None:
    """R1, R2, R3, R6: outside code blocks no mention, reference, link or HTML; no token anywhere."""
    hostile = "@octocat #12 acme/app#3 GH-4 [x](https://evil.example) <b>"
    item = make_item(
        title=f"Fix: {hostile}",
        description=hostile,
        team=hostile,
        evidence=Evidence(suites=(make_suite(name=f"suite {hostile}"),), facts=(hostile,)),
    )
    plan = make_plan()
    text = render_markdown(plan.model_copy(update={"items": (item,)}))
    assert_inert(prose_of(text))
    assert "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw" not in text
    assert "[REDACTED:github-token]" in text


def test_mermaid_labels_carry_no_mermaid_syntax() -> None:
    assert mermaid_label('Fix: "a" [b] {c} #1; %%x `y` <z> -->') == "Fix a b c 1 x y z --"
    item = make_item(title='Fix: "quoted" ; # %% ``` :::absent')
    text = render_markdown(make_plan().model_copy(update={"items": (item,)}))
    gantt = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    task = next(line for line in gantt.splitlines() if "n_BUG_001" in line)
    assert task == "    BUG-001 Fix quoted absent :crit, n_BUG_001, 2025-08-20, 2025-08-23"


def test_an_empty_plan_says_so_and_draws_no_chart() -> None:
    plan = make_plan().model_copy(update={"items": (), "problems": ()})
    text = render_markdown(plan)
    assert "No action items" in text
    assert "mermaid" not in text
