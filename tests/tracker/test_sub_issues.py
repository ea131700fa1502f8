"""Sub-issues: with the dashboard, every open managed item is its sub-issue (through holders per priority
beyond GitHub's 100), closed items leave it, a no-op run writes nothing, and a server without the API is left
alone (tracker/sub_issues.py, tracker/sub_issue_writes.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
import responses
from tracker_plans import make_item, remembering

from fake_issues import issues_by_key
from issueplan.errors import GitHubError
from issueplan.model import ActionItem, Priority
from issueplan.tracker import GitHubTarget, SyncOptions, SyncResult, sync_plan
from issueplan.tracker.changes import ChangeSet, CloseIssue, CreateIssue, order_changes
from issueplan.tracker.changes_board import AttachSubIssue, DetachSubIssue
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.results import Fate
from issueplan.tracker.sandbox import FakeGitHub, Fault

API = "https://api.github.com"
ITEMS = [
    make_item("suite-failed/api", "BUG-001", priority=Priority.CRITICAL),
    make_item("suite-failed/web", "BUG-002"),
    make_item("rule/SEC-002", "SEC-002", priority=Priority.LOW),
]


def sync(
    fake: FakeGitHub, items: Sequence[ActionItem] = ITEMS, *, healthy: Sequence[str] = (), **options: Any
) -> tuple[ChangeSet, SyncResult]:
    target = GitHubTarget(api_url=fake.base_url, repo="octo/demo", token="test-token")
    settings = SyncOptions(write_interval=0, dashboard=True, allow_mass_create=True, **options)
    make = remembering(items, healthy=healthy)
    _, changes, result = sync_plan(make, target, settings, sleep=lambda _: None)  # type: ignore[arg-type]
    return changes, result


def children(fake: FakeGitHub, key: str) -> set[str]:
    """The keys of the sub-issues of `key`'s issue."""
    issues = issues_by_key(fake)
    keys = {issue["number"]: key for key, issue in issues.items()}
    return {keys.get(number, f"#{number}") for number in fake.sub_issue_numbers(issues[key]["number"])}


def item_keys(items: Sequence[ActionItem]) -> set[str]:
    return {item.key for item in items}


def test_the_dashboard_parents_every_open_item_and_a_closed_one_leaves_it(fake_github: FakeGitHub) -> None:
    changes, result = sync(fake_github)

    assert result.errors == ()
    assert children(fake_github, "dashboard/default") == item_keys(ITEMS)
    attaches = [op for op in changes.operations if isinstance(op, AttachSubIssue)]
    assert len(attaches) == 3
    assert "attach issue BUG-001 (new) under DASHBOARD (new) as a sub-issue" in changes.describe()
    assert changes.operations[-1] == attaches[-1], "after the creates and links whose issues they need"

    fake_github.clear_log()
    again, _ = sync(fake_github)
    assert again.operations == ()
    assert fake_github.writes() == []
    assert len(fake_github.exchanges) == 4, "issues, labels, milestones and the dashboard's sub-issues"

    changes, result = sync(fake_github, ITEMS[1:], healthy=["suite-failed/api"])

    assert result.errors == ()
    assert children(fake_github, "dashboard/default") == item_keys(ITEMS[1:])
    [detach] = [op for op in changes.operations if isinstance(op, DetachSubIssue)]
    closed = issues_by_key(fake_github)["suite-failed/api"]
    assert closed["state"] == "closed"
    assert detach.describe() == f"detach issue #{closed['number']} from #{detach.parent_number} (DASHBOARD)"
    fake_github.clear_log()
    sync(fake_github, ITEMS[1:], healthy=["suite-failed/api"])
    assert fake_github.writes() == []


def test_children_that_are_not_issueplans_items_and_a_humans_parent_are_left_alone(
    fake_github: FakeGitHub,
) -> None:
    sync(fake_github)
    issues = issues_by_key(fake_github)
    epic = fake_github.human_create_issue(title="Q3 reliability epic", body="People's own parent.")
    note = fake_github.human_create_issue(title="A note for the dashboard", body="A person's child.")
    with fake_github.lock:  # a person rearranges sub-issues in the web UI
        state = fake_github.state
        board = state.issue(issues["dashboard/default"]["number"])
        web = state.issue(issues["suite-failed/web"]["number"])
        assert board is not None
        assert web is not None
        board.sub_issue_ids.remove(web.id)
        parent = state.issue(epic)
        assert parent is not None
        parent.sub_issue_ids.append(web.id)
        web.parent_id = parent.id
        child = state.issue(note)
        assert child is not None
        board.sub_issue_ids.append(child.id)
        child.parent_id = board.id
    fake_github.clear_log()

    changes, _ = sync(fake_github)

    assert changes.operations == ()
    assert fake_github.writes() == []
    assert fake_github.sub_issue_numbers(epic) == [issues["suite-failed/web"]["number"]]
    assert note in fake_github.sub_issue_numbers(issues["dashboard/default"]["number"])


def test_beyond_100_open_items_one_holder_per_priority_holds_them_and_they_come_back_below(
    fake_github: FakeGitHub,
) -> None:
    critical = [make_item(f"suite-failed/c{n}", f"BUG-{n:03}", priority=Priority.CRITICAL) for n in range(3)]
    high = [make_item(f"suite-failed/h{n}", f"BUG-{100 + n:03}") for n in range(110)]
    items = critical + high

    changes, result = sync(fake_github, items)

    assert result.errors == ()
    holders = {
        "dashboard/default/priority/critical",
        "dashboard/default/priority/high",
        "dashboard/default/priority/high/2",
    }
    assert children(fake_github, "dashboard/default") == holders
    assert children(fake_github, "dashboard/default/priority/critical") == item_keys(critical)
    assert children(fake_github, "dashboard/default/priority/high") == item_keys(high[:100])
    assert children(fake_github, "dashboard/default/priority/high/2") == item_keys(high[100:])
    issues = issues_by_key(fake_github)
    assert (
        issues["dashboard/default/priority/high/2"]["title"] == "issueplan dashboard: high priority, part 2"
    )
    assert "GitHub allows at most 100 sub-issues" in issues["dashboard/default/priority/high"]["body"]
    linked = ", ".join(
        f"#{issues[key]['number']} {label}"
        for key, label in (
            ("dashboard/default/priority/critical", "critical priority"),
            ("dashboard/default/priority/high", "high priority"),
            ("dashboard/default/priority/high/2", "high priority, part 2"),
        )
    )
    assert f"so they are held by priority: {linked}\n" in issues["dashboard/default"]["body"]
    assert "DASHBOARD-HIGH-2" not in result.issues, "holders are no items"
    assert result.created == len(items) + 1 + 3, "the items, the dashboard and three holders"

    fake_github.clear_log()
    again, _ = sync(fake_github, items)
    assert again.operations == ()
    assert fake_github.writes() == []
    sub_reads = [e for e in fake_github.exchanges if e.path.endswith("/sub_issues")]
    assert len(sub_reads) == 1 + 3 + 1, "one listing per parent; the full holder's needs one more page"

    # 20 items pass: 93 open items fit under the dashboard again; the holders are emptied and closed.
    fine = [item.key for item in high[:20]]
    changes, result = sync(fake_github, critical + high[20:], healthy=fine)

    assert result.errors == ()
    assert children(fake_github, "dashboard/default") == item_keys(critical + high[20:])
    issues = issues_by_key(fake_github)
    assert all(issues[key]["state"] == "closed" for key in holders)
    assert all(children(fake_github, key) == set() for key in holders)
    assert "**Sub-issues**" not in issues["dashboard/default"]["body"]
    moves = [op for op in changes.operations if isinstance(op, AttachSubIssue) and op.replace_parent]
    assert len(moves) == 93
    closes = [op for op in changes.operations if isinstance(op, CloseIssue)]
    assert len(closes) == 20 + 3
    fake_github.clear_log()
    sync(fake_github, critical + high[20:], healthy=fine)
    assert fake_github.writes() == []


def test_a_server_without_sub_issues_is_left_alone_without_a_failure(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault(path=r"/sub_issues?$", status=404, times=100, body=not_found()))

    changes, result = sync(fake_github)

    assert result.errors == ()
    attaches = [r for r in result.operations if isinstance(r.operation, AttachSubIssue)]
    assert [r.fate for r in attaches] == [Fate.LEFT] * 3
    assert "GitHub answers 404 to sub-issues here" in attaches[0].message
    assert len([e for e in fake_github.exchanges if "sub_issue" in e.path]) == 1, "the first 404 ends it"
    assert len([op for op in changes.operations if isinstance(op, CreateIssue)]) == 4

    fake_github.clear_log()
    again, result = sync(fake_github)
    assert again.operations == ()
    assert result.errors == ()
    assert fake_github.writes() == []
    assert [e.status for e in fake_github.exchanges if "sub_issue" in e.path] == [404], "one read, no write"


def test_s4_a_failed_listing_of_sub_issues_aborts_before_any_write(fake_github: FakeGitHub) -> None:
    sync(fake_github)
    fake_github.inject(Fault(method="GET", path=r"/sub_issues$", status=502, times=100))
    fake_github.clear_log()

    with pytest.raises(GitHubError, match=r"could not list the sub-issues of #\d+: GitHub answered 502"):
        sync(fake_github, ITEMS[1:], healthy=["suite-failed/api"])

    assert fake_github.writes() == [], "not even the close the plan asks for"


def not_found() -> dict[str, str]:
    return {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(API) + r"(?::443)?" + re.escape(f"/repos/octo/demo/{path}") + r"(?:\?|$)")


def test_the_child_is_named_by_its_id_and_a_detach_sends_a_delete_with_a_body() -> None:
    options = SyncOptions(write_interval=0)
    changes = order_changes(
        [
            CreateIssue(key="a", id="BUG-001", title="t", body="b", labels=()),
            AttachSubIssue(
                parent_key="d", parent_id="DASHBOARD", parent_number=1, child_key="a", child_id="BUG-001"
            ),
            AttachSubIssue(
                parent_key="d",
                parent_id="DASHBOARD",
                parent_number=1,
                child_key="b",
                child_id="BUG-002",
                child_number=4,
                child_issue_id=904,
                replace_parent=True,
            ),
            DetachSubIssue(parent_number=1, parent_id="DASHBOARD", child_number=3, child_issue_id=903),
        ]
    )
    with responses.RequestsMock() as rsps:
        rsps.get(re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={})
        rsps.post(url("issues"), status=201, json={"number": 11, "id": 9011})
        rsps.post(url("issues/1/sub_issues"), status=201, json={"number": 1, "id": 901})
        rsps.delete(url("issues/1/sub_issue"), json={"number": 1, "id": 901})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(changes, repo, options)
        sent = [(call.request.method, json.loads(call.request.body or b"{}")) for call in rsps.calls[2:]]

    assert result.errors == ()
    assert sent == [
        ("POST", {"sub_issue_id": 9011}),
        ("POST", {"sub_issue_id": 904, "replace_parent": True}),
        ("DELETE", {"sub_issue_id": 903}),
    ]


def test_a_refused_attach_is_a_failure_with_githubs_message() -> None:
    options = SyncOptions(write_interval=0)
    attach = AttachSubIssue(
        parent_key="d",
        parent_id="DASHBOARD",
        parent_number=1,
        child_key="a",
        child_id="BUG-001",
        child_number=2,
        child_issue_id=902,
    )
    refusal = {
        "message": "Validation Failed",
        "errors": [{"message": "Issue may not contain duplicate parents"}],
    }
    with responses.RequestsMock() as rsps:
        rsps.get(re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={})
        rsps.post(url("issues/1/sub_issues"), status=422, json=refusal)
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(order_changes([attach]), repo, options)

    [failed] = result.failed
    assert failed.status == 422
    assert (
        "attach issue #2 (BUG-001) under #1 (DASHBOARD) as a sub-issue: 422 Validation Failed"
        in (result.errors[0])
    )
