"""Real GitHub exchanges (octokit's 2022 recordings) replayed against the fake: same status class, and at
least the keys GitHub answered. Keeps the fake's parsers and shapes honest about what real clients send."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from issueplan.tracker.sandbox import FakeGitHub

# Scenarios about endpoints the fake serves; `rename-repository` (PATCH /repos, 301/307) is out of its scope.
SCENARIOS = ("add-labels-to-issue", "errors", "get-repository", "labels", "lock-issue", "paginate-issues")
OWNER = "octokit-fixture-org"
# octokit/fixtures 23.1.2 (MIT), copied unchanged: tests/data/github-api/README.md
RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "github-api" / "octokit-fixtures"


def keys(body: Any) -> set[str]:
    if isinstance(body, list):
        return set(body[0]) if body else set()
    return set(body) if isinstance(body, dict) else set()


def load(scenario: str) -> list[dict[str, Any]]:
    path = RECORDINGS / scenario / "normalized-fixture.json"
    exchanges: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return exchanges


def repo_name(exchanges: list[dict[str, Any]]) -> str:
    first = next(e["path"] for e in exchanges if e["path"].startswith(f"/repos/{OWNER}/"))
    return first.split("/")[3].split("?")[0]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_recorded_github_exchanges_replay_on_the_fake(
    scenario: str, fake_github_factory: Callable[..., FakeGitHub]
) -> None:
    recorded = load(scenario)
    repo = repo_name(recorded)
    fake = fake_github_factory(owner=OWNER, repo=repo)
    if scenario == "paginate-issues":
        for n in range(13):
            fake.human_create_issue(title=f"Issue {n}", body="")
    if scenario == "labels":  # a new GitHub repository comes with its default labels
        for label in recorded[0]["response"]:
            fake.human_create_label(label["name"], label["color"], label["description"])
    if scenario == "lock-issue":
        fake.human_create_issue(title="to lock", body="")
    numbers: dict[str, str] = {"1": "2"}  # the fake's #1 is its seeded pull request
    http = requests.Session()
    http.headers["Authorization"] = "token 0000000000000000000000000000000000000001"

    for exchange in recorded:
        path = re.sub(r"^/repositories/\d+", f"/repos/{OWNER}/{repo}", exchange["path"])
        path = re.sub(r"/issues/(\d+)", lambda m: f"/issues/{numbers.get(m[1], m[1])}", path)
        body = exchange["body"] if exchange["body"] != "" else None
        answer = http.request(exchange["method"].upper(), fake.base_url + path, json=body, timeout=10)
        ours = answer.json() if answer.content else None

        where = f"{scenario}: {exchange['method'].upper()} {exchange['path']}"
        assert answer.status_code // 100 == exchange["status"] // 100, where
        assert keys(exchange["response"]) <= keys(ours), where
        if path.endswith("/issues") and exchange["method"] == "post":
            numbers[str(exchange["response"]["number"])] = str(ours["number"])


def test_the_recorded_validation_error_is_reproduced_exactly(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    (recorded,) = load("errors")
    fake = fake_github_factory(owner=OWNER, repo="errors")

    answer = requests.post(
        f"{fake.base_url}{recorded['path']}",
        json=recorded["body"],
        headers={"Authorization": "token t"},
        timeout=10,
    )

    assert answer.status_code == 422
    assert answer.json()["errors"] == recorded["response"]["errors"]
    assert answer.json()["message"] == recorded["response"]["message"]


def test_auto_created_labels_keep_their_case_like_the_recording(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    recorded = load("add-labels-to-issue")[1]
    fake = fake_github_factory(owner=OWNER, repo="add-labels-to-issue")
    number = fake.human_create_issue(title="Issue without a label", body="")

    answer = requests.post(
        f"{fake.base_url}/repos/{OWNER}/add-labels-to-issue/issues/{number}/labels",
        json=recorded["body"],
        headers={"Authorization": "token t"},
        timeout=10,
    )

    expected = [(lb["name"], lb["color"], lb["default"]) for lb in recorded["response"]]
    assert [(lb["name"], lb["color"], lb["default"]) for lb in answer.json()] == expected
