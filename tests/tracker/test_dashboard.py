"""The dashboard issue, end to end against the fake GitHub: created once, kept current, never duplicated or
closed by absence logic, and silent on a no-op run (S1 with --dashboard)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tracker_plans import NOW, make_item, remembering

from issueplan.model import ActionItem, Priority
from issueplan.render.managed_block import parse_issue_body
from issueplan.render.safety import BODY_LIMIT
from issueplan.tracker import GitHubTarget, SyncOptions, SyncResult, sync_plan
from issueplan.tracker.dashboard import render_dashboard_body
from issueplan.tracker.sandbox import FakeGitHub

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "render"


def sync(fake: FakeGitHub, items: Sequence[ActionItem], *, healthy: Sequence[str] = ()) -> SyncResult:
    target = GitHubTarget(api_url=fake.base_url, repo="octo/demo", token="test-token")
    options = SyncOptions(write_interval=0, dashboard=True)
    _, _, result = sync_plan(remembering(items, healthy=healthy), target, options, sleep=lambda _: None)  # type: ignore[arg-type]
    return result


def dashboards(fake: FakeGitHub) -> list[dict[str, Any]]:
    found = []
    for issue in fake.issues():
        parsed = parse_issue_body(issue["body"] or "")
        if parsed is not None and parsed.marker.key == "dashboard/default":
            found.append(issue)
    return found


def item_numbers(fake: FakeGitHub) -> dict[str, int]:
    numbers = {}
    for issue in fake.issues():
        parsed = parse_issue_body(issue["body"] or "")
        if parsed is not None and not parsed.marker.key.startswith("dashboard/"):
            numbers[parsed.marker.id] = issue["number"]
    return numbers


ITEMS = [
    make_item("suite-failed/api", "BUG-001", priority=Priority.CRITICAL, team="api_team"),
    # No links between new issues: only the dashboard needs a follow-up once the creates have answered.
    make_item("suite-failed/web", "BUG-002"),
    make_item("rule/SEC-002", "SEC-002", priority=Priority.LOW, depends_on=[("INF-001", False)]),
]


def test_a_first_run_creates_one_dashboard_linking_every_item_and_the_next_run_writes_nothing(
    fake_github: FakeGitHub,
) -> None:
    sync(fake_github, ITEMS)

    [board] = dashboards(fake_github)
    assert board["title"] == "issueplan dashboard"
    assert [label["name"] for label in board["labels"]] == ["issueplan"]
    body = board["body"]
    numbers = item_numbers(fake_github)
    for item_id, number in numbers.items():
        assert f"- #{number} **{item_id}**" in body
    assert "due 2025-08-23, team api_team" in body
    assert (
        body.index("### Critical priority") < body.index("### High priority") < body.index("### Low priority")
    )
    assert "```mermaid\ngantt" in body
    assert "```mermaid\ngraph LR" in body
    assert "INF-001 (not in this plan)" in body

    fake_github.clear_log()
    result = sync(fake_github, ITEMS)

    assert fake_github.writes() == []
    assert len(fake_github.exchanges) == 4, "issues, labels, milestones and the dashboard's sub-issues"
    assert "DASHBOARD" not in result.issues
    assert len(dashboards(fake_github)) == 1


def test_the_dashboard_drops_an_item_once_its_issue_is_closed(fake_github: FakeGitHub) -> None:
    sync(fake_github, ITEMS)
    fake_github.clear_log()

    result = sync(fake_github, ITEMS[:2], healthy=[ITEMS[2].key])

    assert result.closed == 1
    [board] = dashboards(fake_github)
    assert "SEC-002" not in board["body"]
    assert "**Open action items**: 2" in board["body"]
    edits = [
        e for e in fake_github.writes() if e.method == "PATCH" and e.path.endswith(f"/{board['number']}")
    ]
    assert len(edits) == 1
    fake_github.clear_log()
    sync(fake_github, ITEMS[:2], healthy=[ITEMS[2].key])
    assert fake_github.writes() == []


def test_the_dashboard_is_never_closed_by_the_not_in_plan_close_even_with_no_items(
    fake_github: FakeGitHub,
) -> None:
    sync(fake_github, ITEMS[:1])

    sync(fake_github, [], healthy=[ITEMS[0].key])

    [board] = dashboards(fake_github)
    assert board["state"] == "open"
    assert "**Open action items**: 0" in board["body"]
    assert "mermaid" not in board["body"]


def test_two_dashboards_from_racing_runs_are_healed_to_one(fake_github: FakeGitHub) -> None:
    sync(fake_github, ITEMS)
    [board] = dashboards(fake_github)
    twin = fake_github.human_create_issue(
        title=board["title"], body=board["body"], labels=["issueplan"], user="github-actions[bot]"
    )

    sync(fake_github, ITEMS)

    states = {issue["number"]: (issue["state"], issue["state_reason"]) for issue in dashboards(fake_github)}
    assert states == {board["number"]: ("open", None), twin: ("closed", "duplicate")}
    fake_github.clear_log()
    sync(fake_github, ITEMS)
    assert fake_github.writes() == []


def test_text_a_human_wrote_around_the_dashboard_is_kept(fake_github: FakeGitHub) -> None:
    sync(fake_github, ITEMS)
    [board] = dashboards(fake_github)
    fake_github.human_edit(board["number"], body="Triage on Mondays.\n\n" + board["body"])

    sync(fake_github, ITEMS[1:], healthy=[ITEMS[0].key])

    [board] = dashboards(fake_github)
    assert board["body"].startswith("Triage on Mondays.\n\n")
    assert "BUG-001" not in board["body"].split("### Timeline")[0]


def test_a_dashboard_of_thousands_of_items_stays_under_the_body_limit_and_keeps_its_marker() -> None:
    items = [make_item(f"suite-failed/s{n:04d}", f"BUG-{n:04d}", title="x" * 200) for n in range(3000)]

    body = render_dashboard_body(items, {}, scope="default", first_seen=NOW, now=NOW)

    assert len(body) <= BODY_LIMIT
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker.key == "dashboard/default"
    assert "charts are left out" in body
    assert re.search(r"\d+ more items not shown", body)


def test_snoozed_items_are_listed_apart_with_their_date_and_not_among_the_open_ones(
    fake_github: FakeGitHub,
) -> None:
    """Issue 10 point 4: with --dashboard, an issue quieted by the label or by a `snooze:` date in its body
    is listed under "Snoozed" (with the date, when one was written), not by priority nor in the charts."""
    sync(fake_github, ITEMS)
    numbers = item_numbers(fake_github)
    by_number = {issue["number"]: issue for issue in fake_github.issues()}
    labelled = by_number[numbers["BUG-002"]]
    fake_github.human_edit(
        labelled["number"], labels=[label["name"] for label in labelled["labels"]] + ["snoozed"]
    )
    dated = by_number[numbers["SEC-002"]]
    fake_github.human_edit(dated["number"], body=dated["body"] + "\n\nsnooze: 2025-12-31\n")
    fake_github.clear_log()

    sync(fake_github, ITEMS)

    [board] = dashboards(fake_github)
    body = board["body"]
    assert "**Open action items**: 1 (scope default), and 2 snoozed" in body
    snoozed = body[body.index("### Snoozed") :]
    assert f"- #{numbers['BUG-002']} **BUG-002**: Fix: suite-failed/web — snoozed by its label\n" in snoozed
    assert f"- #{numbers['SEC-002']} **SEC-002**: Fix: rule/SEC-002 — snoozed until 2025-12-31\n" in snoozed
    listed = body[: body.index("### Snoozed")]
    assert "BUG-002" not in listed
    assert "SEC-002" not in listed
    assert "### High priority" not in listed
    assert "BUG-002" not in body[body.index("```mermaid") :], "the charts are of the open items only"
    writes = [e.path for e in fake_github.writes()]
    assert writes == [f"/repos/octo/demo/issues/{board['number']}"], "only the dashboard is written"
    fake_github.clear_log()
    sync(fake_github, ITEMS)
    assert fake_github.writes() == []


def test_the_dashboard_body_with_snoozed_items_matches_its_golden_file() -> None:
    items = [
        *ITEMS,
        make_item("suite-failed/cli", "BUG-003", priority=Priority.MEDIUM, depends_on=[("BUG-001", True)]),
    ]
    body = render_dashboard_body(
        items,
        {"BUG-001": 2, "BUG-002": 3, "SEC-002": 4, "BUG-003": 5},
        scope="default",
        first_seen=NOW,
        now=NOW,
        snoozed={"BUG-002": None, "SEC-002": date(2025, 12, 31)},
    )
    golden = GOLDEN / "dashboard.md"
    if os.environ.get("ISSUEPLAN_REGEN_GOLDEN"):
        golden.write_text(body, encoding="utf-8")
    assert body == golden.read_text(encoding="utf-8"), "ISSUEPLAN_REGEN_GOLDEN=1 rewrites it"
