"""Deterministic output: the same results in any order give byte-identical plans (JSON and Markdown)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issueplan.model import StepOutcome
from issueplan.policy import build_plan, load_config, read_workspace
from issueplan.render.json import render_json
from issueplan.render.markdown import render_markdown
from issueplan.sources import load_results

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
FILES = sorted(str(path) for path in (EXAMPLES / "results").rglob("*") if path.is_file())
OUTCOMES = {
    suite: StepOutcome(outcome)
    for suite, outcome in json.loads((EXAMPLES / "outcomes.json").read_text(encoding="utf-8")).items()
}


def plan_texts(files: list[str]) -> tuple[str, str]:
    report = load_results(files, outcomes=OUTCOMES, workspace=EXAMPLES / "results")
    plan = build_plan(report, load_config(None), now=NOW, workspace=read_workspace(EXAMPLES / "workspace"))
    return render_json(plan), render_markdown(plan)


@cache
def baseline() -> tuple[str, str]:
    return plan_texts(FILES)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(FILES))
def test_plans_are_byte_identical_whatever_the_order_of_the_input_files(files: list[str]) -> None:
    assert plan_texts(files) == baseline()


def test_the_example_plan_is_not_trivially_empty() -> None:
    plan = json.loads(baseline()[0])
    assert plan["summary"]["total"] >= 5
    assert len(FILES) >= 8, "every format of the example takes part in the shuffle"
