"""The contract check behind the `fake_github` fixture can fail; the description it uses is valid."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from openapi_spec_validator import validate

from github_description import load_description
from issueplan.tracker.sandbox import Exchange, FakeGitHub

ORIGIN = "http://127.0.0.1:8080"
# the project's copy of GitHub's description (tests/data/github-api/README.md), as conftest.py loads it
GITHUB_API_DESCRIPTION = (
    Path(__file__).resolve().parents[1] / "data" / "github-api" / "openapi-issues-subset.json"
)
Check = Callable[[str, list[Exchange]], list[str]]


def exchange(**changes: Any) -> Exchange:
    base: dict[str, Any] = {
        "method": "POST",
        "path": "/repos/octo/demo/labels",
        "query": {},
        "headers": {"content-type": "application/json"},
        "body": {"name": "bug", "color": "ededed"},
        "status": 201,
        "response_headers": {},
        "response_body": {
            "id": 1,
            "node_id": "x",
            "url": "http://127.0.0.1:8080/repos/octo/demo/labels/bug",
            "name": "bug",
            "description": None,
            "color": "ededed",
            "default": False,
        },
    }
    return Exchange(**{**base, **changes})


def test_the_api_description_is_valid_openapi() -> None:
    validate(json.loads(GITHUB_API_DESCRIPTION.read_text(encoding="utf-8")))
    validate(load_description())


def test_a_well_formed_exchange_passes(contract_problems: Check) -> None:
    assert contract_problems(ORIGIN, [exchange()]) == []


def test_an_answer_missing_a_required_field_is_a_violation(
    contract_problems: Check,
) -> None:
    broken = exchange(response_body={"name": "bug"})

    (problem,) = contract_problems(ORIGIN, [broken])

    assert "breaks GitHub's schema" in problem


def test_accepting_a_request_github_refuses_is_a_violation(
    contract_problems: Check,
) -> None:
    accepted = exchange(body={"color": "ededed"})  # `name` is required

    problems = contract_problems(ORIGIN, [accepted])

    assert any("accepted a request" in p for p in problems)


def test_refusing_a_bad_request_is_fine(
    contract_problems: Check,
) -> None:
    refused = exchange(
        body={"color": "ededed"},
        status=422,
        response_body={
            "message": "Validation Failed",
            "errors": [{"resource": "Label", "code": "missing_field", "field": "name"}],
            "documentation_url": "https://docs.github.com/rest",
        },
    )

    assert contract_problems(ORIGIN, [refused]) == []


def test_an_unlisted_status_still_needs_githubs_error_body(
    contract_problems: Check,
) -> None:
    shaped = exchange(status=502, injected=True, response_body={"message": "x", "documentation_url": "y"})
    bare = exchange(status=502, injected=True, response_body="<html>Bad gateway</html>")

    assert contract_problems(ORIGIN, [shaped]) == []
    assert len(contract_problems(ORIGIN, [bare])) == 1


def test_every_answer_of_a_busy_session_keeps_the_contract(
    contract_problems: Check, fake_github: FakeGitHub
) -> None:
    """Drives most endpoints over raw HTTP (including error paths) and checks the whole log at once."""
    http = requests.Session()
    http.headers["Authorization"] = "Bearer t"
    repo = f"{fake_github.base_url}/repos/octo/demo"
    calls: list[tuple[str, str, Any]] = [
        ("POST", "/labels", {"name": "issueplan", "color": "0E8A16", "description": "managed"}),
        ("POST", "/milestones", {"title": "m", "due_on": "2025-03-09T12:00:00Z", "description": "d"}),
        ("POST", "/issues", {"title": "a", "body": "b", "labels": ["issueplan"], "milestone": 1}),
        ("POST", "/issues", {"title": "c", "assignees": ["mona"]}),
        ("PATCH", "/issues/2", {"state": "closed", "state_reason": "not_planned"}),
        ("PATCH", "/issues/2", {"labels": [], "milestone": None}),
        ("POST", "/issues/2/comments", {"body": "hello"}),
        ("POST", "/issues/2/sub_issues", {"sub_issue_id": 5_000_005}),
        ("POST", "/issues/3/dependencies/blocked_by", {"issue_id": 5_000_004}),
        ("GET", "/issues/2/sub_issues", None),
        ("GET", "/issues/3/dependencies/blocked_by", None),
        ("GET", "/issues/2/dependencies/blocking", None),
        ("GET", "/issues?state=all&labels=issueplan&per_page=100", None),
        ("GET", "/issues/2/comments", None),
        ("GET", "/issues/2/labels", None),
        ("GET", "/labels/ISSUEPLAN", None),
        ("PATCH", "/labels/issueplan", {"new_name": "issueplan", "description": "still managed"}),
        ("GET", "/milestones?state=all", None),
        ("PATCH", "/milestones/1", {"state": "closed"}),
        ("GET", "/milestones/1", None),
        ("GET", "/milestones/9", None),
        ("POST", "/labels", {"name": "ISSUEPLAN", "color": "ededed"}),
        ("POST", "/issues", {"title": "x" * 300}),
        ("DELETE", "/issues/3/dependencies/blocked_by/5000004", None),
        ("DELETE", "/issues/2/sub_issue", {"sub_issue_id": 5_000_005}),
        ("DELETE", "/issues/2/labels", None),
        ("DELETE", "/milestones/1", None),
        ("DELETE", "/labels/issueplan", None),
        ("GET", "", None),
    ]
    statuses = []
    for method, path, body in calls:
        statuses.append(http.request(method, repo + path, json=body, timeout=10).status_code)

    assert [s for s in statuses if s >= 400] == [404, 422, 422]
    assert contract_problems(fake_github.site.origin, fake_github.exchanges) == []
