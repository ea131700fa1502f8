"""Assignability at the HTTP boundary (`responses`): one GET per user per run, only for the users a write
would assign; a 404 leaves the user out of every write and is reported, never fatal."""

from __future__ import annotations

import re

import responses
from tracker_plans import make_item, make_plan

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker import GitHubTarget
from issueplan.tracker.assignability import AssigneeCheck, diff_assigning
from issueplan.tracker.assignees import Owners
from issueplan.tracker.changes import CreateIssue
from issueplan.tracker.github import connect
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackerState

API = "https://api.github.com"
OPTIONS = SyncOptions(
    write_interval=0,
    owners=Owners(teams={"security_team": ("alice", "mallory"), "development_team": ("Alice", "bob")}),
)
ITEMS = [
    make_item("a", "SEC-001", team="security_team"),
    make_item("b", "SEC-002", team="security_team"),
    make_item("c", "BUG-001", team="development_team"),
]


def assignee_url(login: str) -> re.Pattern[str]:
    return re.compile(re.escape(API) + r"(?::443)?" + re.escape(f"/repos/octo/demo/assignees/{login}") + "$")


def checked_logins(rsps: responses.RequestsMock) -> list[str]:
    return [str(call.request.url).rsplit("/", 1)[-1] for call in rsps.calls]


def test_each_user_is_checked_once_per_run_whatever_the_number_of_items_or_the_case() -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(assignee_url("alice"), status=204)
        rsps.get(assignee_url("bob"), status=204)
        rsps.get(assignee_url("mallory"), status=404, json={"message": "Not Found"})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), OPTIONS)
        check = AssigneeCheck(repo)
        changes, report = diff_assigning(make_plan(ITEMS), TrackerState(), OPTIONS, check)
        again = check.refusals(["mallory", "ALICE"])  # a later question in the same run asks nothing
        logins = checked_logins(rsps)

    assert sorted(logins) == ["alice", "bob", "mallory"]
    assert check.requests == 3
    assert [refusal.login for refusal in again] == ["mallory"]
    creates = {op.id: op for op in changes.operations if isinstance(op, CreateIssue)}
    assert creates["SEC-001"].assignees == ("alice",)
    assert creates["BUG-001"].assignees == ("Alice", "bob")
    marker = parse_issue_body(creates["SEC-002"].body)
    assert marker is not None
    assert marker.marker.assignees == ("alice",)
    assert len(report.warnings) == 1
    assert report.warnings[0].startswith("mallory was not assigned: GitHub says they cannot be assigned")
    assert "@" not in report.warnings[0]


def test_a_run_that_assigns_nobody_asks_nothing() -> None:
    with responses.RequestsMock() as rsps:  # any request would fail: none is registered
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), OPTIONS)
        check = AssigneeCheck(repo)
        diff_assigning(
            make_plan([make_item("d", "INF-001", team="devops_team")]), TrackerState(), OPTIONS, check
        )
        assert len(rsps.calls) == 0
    assert check.requests == 0


def test_an_answer_other_than_yes_or_no_leaves_the_user_out_and_says_so() -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(
            assignee_url("alice"), status=403, json={"message": "Resource not accessible by integration"}
        )
        rsps.get(assignee_url("mallory"), status=204)
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), OPTIONS)
        changes, report = diff_assigning(make_plan(ITEMS[:1]), TrackerState(), OPTIONS, AssigneeCheck(repo))

    create = next(op for op in changes.operations if isinstance(op, CreateIssue))
    assert create.assignees == ("mallory",)
    expected = "alice was not assigned: GitHub could not say whether they can be (403 Resource not accessible"
    assert report.warnings == (f"{expected} by integration)",)
