"""Issue types: read once from the repository, set on create where the repository has the mapped type, given
to an untyped issue with its next update, never replacing a type a human chose, and not asked for at all
where the repository answers 404 (tracker/issue_types.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
import responses
from tracker_plans import make_item, remembering

from issueplan.errors import GitHubError
from issueplan.model import ActionItem, ItemType, Priority
from issueplan.policy.issue_types import IssueTypeNames
from issueplan.tracker import GitHubTarget, SyncOptions, SyncResult, sync_plan
from issueplan.tracker.changes import ChangeSet, CreateIssue, UpdateIssue, order_changes
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.issue_types import read_issue_types
from issueplan.tracker.sandbox import FakeGitHub

API = "https://api.github.com"
TYPES = IssueTypeNames().mapping()
ITEMS = [
    make_item("suite-failed/api", "BUG-001", priority=Priority.CRITICAL),
    make_item("rule/SEC-001", "SEC-001", type_=ItemType.SECURITY),
    make_item("rule/ENH-001", "ENH-001", type_=ItemType.ENHANCEMENT, priority=Priority.LOW),
    make_item("rule/INF-001", "INF-001", type_=ItemType.INFRASTRUCTURE, priority=Priority.MEDIUM),
]


def url(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(API) + r"(?::443)?" + re.escape(f"/repos/octo/demo/{path}") + r"(?:\?|$)")


def sync(
    fake: FakeGitHub, items: Sequence[ActionItem] = ITEMS, **options: Any
) -> tuple[ChangeSet, SyncResult]:
    target = GitHubTarget(api_url=fake.base_url, repo="octo/demo", token="test-token")
    settings = SyncOptions(write_interval=0, issue_types=TYPES, **options)
    _, changes, result = sync_plan(remembering(items), target, settings, sleep=lambda _: None)  # type: ignore[arg-type]
    return changes, result


def types_by_id(fake: FakeGitHub) -> dict[str, str | None]:
    return {
        item_id: issue["type"]["name"] if issue.get("type") else None
        for issue in fake.issues()
        if (item_id := _id(issue)) is not None
    }


def test_the_repositorys_types_are_set_in_the_create_request_matched_by_case(fake_github: FakeGitHub) -> None:
    fake_github.offer_issue_types(["bug", "Feature", "Epic"])  # no Task: INF-001 gets none

    changes, result = sync(fake_github)

    assert result.errors == ()
    assert types_by_id(fake_github) == {
        "BUG-001": "bug",
        "SEC-001": "bug",
        "ENH-001": "Feature",
        "INF-001": None,
    }
    creates = [e for e in fake_github.writes() if e.method == "POST" and e.path.endswith("/issues")]
    assert [e.body.get("type") for e in creates] == ["bug", "bug", "Feature", None]
    shown = [line for line in changes.describe() if line.startswith("create issue BUG-001:")]
    assert len(shown) == 1
    assert ", type 'bug' [" in shown[0]

    fake_github.clear_log()
    again, _ = sync(fake_github)
    assert again.operations == ()
    assert fake_github.writes() == []
    assert [e.path for e in fake_github.exchanges].count("/repos/octo/demo/issue-types") == 1


def test_no_type_is_asked_for_where_the_repository_has_none(fake_github: FakeGitHub) -> None:
    _, result = sync(fake_github)  # the fake's repository offers no types: the listing answers 404

    assert result.errors == ()
    creates = [e for e in fake_github.writes() if e.method == "POST" and e.path.endswith("/issues")]
    assert len(creates) == len(ITEMS)
    assert all("type" not in e.body for e in creates)
    listing = [e for e in fake_github.exchanges if e.path.endswith("/issue-types")]
    assert [e.status for e in listing] == [404], "one read; the 404 is no error"


def test_an_untyped_issue_gets_its_type_with_one_update_and_a_humans_type_is_kept(
    fake_github: FakeGitHub,
) -> None:
    sync(fake_github)  # before the organisation had types: none set
    numbers = {
        item_id: issue["number"] for issue in fake_github.issues() for item_id in [_id(issue)] if item_id
    }
    fake_github.offer_issue_types(["Bug", "Feature", "Task", "Epic"])
    fake_github.human_set_issue_type(numbers["ENH-001"], "Epic")
    fake_github.clear_log()

    changes, result = sync(fake_github)

    assert result.errors == ()
    updates = [op for op in changes.operations if isinstance(op, UpdateIssue)]
    assert sorted((op.id, op.issue_type) for op in updates) == [
        ("BUG-001", "Bug"),
        ("INF-001", "Task"),
        ("SEC-001", "Bug"),
    ]
    patches = [e for e in fake_github.writes() if e.method == "PATCH"]
    assert len(patches) == 3, "one request each, nothing else changed"
    assert all(e.body == {"type": e.body["type"]} for e in patches)
    assert types_by_id(fake_github)["ENH-001"] == "Epic", "the type a human chose stays"
    assert f"update issue #{numbers['SEC-001']} (SEC-001): type → 'Bug'" in changes.describe()

    fake_github.clear_log()
    sync(fake_github)
    assert fake_github.writes() == []


def test_a_type_joins_the_update_the_issue_gets_anyway(fake_github: FakeGitHub) -> None:
    sync(fake_github, ITEMS[:1])
    fake_github.offer_issue_types(["Bug"])
    fake_github.clear_log()
    retitled = ITEMS[0].model_copy(update={"title": "Fix: the api suite"})

    sync(fake_github, [retitled])

    [patch] = [e for e in fake_github.writes() if e.method == "PATCH"]
    assert patch.body["type"] == "Bug"
    assert patch.body["title"].endswith("Fix: the api suite")


def test_an_empty_mapping_reads_no_types(fake_github: FakeGitHub) -> None:
    fake_github.offer_issue_types(["Bug"])
    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="test-token")
    sync_plan(remembering(ITEMS), target, SyncOptions(write_interval=0), sleep=lambda _: None)  # type: ignore[arg-type]

    assert not [e for e in fake_github.exchanges if e.path.endswith("/issue-types")]
    assert set(types_by_id(fake_github).values()) == {None}


def _id(issue: dict[str, Any]) -> str | None:
    match = re.search(r'"id":"([A-Z]+-\d+)"', issue["body"] or "")
    return match.group(1) if match else None


@pytest.mark.parametrize("status", [403, 404])
def test_a_repository_without_types_or_a_token_that_cannot_see_them_reads_as_none(status: int) -> None:
    options = SyncOptions(write_interval=0)
    with responses.RequestsMock() as rsps:
        rsps.get(url("issue-types"), status=status, json={"message": "Not Found", "documentation_url": "x"})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        assert read_issue_types(repo) is None
        assert len(rsps.calls) == 1


def test_the_types_are_read_by_name_and_a_server_error_fails_the_read() -> None:
    options = SyncOptions(write_interval=0)
    with responses.RequestsMock() as rsps:
        rsps.get(url("issue-types"), json=[{"id": 1, "node_id": "IT_1", "name": "Bug", "description": None}])
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        assert read_issue_types(repo) == ("Bug",)
    with responses.RequestsMock() as rsps:
        rsps.get(url("issue-types"), status=422, json={"message": "Validation Failed"})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        with pytest.raises(
            GitHubError, match="could not list the repository's issue types: GitHub answered 422"
        ):
            read_issue_types(repo)


def test_the_applier_sends_the_type_in_the_create_and_the_update_request() -> None:
    options = SyncOptions(write_interval=0)
    changes = order_changes(
        [
            CreateIssue(key="a", id="BUG-001", title="t", body="b", labels=("issueplan",), issue_type="Bug"),
            UpdateIssue(number=7, key="b", id="ENH-001", issue_type="Feature"),
        ]
    )
    with responses.RequestsMock() as rsps:
        rsps.get(re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={})
        rsps.patch(url("issues/7"), json={"number": 7, "id": 907})
        rsps.post(url("issues"), status=201, json={"number": 11, "id": 9011})
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(changes, repo, options)
        sent = [json.loads(call.request.body or b"{}") for call in rsps.calls[1:]]

    assert result.errors == ()
    assert sent == [
        {"type": "Feature"},
        {"title": "t", "body": "b", "labels": ["issueplan"], "type": "Bug"},
    ]
