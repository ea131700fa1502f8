"""read_state at the HTTP boundary (`responses`): what counts as managed, pagination, and failed reads."""

from __future__ import annotations

import re
from typing import Any

import pytest
import responses
from tracker_plans import make_item

from issueplan.errors import GitHubError
from issueplan.render.issue import render_issue_body
from issueplan.tracker.github import connect
from issueplan.tracker.options import GitHubTarget, SyncOptions
from issueplan.tracker.state import read_state

API = "https://api.github.com"
REPO = f"{API}/repos/octo/demo"
BOT = "github-actions[bot]"


def url(path: str) -> re.Pattern[str]:
    # PyGithub sends https://api.github.com:443/... (FACTS §13): match with or without the port.
    return re.compile(re.escape(API) + r"(?::443)?" + re.escape(f"/repos/octo/demo/{path}") + r"(?:\?|$)")


def issue_json(
    number: int, body: str, *, labels: tuple[str, ...] = ("issueplan",), **extra: Any
) -> dict[str, Any]:
    return {
        "number": number,
        "id": 9000 + number,
        "title": f"issue {number}",
        "body": body,
        "state": "open",
        "state_reason": None,
        "labels": [{"name": name} for name in labels],
        "milestone": None,
        "assignees": [{"login": "alice"}],
        "user": {"login": BOT},
        "created_at": "2025-08-20T10:00:00Z",
        **extra,
    }


def marker_body(key: str, item_id: str, scope: str = "default") -> str:
    return render_issue_body(make_item(key, item_id), scope=scope)


def repo() -> Any:
    return connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), SyncOptions(write_interval=0))


def add_catalog(rsps: responses.RequestsMock) -> None:
    rsps.get(url("labels"), json=[{"name": "issueplan", "color": "1d76db", "description": None}])
    rsps.get(
        url("milestones"),
        json=[
            {
                "number": 1,
                "title": "Critical action items",
                "state": "open",
                "due_on": "2025-08-23T07:00:00Z",
                "description": None,
                "open_issues": 2,
            }
        ],
    )


def test_managed_means_our_label_and_a_valid_marker_of_this_scope() -> None:
    page = [
        issue_json(1, marker_body("a", "BUG-001")),
        issue_json(2, marker_body("b", "BUG-002"), labels=("other",)),  # R5: a stranger's marker alone
        issue_json(3, marker_body("c", "BUG-003", scope="nightly")),
        issue_json(4, "no marker here"),
        issue_json(5, marker_body("d", "BUG-004"), pull_request={"url": "x"}),
        issue_json(6, marker_body("e", "BUG-005"), state="closed", state_reason="completed"),
    ]
    with responses.RequestsMock() as rsps:
        rsps.get(url("issues"), json=page)
        add_catalog(rsps)
        state = read_state(repo(), label="issueplan", scope="default")

    assert [issue.number for issue in state.issues] == [1, 6]
    assert state.issues[0].assignees == ("alice",)
    assert state.milestones[0].due_on is not None
    assert state.milestones[0].due_on.isoformat() == "2025-08-23"
    assert sorted(state.known_items("default")) == ["a", "e"]  # closed issues keep their ids too


def test_issues_by_another_author_are_ignored_when_the_login_is_known() -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(url("issues"), json=[issue_json(1, marker_body("a", "BUG-001"), user={"login": "mallory"})])
        add_catalog(rsps)
        state = read_state(repo(), label="issueplan", scope="default", login=BOT)
    assert state.issues == ()


def test_pages_are_followed_by_link_and_asked_for_100_at_a_time_with_state_all() -> None:
    next_page = f"{API}/repositories/1/issues?state=all&labels=issueplan&per_page=100&page=2"
    with responses.RequestsMock() as rsps:
        rsps.get(
            url("issues"),
            json=[issue_json(n, marker_body(f"k{n}", f"BUG-{n:03d}")) for n in range(1, 101)],
            headers={"link": f'<{next_page}>; rel="next", <{next_page}>; rel="last"'},
        )
        rsps.get(
            re.compile(re.escape(API) + r"(?::443)?/repositories/1/issues"),
            json=[issue_json(101, marker_body("k101", "BUG-101"))],
        )
        add_catalog(rsps)
        state = read_state(repo(), label="issueplan", scope="default")
        first = rsps.calls[0].request.url or ""
        calls = len(rsps.calls)

    assert len(state.issues) == 101
    assert calls == 4  # two pages of issues, one of labels, one of milestones
    assert "state=all" in first
    assert "per_page=100" in first
    assert "labels=issueplan" in first


def test_s4_a_failed_page_is_a_github_error_that_says_nothing_was_written() -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(url("issues"), status=500, json={"message": "Server Error"})
        with pytest.raises(GitHubError, match=r"500 \(Server Error\); nothing was written"):
            read_state(repo(), label="issueplan", scope="default")


@pytest.mark.parametrize(
    "foreign",
    [
        "https://uploads.github.com/repos/octo/demo/issues?page=2",  # PyGithub would send the token here
        "http://api.github.com/repos/octo/demo/issues?page=2",  # the same host in clear text
        "https://api.github.com:8443/repos/octo/demo/issues?page=2",
        "https://user:pw@api.github.com/repos/octo/demo/issues?page=2",
    ],
)
def test_s21_a_next_link_off_the_api_origin_is_never_requested(foreign: str) -> None:
    """S21: PyGithub itself follows a link to any host of the API's domain, with the token."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(
            url("issues"),
            json=[issue_json(n, marker_body(f"k{n}", f"BUG-{n:03d}")) for n in range(1, 101)],
            headers={"link": f'<{foreign}>; rel="next"'},
        )
        trap = rsps.get(
            re.compile(r"https?://(uploads\.github\.com|api\.github\.com:8443|api\.github\.com/)")
        )
        add_catalog(rsps)
        with pytest.raises(GitHubError, match=r"points to another host .*the token was not sent there"):
            read_state(repo(), label="issueplan", scope="default")
        assert trap.call_count == 0
        assert len(rsps.calls) == 1


def test_s21_a_relative_next_link_and_a_comma_in_its_query_are_followed_on_the_api_host() -> None:
    page = [issue_json(n, marker_body(f"k{n}", f"BUG-{n:03d}")) for n in range(1, 101)]
    relative = "/repositories/1/issues?labels=issueplan,extra&page=2"
    with responses.RequestsMock() as rsps:
        link = f'<{relative}>; rel="next"; foo=bar, <x>; rel=last'
        rsps.get(url("issues"), json=page, headers={"link": link})
        second = rsps.get(
            re.compile(re.escape(API) + r"(?::443)?/repositories/1/issues"),
            json=[issue_json(101, marker_body("k101", "BUG-101"))],
        )
        add_catalog(rsps)
        state = read_state(repo(), label="issueplan", scope="default")
        assert second.call_count == 1
    assert len(state.issues) == 101


def test_s21_a_megabyte_link_header_is_refused_as_malformed() -> None:
    """The header comes from the server: reading it stays linear (a backtracking parser would never end)."""
    hostile = "<" + API + "/x>" + " " * 1_000_000 + "!"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(url("issues"), json=[], headers={"link": hostile})
        add_catalog(rsps)
        with pytest.raises(GitHubError, match=r"Link header is malformed"):
            read_state(repo(), label="issueplan", scope="default")
