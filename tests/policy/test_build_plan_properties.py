"""build_plan is deterministic, whatever the order of findings, cases or (with known ids) suites."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from policy_seed import SEED_NOW, seed_report_by_hand

from issueplan.model import KnownItem, RunReport, Workspace
from issueplan.policy import build_plan, load_config

SEED = seed_report_by_hand()
CONFIG = load_config(None)
WORKSPACE = Workspace(root=".", paths=(".github/workflows/ci.yml", "app/__init__.py"))
REFERENCE = build_plan(SEED, CONFIG, now=SEED_NOW, workspace=WORKSPACE)
# With every per-suite item known, ids no longer depend on suite order, so the whole plan must not either.
KNOWN = {item.key: KnownItem(id=item.id, first_seen=item.first_seen) for item in REFERENCE.items}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_shuffled_findings_and_cases_give_the_same_plan(data: st.DataObject) -> None:
    suites = tuple(
        suite.model_copy(update={"cases": tuple(data.draw(st.permutations(suite.cases)))})
        for suite in SEED.suites
    )
    findings = tuple(data.draw(st.permutations(SEED.findings)))
    report = RunReport(suites=suites, findings=findings, scans=SEED.scans)
    plan = build_plan(report, CONFIG, now=SEED_NOW, workspace=WORKSPACE)
    assert plan == REFERENCE
    assert plan.model_dump_json() == REFERENCE.model_dump_json()


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(len(SEED.suites))), later=st.integers(min_value=0, max_value=400))
def test_known_items_make_the_plan_independent_of_suite_order(order: list[int], later: int) -> None:
    report = SEED.model_copy(update={"suites": tuple(SEED.suites[i] for i in order)})
    plan = build_plan(report, CONFIG, now=SEED_NOW + timedelta(days=later), known=KNOWN, workspace=WORKSPACE)
    assert plan.items == REFERENCE.items
    assert plan.healthy == REFERENCE.healthy
    assert plan.summary == REFERENCE.summary
