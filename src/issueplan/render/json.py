"""The plan as JSON: data for other tools, every field kept.

Stable (sorted keys, 2-space indent, trailing newline) so the same plan gives the same bytes. Text is not
neutralised: JSON is data, never rendered by GitHub; it comes redacted from the clean pass (render/clean.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from issueplan.collector import collector_paused
from issueplan.model import Plan
from issueplan.render.json_text import dumps_sorted
from issueplan.render.timestamp import format_timestamp


def render_json(plan: Plan) -> str:
    with collector_paused():  # as render_report_json: the dumped tree holds no cycles
        data = _clean(plan.model_dump(mode="python"))
        return dumps_sorted(data)


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan, from the model itself (for `issueplan schema --plan`)."""
    return Plan.model_json_schema()


def _clean(value: Any) -> Any:
    """Plain JSON values: timestamps in UTC with Z, enums by value, tuples as lists."""
    if isinstance(value, dict):
        return {str(_clean(key)): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Enum):
        return value.value
    return value
