"""render/json: the plan as stable JSON with every field, and its JSON Schema."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable

import pytest
from render_factory import make_plan

from issueplan.model import Plan, RunReport
from issueplan.render.json import plan_json_schema, render_json
from issueplan.render.json_text import dumps_sorted
from issueplan.render.report import render_report_json


def test_plan_json_golden(golden: Callable[[str, str], None]) -> None:
    golden("plan.json", render_json(make_plan()))


def test_json_is_sorted_indented_and_ends_with_a_newline() -> None:
    text = render_json(make_plan())
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert list(data) == [
        "coverage",
        "generated_at",
        "healthy",
        "healthy_facts",
        "items",
        "overall_status",
        "problems",
        "schema_version",
        "scope",
        "summary",
    ]
    assert data["summary"] == {
        "by_priority": {"critical": 2, "high": 1, "medium": 1},
        "estimated_completion": "2025-09-20T10:05:39.316987Z",
        "total": 4,
    }


def test_items_keep_every_field_with_dependencies_as_objects() -> None:
    data = json.loads(render_json(make_plan()))
    bug = next(item for item in data["items"] if item["id"] == "BUG-001")
    assert bug["dependencies"] == [
        {"id": "SEC-001", "in_plan": True, "title": ""},
        {"id": "INF-001", "in_plan": False, "title": ""},
    ]
    assert bug["due_date"] == "2025-08-23T10:05:39.316987Z"
    assert bug["evidence"]["suites"][0]["cases"][0]["line"] == 42
    assert set(bug) == set(Plan.model_fields["items"].annotation.__args__[0].model_fields)  # type: ignore[union-attr]


def test_r6_secrets_never_leave_in_json() -> None:
    """R6: JSON is not neutralised (it is data) but it is redacted."""
    text = render_json(make_plan())
    assert "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw" not in text
    assert "[REDACTED:github-token]" in text
    assert "@octocat" in text


def test_json_reads_back_into_the_same_plan_where_nothing_was_redacted() -> None:
    plan = make_plan()
    again = Plan.model_validate_json(render_json(plan))
    assert again.items[0] == plan.items[0]
    assert (again.summary, again.healthy, again.problems) == (plan.summary, plan.healthy, plan.problems)


def test_the_schema_comes_from_the_model() -> None:
    schema = plan_json_schema()
    assert schema["title"] == "Plan"
    assert {"items", "summary", "overall_status", "generated_at"} <= set(schema["properties"])
    assert "ActionItem" in schema["$defs"]


@pytest.mark.parametrize("render", ["plan", "report"])
def test_json_is_built_with_the_collector_paused_and_gives_it_back(
    render: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 100k-finding report's dumped tree holds no cycles: the collector's walks of it were most of the
    render, so it is paused while the tree is built and encoded, and back on afterwards."""
    seen: list[bool] = []

    def noting(value: object) -> str:
        seen.append(gc.isenabled())
        return dumps_sorted(value)

    monkeypatch.setattr(f"issueplan.render.{'json' if render == 'plan' else 'report'}.dumps_sorted", noting)
    gc.enable()
    text = render_json(make_plan()) if render == "plan" else render_report_json(RunReport())
    assert json.loads(text)
    assert seen == [False]
    assert gc.isenabled()
