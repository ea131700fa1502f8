"""The dry run's "what would this change" section, and `fail-on new` judged from the same ChangeSet."""

from __future__ import annotations

from render_factory import make_item, make_plan

from issueplan.errors import ExitCode
from issueplan.model import Priority, RunReport
from issueplan.modes import FailOn
from issueplan.outcome import RunOutcome, judge, new_items
from issueplan.render.change_view import LISTED, render_change_view
from issueplan.tracker.changes import ChangeSet, CloseIssue, CreateIssue, ReopenIssue


def create(key: str, item_id: str) -> CreateIssue:
    return CreateIssue(key=key, id=item_id, title=f"{item_id}: x", body="", labels=())


def test_the_view_lists_what_would_open_close_and_reopen_with_untrusted_text_defused() -> None:
    item = make_item("BUG-009", key="suite-failed/x", title="Fix: @octocat Tests")
    plan = make_plan().model_copy(update={"items": (item,)})
    changes = ChangeSet(
        operations=(
            create("suite-failed/x", "BUG-009"),
            CloseIssue(number=12, key="suite-failed/y", id="BUG-003", comment="passed"),
            ReopenIssue(number=7, key="suite-failed/x", id="BUG-009", comment="back"),
        )
    )
    text = render_change_view(changes, plan, heading="What this pull request changes")
    assert text.startswith("### What this pull request changes\n")
    assert "**Would open** (1):" in text
    assert "`@octocat`" in text, "a mention from a test name never pings anyone"
    assert "- #12 (BUG-003)" in text
    assert "- #7 (BUG-009: Fix:" in text


def test_the_view_says_so_when_nothing_would_change_and_caps_long_lists() -> None:
    plan = make_plan()
    assert "No issue would be opened, closed or reopened" in render_change_view(
        ChangeSet(), plan, heading="h"
    )
    closes = tuple(CloseIssue(number=n, key=f"k/{n}", id=f"BUG-{n:03d}", comment="") for n in range(40))
    text = render_change_view(ChangeSet(operations=closes), plan, heading="h")
    assert text.count("\n- #") == LISTED
    assert f"and {40 - LISTED} more (listed in the log)" in text


def test_fail_on_new_counts_only_the_items_the_sync_opens() -> None:
    plan = make_plan()
    fresh = plan.items[-1]
    synced = RunOutcome(
        report=RunReport(),
        plan=plan,
        synced=True,
        changes=ChangeSet(operations=(create(fresh.key, fresh.id),)),
    )
    assert new_items(synced) == (fresh,)
    verdict = judge(synced, FailOn.NEW)
    assert verdict.exit_code is ExitCode.FAILED
    assert verdict.errors == (f"fail-on new: 1 new item reached it: {fresh.id} ({fresh.priority.value})",)
    assert fresh.priority is not Priority.CRITICAL
    assert judge(synced, FailOn.NEW_CRITICAL).exit_code is ExitCode.OK
    assert judge(synced.model_copy(update={"changes": ChangeSet()}), FailOn.NEW).exit_code is ExitCode.OK


def test_a_plan_only_run_knows_no_tracked_item_so_every_item_is_new() -> None:
    plan = make_plan()
    outcome = RunOutcome(report=RunReport(), plan=plan)
    assert new_items(outcome) == plan.items
    critical = [item.id for item in plan.items if item.priority is Priority.CRITICAL]
    verdict = judge(outcome, FailOn.NEW_CRITICAL)
    assert verdict.exit_code is ExitCode.FAILED
    assert all(item_id in verdict.errors[0] for item_id in critical)
