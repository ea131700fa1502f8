"""Injected faults: GitHub's failure modes, as a sync meets them through PyGithub and plain HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
import requests
from github import Auth, Github, GithubException, RateLimitExceededException

from issueplan.tracker.sandbox import FakeGitHub, Fault


def client(fake: FakeGitHub) -> Github:
    return Github(
        base_url=fake.base_url,
        auth=Auth.Token("t"),
        per_page=100,
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )


def send(fake: FakeGitHub, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        fake.base_url + path, data=data, method=method, headers={"Authorization": "token t"}
    )
    try:
        with urllib.request.urlopen(request) as answer:
            raw = answer.read()
            return answer.status, dict(answer.headers.items()), json.loads(raw) if raw else None
    except urllib.error.HTTPError as failure:
        raw = failure.read()
        return failure.code, dict(failure.headers.items()), json.loads(raw) if raw else None


def test_secondary_rate_limit_without_retry_after(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.secondary_rate_limit(method="POST", path=r"/issues$"))
    repo = client(fake_github).get_repo("octo/demo")

    with pytest.raises(RateLimitExceededException) as caught:
        repo.create_issue(title="t")

    assert caught.value.status == 403
    assert "secondary rate limit" in caught.value.data["message"]
    assert "retry-after" not in fake_github.exchanges[-1].response_headers
    assert repo.create_issue(title="t").number == 2  # `times` defaults to one


def test_secondary_rate_limit_with_retry_after(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.secondary_rate_limit(30))

    status, headers, body = send(fake_github, "GET", "/repos/octo/demo/labels")

    assert (status, headers["retry-after"]) == (403, "30")
    assert body["message"].startswith("You have exceeded a secondary rate limit")


def test_too_many_requests_answers_429_with_retry_after_7(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.too_many_requests())

    status, headers, _ = send(fake_github, "GET", "/repos/octo/demo/issues")

    assert (status, headers["retry-after"]) == (429, "7")


def test_primary_rate_limit_says_when_it_resets(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.primary_rate_limit(1_736_946_000))

    status, headers, _ = send(fake_github, "GET", "/repos/octo/demo/issues")

    assert status == 403
    assert (headers["x-ratelimit-remaining"], headers["x-ratelimit-reset"]) == ("0", "1736946000")


def test_forbidden_integration_is_a_plain_403(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.forbidden_integration(method="POST"))
    repo = client(fake_github).get_repo("octo/demo")

    with pytest.raises(GithubException) as caught:
        repo.create_label("issueplan", "ededed")

    assert not isinstance(caught.value, RateLimitExceededException)
    assert (caught.value.status, caught.value.data["message"]) == (
        403,
        "Resource not accessible by integration",
    )
    assert fake_github.labels() == []


def test_server_errors_answer_for_their_count_then_recover(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.server_error(502, method="GET", path=r"/issues$", times=2))
    repo = client(fake_github).get_repo("octo/demo")

    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(len(list(repo.get_issues(state="all"))))
        except GithubException as failure:
            outcomes.append(failure.status)

    assert outcomes == [502, 502, 1]


def test_apply_first_creates_the_issue_and_still_answers_502(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.server_error(502, method="POST", path=r"/issues$", apply_first=True))
    repo = client(fake_github).get_repo("octo/demo")

    with pytest.raises(GithubException) as caught:
        repo.create_issue(title="ambiguous", labels=["issueplan"])

    assert caught.value.status == 502
    assert [i["title"] for i in fake_github.issues()] == [
        "Seeded pull request: issue listings include pull requests",
        "ambiguous",
    ]
    assert fake_github.writes()[-1].injected


def test_a_dropped_connection_is_recorded_with_status_0(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault(method="GET", path=r"/labels$", drop_connection=True))

    with pytest.raises(requests.ConnectionError):
        requests.get(
            f"{fake_github.base_url}/repos/octo/demo/labels", headers={"Authorization": "token t"}, timeout=5
        )

    assert fake_github.exchanges[-1].status == 0
    assert send(fake_github, "GET", "/repos/octo/demo/labels")[0] == 200


def test_faults_match_method_and_path(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.server_error(500, method="PATCH", path=r"/issues/\d+$"))

    listed = send(fake_github, "GET", "/repos/octo/demo/issues/1")[0]
    patched = send(fake_github, "PATCH", "/repos/octo/demo/issues/1", {"title": "x"})[0]

    assert (listed, patched) == (200, 500)


def test_a_fault_with_a_custom_body_and_headers(fake_github: FakeGitHub) -> None:
    body = {
        "message": "Issues are disabled for this repo",
        "documentation_url": "https://docs.github.com/rest",
    }
    fake_github.inject(
        Fault(method="POST", path="/issues$", status=410, body=body, headers={"x-why": "test"})
    )

    status, headers, answer = send(fake_github, "POST", "/repos/octo/demo/issues", {"title": "t"})

    assert (status, headers["x-why"], answer) == (410, "test", body)


def test_a_rewritten_listing_keeps_the_real_entries_under_another_link(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.link_header('<{self}>; rel="next"', path=r"/labels$"))
    fake_github.human_create_label("bug")

    status, headers, body = send(fake_github, "GET", "/repos/octo/demo/labels?per_page=5")

    assert status == 200
    assert [label["name"] for label in body] == ["bug"]
    assert headers["link"] == f'<{fake_github.site.origin}/repos/octo/demo/labels?per_page=5>; rel="next"'
    assert fake_github.exchanges[-1].injected
    _, headers, _ = send(fake_github, "GET", "/repos/octo/demo/labels?per_page=5")
    assert "link" not in headers, "`times` defaults to one"


def test_a_repeated_entry_and_an_odd_value_change_only_the_first_entry(fake_github: FakeGitHub) -> None:
    fake_github.human_create_label("bug")
    fake_github.human_create_label("docs")
    fake_github.inject(Fault.repeated_entry(path=r"/labels$"))
    fake_github.inject(Fault.odd_value("color", 7, path=r"/labels$"))

    _, _, repeated = send(fake_github, "GET", "/repos/octo/demo/labels")
    _, _, odd = send(fake_github, "GET", "/repos/octo/demo/labels")

    assert [label["name"] for label in repeated] == ["bug", "docs", "bug"]
    assert odd[0]["color"] == 7
    assert odd[1]["color"] != 7


def test_human_label_deletion_and_renaming(fake_github: FakeGitHub) -> None:
    number = fake_github.human_create_issue(title="t", body="b", labels=["bug", "docs"])
    fake_github.human_delete_label("bug")
    fake_github.human_rename_label("docs", "documentation")

    issue = next(i for i in fake_github.issues() if i["number"] == number)
    assert [label["name"] for label in issue["labels"]] == ["documentation"]
    assert "bug" not in {label["name"] for label in fake_github.labels()}
