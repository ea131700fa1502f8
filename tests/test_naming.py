"""The names of the labels and milestones issueplan owns come from the config, and ownership follows them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from issueplan.job import JobOptions, run_job
from issueplan.model import ActionItem, ItemType, Priority
from issueplan.modes import MilestoneMode
from issueplan.naming import LabelNames, MilestoneNames
from issueplan.tracker.sandbox import FakeGitHub

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DUE = datetime(2025, 8, 22, 10, 0, tzinfo=UTC)  # a Friday: its week starts on Monday 2025-08-18


def item(priority: Priority = Priority.HIGH) -> ActionItem:
    return ActionItem(
        id="BUG-001", key="suite-failed/unit", rule="suite-failed", title="t", description="d",
        type=ItemType.BUG_FIX, priority=priority, team="dev", effort="1 day", first_seen=DUE, due_date=DUE,
    )  # fmt: skip


def test_labels_are_owned_by_their_templates_case_insensitively() -> None:
    names = LabelNames(priority="P-{priority}", team="owner/{team}", overdue="late")
    assert names.owns("p-HIGH", managed="plan")
    assert names.owns("owner/qa_team", managed="plan")
    assert names.owns("Plan", managed="plan")
    assert names.owns("late", managed="plan")
    assert not names.owns("priority: high", managed="plan"), "the default spelling is not ours once renamed"
    assert not names.owns("bug", managed="plan")


def test_milestone_titles_by_priority_week_or_none_and_per_scope() -> None:
    names = MilestoneNames(high="Soon", week="Sprint of {week}")
    assert names.title(item(), mode=MilestoneMode.PRIORITY, scope="default") == "Soon"
    assert names.title(item(), mode=MilestoneMode.WEEK, scope="default") == "Sprint of 2025-08-18"
    assert names.title(item(), mode=MilestoneMode.NONE, scope="default") is None
    assert names.title(item(), mode=MilestoneMode.PRIORITY, scope="nightly") == "Soon (nightly)"
    assert names.owns("Sprint of 2025-08-18", scope="default")
    assert names.owns("Soon (nightly)", scope="nightly")
    assert not names.owns("Soon (nightly)", scope="default"), "another scope's milestone is not ours"
    assert not names.owns("Sprint of 2025-08-18 (nightly)", scope="default")
    assert not names.owns("Release 2.0", scope="default")


def test_an_unknown_placeholder_in_a_name_template_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \{prio\} \(did you mean 'priority'\?\)"):
        LabelNames(priority="P-{prio}")


def test_a_sync_names_labels_and_milestones_as_the_config_says(tmp_path: Path) -> None:
    config = tmp_path / "issueplan.yml"
    config.write_text(
        "labels: { managed: plan, priority: 'P-{priority}', team: 'owner/{team}', type: 'kind/{type}' }\n"
        "milestones: { critical: Now, high: Soon, medium: Later }\n",
        encoding="utf-8",
    )
    options = JobOptions(
        results=(str(EXAMPLES / "results"),),
        config=config,
        outcomes={},
        workspace=EXAMPLES / "workspace",
        now=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        sandbox=tmp_path / "sandbox",
    )
    run_job(options, log=lambda _: None)
    hub = FakeGitHub(state_dir=tmp_path / "sandbox")
    labels = {label["name"] for label in hub.labels()}
    assert {"plan", "P-critical", "owner/development_team", "kind/security"} <= labels
    assert not any(name.startswith(("priority: ", "team: ", "type: ")) for name in labels)
    assert {m["title"] for m in hub.milestones()} <= {"Now", "Soon", "Later"}
    again = run_job(options, log=lambda _: None)
    assert (again.created, again.updated, again.closed) == (0, 0, 0), "the renamed labels are recognised"
