"""The fake's issue types and assignees answer as GitHub does, within GitHub's description (the extra
operations of tests/data/github-api-extra), and 404 where the repository lacks them."""

from __future__ import annotations

from collections.abc import Callable

import requests

from issueplan.tracker.sandbox import Exchange, FakeGitHub

Check = Callable[[str, list[Exchange]], list[str]]


def _session() -> requests.Session:
    http = requests.Session()
    http.headers["Authorization"] = "Bearer t"
    return http


def test_a_repository_without_issue_types_answers_404(fake_github: FakeGitHub) -> None:
    answer = _session().get(f"{fake_github.base_url}/repos/octo/demo/issue-types", timeout=10)

    assert answer.status_code == 404
    assert answer.json()["message"] == "Not Found"


def test_issue_types_are_listed_set_on_create_and_refused_when_unknown(
    fake_github: FakeGitHub, contract_problems: Check
) -> None:
    fake_github.offer_issue_types(["Bug", "Feature", "Task"])
    http, repo = _session(), f"{fake_github.base_url}/repos/octo/demo"

    listed = http.get(f"{repo}/issue-types", timeout=10)
    created = http.post(f"{repo}/issues", json={"title": "t", "type": "bug"}, timeout=10)
    unknown = http.post(f"{repo}/issues", json={"title": "t", "type": "Epic"}, timeout=10)
    cleared = http.patch(f"{repo}/issues/{created.json()['number']}", json={"type": None}, timeout=10)

    assert [entry["name"] for entry in listed.json()] == ["Bug", "Feature", "Task"]
    assert created.status_code == 201
    assert created.json()["type"]["name"] == "Bug"
    assert unknown.status_code == 422
    assert cleared.json()["type"] is None
    assert contract_problems(fake_github.site.origin, fake_github.exchanges) == []


def test_assignability_is_204_for_a_collaborator_and_404_for_anyone_else(
    fake_github: FakeGitHub, contract_problems: Check
) -> None:
    fake_github.allow_assignees(["alice"])
    http, repo = _session(), f"{fake_github.base_url}/repos/octo/demo"

    statuses = [http.get(f"{repo}/assignees/{login}", timeout=10).status_code for login in ("Alice", "bob")]
    listed = http.get(f"{repo}/assignees", timeout=10).json()

    assert statuses == [204, 404]
    assert [user["login"] for user in listed] == ["alice"]
    assert contract_problems(fake_github.site.origin, fake_github.exchanges) == []
