"""What "humans" do to the fake between runs: edits the sync must respect, never recorded as exchanges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from github import Auth, Github

from issueplan.tracker.sandbox import FakeGitHub


def client(fake: FakeGitHub) -> Github:
    return Github(
        base_url=fake.base_url,
        auth=Auth.Token("t"),
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )


def test_human_edits_show_through_the_api_and_are_not_recorded(fake_github: FakeGitHub) -> None:
    number = fake_github.human_create_issue(title="t", body="managed block", labels=["issueplan"])
    fake_github.human_edit(
        number,
        body="managed block\n\n- [x] a human ticked this",
        labels=["issueplan", "needs-triage"],
        assignees=["mona"],
        state="closed",
        state_reason="not_planned",
    )
    assert fake_github.exchanges == []

    issue = client(fake_github).get_repo("octo/demo").get_issue(number)

    assert issue.body.endswith("- [x] a human ticked this")
    assert [lb.name for lb in issue.labels] == ["issueplan", "needs-triage"]
    assert [a.login for a in issue.assignees] == ["mona"]
    assert (issue.state, issue.state_reason, issue.user.login) == ("closed", "not_planned", "stranger")
    assert issue.closed_by.login == "a-human"


def test_a_human_may_open_a_pull_request_that_carries_the_managed_label(fake_github: FakeGitHub) -> None:
    number = fake_github.human_create_issue(title="pr", body="", labels=["issueplan"], pull_request=True)

    listed = list(client(fake_github).get_repo("octo/demo").get_issues(state="all", labels=["issueplan"]))

    assert [(i.number, i.pull_request is not None) for i in listed] == [(number, True)]


def test_a_human_may_set_a_milestone_and_reopen(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    milestone = repo.create_milestone("chosen by a human")
    number = repo.create_issue(title="t").number
    repo.get_issue(number).edit(state="closed")

    fake_github.human_edit(number, milestone=milestone.number, state="open")

    (shown,) = [i for i in fake_github.issues() if i["number"] == number]
    assert (shown["state"], shown["state_reason"], shown["closed_at"]) == ("open", "reopened", None)
    assert shown["milestone"]["title"] == "chosen by a human"


def test_editing_an_unknown_issue_is_a_test_bug(fake_github: FakeGitHub) -> None:
    with pytest.raises(KeyError):
        fake_github.human_edit(99, body="x")


def test_the_clock_stamps_what_happens(fake_github_factory: Callable[..., FakeGitHub]) -> None:
    moments = iter(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n) for n in range(100))
    fake = fake_github_factory(clock=lambda: next(moments))
    number = fake.human_create_issue(title="t", body="")

    fake.human_edit(number, state="closed")

    (shown,) = [i for i in fake.issues() if i["number"] == number]
    assert (shown["created_at"], shown["closed_at"]) == ("2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z")


def test_human_actions_persist_like_api_writes(
    fake_github_factory: Callable[..., FakeGitHub], tmp_path: Path
) -> None:
    first = fake_github_factory(state_dir=tmp_path)
    first.human_create_label("bug", "d73a4a", "Something isn't working")
    first.stop()

    second = fake_github_factory(state_dir=tmp_path)

    assert [(lb["name"], lb["color"]) for lb in second.labels()] == [("bug", "d73a4a")]
