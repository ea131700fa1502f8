"""diff_tracker with source links: a new commit or run alone is no edit (S1); any other change is one, with
the new commit's links. Plain values, no I/O."""

from __future__ import annotations

from test_diff import in_sync, tracked
from tracker_plans import make_item, make_plan

from issueplan.render.issue import render_issue_body
from issueplan.render.links import SourceLinks
from issueplan.tracker.changes import CreateIssue, UpdateIssue
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.options import SyncOptions

AT_A = SourceLinks(repo="octo/demo", sha="a" * 40, run_url="https://github.com/octo/demo/actions/runs/1")
AT_B = SourceLinks(repo="octo/demo", sha="b" * 40, run_url="https://github.com/octo/demo/actions/runs/2")


def test_s1_a_body_written_at_another_commit_or_before_links_existed_is_left_alone() -> None:
    item = make_item("a", "BUG-001")
    at_a = tracked(item, 7, body=render_issue_body(item, scope="default", source_links=AT_A))
    before_links = tracked(item, 7)  # written by a run that knew no commit
    options = SyncOptions(source_links=AT_B)
    assert diff_tracker(make_plan([item]), in_sync(at_a), options).operations == ()
    assert diff_tracker(make_plan([item]), in_sync(before_links), options).operations == ()


def test_a_real_change_rewrites_the_body_with_the_new_commits_links() -> None:
    item = make_item("a", "BUG-001")
    issue = tracked(item, 7, body=render_issue_body(item, scope="default", source_links=AT_A))
    changed = item.model_copy(update={"description": "It fails in a new way."})
    (update,) = diff_tracker(make_plan([changed]), in_sync(issue), SyncOptions(source_links=AT_B)).operations
    assert isinstance(update, UpdateIssue)
    assert update.body is not None
    assert "It fails in a new way." in update.body
    assert "/actions/runs/2)" in update.body
    assert "a" * 40 not in update.body


def test_a_new_issue_is_created_with_the_runs_links() -> None:
    item = make_item("a", "BUG-001")
    creates = [
        op
        for op in diff_tracker(make_plan([item]), in_sync(), SyncOptions(source_links=AT_A)).operations
        if isinstance(op, CreateIssue)
    ]
    assert len(creates) == 1
    assert "_Last seen in [run 1](https://github.com/octo/demo/actions/runs/1) at commit" in creates[0].body
