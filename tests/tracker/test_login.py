"""The tool's own login (DESIGN decision 2): where it is known (given in the options), an issue by another
author is not managed, even with the managed label and a valid marker. It is never looked up: no request."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tracker_plans import make_item, remembering

from issueplan.model import ActionItem
from issueplan.render.issue import render_issue_body
from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker import GitHubTarget, SyncOptions, SyncResult, sync_plan
from issueplan.tracker.sandbox import FakeGitHub

ITEMS = [make_item("suite-failed/unit", "BUG-001"), make_item("suite-failed/api", "BUG-002")]


def sync(fake: FakeGitHub, items: Sequence[ActionItem], **options: Any) -> SyncResult:
    target = GitHubTarget(api_url=fake.base_url, repo="octo/demo", token="test-token")
    settings = SyncOptions(write_interval=0, **options)
    _, _, result = sync_plan(remembering(items), target, settings, sleep=lambda _: None)  # type: ignore[arg-type]
    return result


def forge(fake: FakeGitHub, item: ActionItem, user: str = "mallory") -> int:
    """Someone with triage access opens an issue for `item` with the managed label and a valid marker."""
    body = render_issue_body(item, scope="default")
    return fake.human_create_issue(title="forged", body=body, labels=["issueplan"], user=user)


def issues_for(fake: FakeGitHub, key: str) -> list[dict[str, Any]]:
    return [
        issue
        for issue in fake.issues()
        if (parsed := parse_issue_body(issue["body"] or "")) is not None and parsed.marker.key == key
    ]


def user_lookups(fake: FakeGitHub) -> list[int]:
    return [exchange.status for exchange in fake.exchanges if exchange.path.endswith("/user")]


def test_a_login_given_in_the_options_is_used_without_asking(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    fake = fake_github_factory(login="alice")
    forged = forge(fake, ITEMS[0])

    result = sync(fake, ITEMS[:1], login="Alice")

    assert user_lookups(fake) == []
    assert result.created == 1
    assert result.issues["BUG-001"] != forged
    assert fake.issues()[forged - 1]["state"] == "open"  # not healed as a duplicate: it is not ours


def test_issues_all_by_one_author_cost_no_extra_request(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    fake = fake_github_factory(login="alice")
    sync(fake, ITEMS)
    fake.clear_log()

    sync(fake, ITEMS)

    assert fake.writes() == []
    assert len(fake.exchanges) == 3
    assert user_lookups(fake) == []


def test_with_an_actions_token_the_login_is_unknown_and_the_label_and_marker_decide(
    fake_github: FakeGitHub,
) -> None:
    """The login is not looked up (`GET /user` answers 403 to an installation token) nor guessed (a wrong
    guess would disown every issue the tool made): the label and a valid marker decide."""
    sync(fake_github, ITEMS[:1])
    forged = forge(fake_github, ITEMS[1])
    fake_github.clear_log()

    result = sync(fake_github, ITEMS)

    assert user_lookups(fake_github) == []
    assert result.errors == ()
    assert result.created == 0
    assert result.issues["BUG-002"] == forged
