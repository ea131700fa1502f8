"""The applier and its retry policy: waits (injected sleep and clock), request shapes, per-item errors."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import responses
from tracker_plans import NOW, make_item, remembering

from issueplan.model import Priority
from issueplan.modes import MilestoneMode
from issueplan.tracker import GitHubTarget, SyncOptions, sync_plan
from issueplan.tracker.changes import (
    AddDependency,
    CloseIssue,
    CreateIssue,
    CreateMilestone,
    UpdateIssue,
    order_changes,
)
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.retry import MAX_WAIT, PacedRetry, rate_limit_wait
from issueplan.tracker.sandbox import FakeGitHub, Fault

API = "https://api.github.com"


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(API) + r"(?::443)?" + re.escape(f"/repos/octo/demo/{path}") + r"(?:\?|$)")


def test_retry_after_wins_then_the_reset_time_then_at_least_a_minute_doubling() -> None:
    assert rate_limit_wait({"Retry-After": "7"}, attempt=1, now=0) == 7
    assert (
        rate_limit_wait({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}, attempt=1, now=1000)
        == 31
    )
    assert [rate_limit_wait({}, attempt=n, now=0) for n in (1, 2, 3)] == [60, 120, 240]
    assert rate_limit_wait({}, attempt=30, now=0) == MAX_WAIT
    assert rate_limit_wait({"retry-after": "86400"}, attempt=1, now=0) == MAX_WAIT


def test_the_retry_never_repeats_a_post_but_repeats_reads_and_429() -> None:
    retry = PacedRetry(sleep=lambda _: None)
    assert not retry.is_retry("POST", 502)
    assert retry.is_retry("GET", 502)
    assert retry.is_retry("PATCH", 503)
    assert retry.is_retry("GET", 429)
    waits: list[float] = []
    assert retry.new(total=1).pause is retry.pause
    PacedRetry(sleep=waits.append).new().pause(3)
    assert waits == [3]


def test_s6_a_primary_limit_waits_until_the_reset_by_the_injected_clock(fake_github: FakeGitHub) -> None:
    waits: list[float] = []
    fake_github.inject(Fault.primary_rate_limit(reset_epoch=5_000_030, method="GET", path=r"/labels$"))
    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="t")

    sync_plan(
        remembering([make_item("a", "BUG-001")]),  # type: ignore[arg-type]
        target,
        SyncOptions(write_interval=0),
        sleep=waits.append,
        clock=lambda: 5_000_000.0,
    )

    assert waits == [31]


def test_a_failing_operation_is_reported_and_the_rest_still_applied(fake_github: FakeGitHub) -> None:
    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="t")
    options = SyncOptions(write_interval=0, milestones=MilestoneMode.NONE)
    repo = connect(target, options)
    fake_github.inject(Fault(method="PATCH", path=r"/issues/404$", status=404))
    changes = order_changes(
        [
            UpdateIssue(number=404, key="gone", id="BUG-404", body="x"),
            CreateIssue(key="a", id="BUG-001", title="t", body="b", labels=()),
        ]
    )

    result = apply_changes(changes, repo, options)

    assert result.created == 1
    assert len(result.errors) == 1
    assert result.errors[0].startswith("update issue #404 (BUG-404): body: 404")


def test_milestones_are_sent_due_at_noon_utc_and_issues_with_labels_and_milestone_at_once() -> None:
    options = SyncOptions(write_interval=0)
    changes = order_changes(
        [
            CreateIssue(key="a", id="BUG-001", title="t", body="b", labels=("issueplan",), milestone="M"),
            CreateMilestone(title="M", due_on=date(2025, 8, 23)),
        ]
    )
    with responses.RequestsMock() as rsps:
        rsps.get(
            re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={"permissions": {"push": True}}
        )
        rsps.post(url("milestones"), status=201, json={"number": 5})
        rsps.post(url("issues"), status=201, json={"number": 11, "id": 9011})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(changes, repo, options)
        sent = [json.loads(call.request.body or b"{}") for call in rsps.calls[1:]]

    assert sent[0]["due_on"] == "2025-08-23T12:00:00Z"
    assert sent[1] == {"title": "t", "body": "b", "labels": ["issueplan"], "milestone": 5}
    assert result.issues == {"BUG-001": 11}
    assert result.writes == 2


def test_dependencies_degrade_silently_where_the_server_has_no_such_api() -> None:
    options = SyncOptions(write_interval=0)
    link = AddDependency(blocked_key="b", blocked_id="SEC-002", blocker_key="a", blocker_id="SEC-001")
    changes = order_changes(
        [
            CreateIssue(key="a", id="SEC-001", title="a", body="a", labels=()),
            CreateIssue(key="b", id="SEC-002", title="b", body="b", labels=()),
            link,
            link.model_copy(update={"blocked_key": "a", "blocker_key": "b"}),
        ]
    )
    with responses.RequestsMock() as rsps:
        rsps.get(re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={})
        rsps.post(url("issues"), status=201, json={"number": 1, "id": 101})
        rsps.post(url("issues"), status=201, json={"number": 2, "id": 102})
        rsps.post(url("issues/2/dependencies/blocked_by"), status=404, json={"message": "Not Found"})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(changes, repo, options)
        dependency_calls = [call for call in rsps.calls if "dependencies" in (call.request.url or "")]
        sent = json.loads(dependency_calls[0].request.body or b"{}")

    assert result.errors == ()
    assert len(dependency_calls) == 1  # the second link is not even tried
    assert sent == {"issue_id": 101}


@pytest.mark.parametrize("budget", [0, 1])
def test_a_budget_smaller_than_one_close_leaves_it_whole(budget: int) -> None:
    options = SyncOptions(write_interval=0, max_writes=budget)
    close = CloseIssue(number=3, key="k", id="BUG-001", comment="closing")
    with responses.RequestsMock() as rsps:
        rsps.get(re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(order_changes([close]), repo, options)

    assert result.left == (close,)
    assert result.writes == 0
    assert result.stopped is not None


def test_a_reopen_is_one_patch_with_state_body_and_labels_then_its_comment(fake_github: FakeGitHub) -> None:
    """Issue 10: a returning problem is reopened in one edit (state, body with the marker's memory, labels
    and milestone together) plus its comment, never a reopen and then a second edit."""
    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="t")
    options = SyncOptions(write_interval=0)
    item = make_item("suite-failed/unit_tests", "BUG-001")
    later = NOW + timedelta(days=1)
    sync_plan(remembering([item]), target, options)  # type: ignore[arg-type]
    sync_plan(remembering([], healthy=[item.key], now=later), target, options)  # type: ignore[arg-type]
    (closed,) = [issue for issue in fake_github.issues() if issue["title"].startswith("BUG-001")]
    assert closed["state"] == "closed"
    fake_github.clear_log()

    moved = item.model_copy(update={"priority": Priority.CRITICAL})
    _, _, result = sync_plan(
        remembering([moved], now=later + timedelta(days=1)),  # type: ignore[arg-type]
        target,
        options,
    )

    writes = [(e.method, e.path.removeprefix("/repos/octo/demo")) for e in fake_github.writes()]
    number = closed["number"]
    assert [w for w in writes if w[1].startswith("/issues")] == [
        ("PATCH", f"/issues/{number}"),
        ("POST", f"/issues/{number}/comments"),
    ]
    (patch,) = [e for e in fake_github.writes() if e.method == "PATCH" and "/issues/" in e.path]
    assert patch.body["state"] == "open"
    assert '"reopened":[' in patch.body["body"]
    assert "priority: critical" in patch.body["labels"]
    assert "milestone" in patch.body
    (reopened,) = [issue for issue in fake_github.issues() if issue["number"] == number]
    assert reopened["state"] == "open"
    assert {label["name"] for label in reopened["labels"]} >= {"priority: critical"}
    assert result.reopened == 1
    assert result.updated == 0
