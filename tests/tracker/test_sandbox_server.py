"""The fake GitHub through PyGithub 2.10, as the sync uses it: GitHub's limits, quirks and shapes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from github import Auth, Github, GithubException

from issueplan.tracker.sandbox import FakeGitHub


def client(fake: FakeGitHub) -> Github:
    return Github(
        base_url=fake.base_url,
        auth=Auth.Token("t"),
        per_page=100,
        retry=None,
        seconds_between_requests=0,
        seconds_between_writes=0,
    )


def refused(call: Callable[[], object]) -> GithubException:
    with pytest.raises(GithubException) as caught:
        call()
    return caught.value


def test_listing_pages_follow_the_link_header_on_the_fake(fake_github: FakeGitHub) -> None:
    for n in range(150):
        fake_github.human_create_issue(title=f"issue {n}", body="", labels=["issueplan"])
    repo = client(fake_github).get_repo("octo/demo")

    titles = [i.title for i in repo.get_issues(state="all", labels=["issueplan"])]

    assert len(titles) == 150
    pages = [e for e in fake_github.exchanges if e.path.endswith("/issues")]
    assert [e.query.get("page", "1") for e in pages] == ["1", "2"]
    link = pages[0].response_headers["link"]
    assert link.startswith(f"<{fake_github.base_url}/repos/octo/demo/issues?")
    assert 'rel="next"' in link
    assert 'rel="last"' in link


def test_per_page_is_capped_at_100(fake_github: FakeGitHub) -> None:
    for n in range(120):
        fake_github.human_create_issue(title=f"issue {n}", body="")
    repo = client(fake_github).get_repo("octo/demo")
    repo._requester.requestJsonAndCheck("GET", f"{repo.url}/issues", parameters={"per_page": 500})

    assert len(fake_github.exchanges[-1].response_body) == 100


def test_a_fresh_repository_lists_a_pull_request_among_its_issues(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")

    listed = list(repo.get_issues(state="all"))

    assert [i.number for i in listed] == [1]
    assert listed[0].pull_request is not None


def test_create_issue_sets_labels_and_milestone_in_one_request(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    repo.create_label("issueplan", "0e8a16", "managed")
    milestone = repo.create_milestone("Critical action items")
    fake_github.clear_log()

    issue = repo.create_issue(title="t", body="b", labels=["IssuePlan", "Brand New"], milestone=milestone)

    assert len(fake_github.writes()) == 1
    assert [(lb.name, lb.color) for lb in issue.labels] == [("issueplan", "0e8a16"), ("Brand New", "ededed")]
    assert issue.milestone.number == milestone.number
    assert issue.id != issue.number
    assert issue.state_reason is None
    assert repo.get_milestone(milestone.number).open_issues == 1


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("x" * 257, "", "title", "title is too long (maximum is 256 characters)"),
        ("t", "x" * 65_537, "body", "body is too long (maximum is 65536 characters)"),
    ],
)
def test_over_long_issue_fields_get_githubs_422(
    fake_github: FakeGitHub, title: str, body: str, field: str, message: str
) -> None:
    repo = client(fake_github).get_repo("octo/demo")

    failure = refused(lambda: repo.create_issue(title=title, body=body))

    assert failure.status == 422
    assert failure.data["message"] == "Validation Failed"
    assert failure.data["errors"] == [
        {"resource": "Issue", "code": "custom", "field": field, "message": message}
    ]
    assert len(fake_github.issues()) == 1  # only the seeded pull request


def test_limits_are_exact_not_approximate(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")

    issue = repo.create_issue(title="x" * 256, body="é" * 65_536)
    comment = issue.create_comment("c" * 65_536)
    label = repo.create_label("n" * 50, "abcdef", "d" * 100)

    assert (len(issue.title), len(comment.body), len(label.name)) == (256, 65_536, 50)
    too_long = refused(lambda: issue.create_comment("c" * 65_537))
    assert too_long.data["errors"][0]["message"] == "Body is too long (maximum is 65536 characters)"


@pytest.mark.parametrize(
    ("name", "color", "description", "error"),
    [
        ("n" * 51, "ededed", "", {"resource": "Label", "code": "custom", "field": "name"}),
        ("bad colour", "#ededed", "", {"resource": "Label", "code": "invalid", "field": "color"}),
        ("bad colour", "eded", "", {"resource": "Label", "code": "invalid", "field": "color"}),
        ("long", "ededed", "d" * 101, {"resource": "Label", "code": "custom", "field": "description"}),
    ],
)
def test_invalid_labels_get_githubs_422(
    fake_github: FakeGitHub, name: str, color: str, description: str, error: dict[str, str]
) -> None:
    repo = client(fake_github).get_repo("octo/demo")

    failure = refused(lambda: repo.create_label(name, color, description))

    assert failure.status == 422
    assert error.items() <= failure.data["errors"][0].items()
    assert fake_github.labels() == []


def test_a_label_differing_only_by_case_already_exists(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    repo.create_label("Priority: High", "b60205")

    failure = refused(lambda: repo.create_label("priority: high", "b60205"))

    assert failure.status == 422
    assert failure.data == {
        "message": "Validation Failed",
        "errors": [{"resource": "Label", "code": "already_exists", "field": "name"}],
        "documentation_url": "https://docs.github.com/rest",
    }
    assert repo.get_label("PRIORITY: HIGH").name == "Priority: High"
    assert [lb["name"] for lb in fake_github.labels()] == ["Priority: High"]


def test_label_rename_uses_new_name_and_follows_onto_issues(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    number = fake_github.human_create_issue(title="t", body="", labels=["old"])

    repo.get_label("old").edit("new", "123456", "renamed")

    assert fake_github.writes()[-1].body == {"new_name": "new", "color": "123456", "description": "renamed"}
    assert [lb.name for lb in repo.get_issue(number).labels] == ["new"]


def test_duplicate_milestone_title_gets_422(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    repo.create_milestone("High priority items")

    failure = refused(lambda: repo.create_milestone("High priority items"))

    assert failure.status == 422
    assert failure.data["errors"] == [{"resource": "Milestone", "code": "already_exists", "field": "title"}]


@pytest.mark.parametrize(
    ("sent", "returned"),
    [
        (datetime(2025, 6, 10, 12, 0, tzinfo=UTC), "2025-06-10T07:00:00Z"),  # daylight time: midnight PDT
        (datetime(2025, 1, 10, 12, 0, tzinfo=UTC), "2025-01-10T08:00:00Z"),  # standard time: midnight PST
        (datetime(2025, 6, 10, 6, 59, tzinfo=UTC), "2025-06-09T07:00:00Z"),  # before 07:00Z: the previous day
        (datetime(2025, 6, 10, 23, 59, tzinfo=UTC), "2025-06-10T07:00:00Z"),
    ],
)
def test_milestone_due_on_keeps_only_the_pacific_date(
    fake_github: FakeGitHub, sent: datetime, returned: str
) -> None:
    repo = client(fake_github).get_repo("octo/demo")

    milestone = repo.create_milestone("m", due_on=sent)

    assert fake_github.writes()[-1].body["due_on"] == sent.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert fake_github.milestones()[0]["due_on"] == returned
    assert milestone.due_on == datetime.fromisoformat(returned)


def test_milestone_state_and_counts_follow_its_issues(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    milestone = repo.create_milestone("m")
    first = repo.create_issue(title="a", milestone=milestone)
    repo.create_issue(title="b", milestone=milestone)

    first.edit(state="closed")
    milestone.edit("m", state="closed")

    assert [m.title for m in repo.get_milestones()] == []
    closed = repo.get_milestones(state="closed")[0]
    assert (closed.open_issues, closed.closed_issues) == (1, 1)
    assert closed.closed_at == datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def test_state_reason_is_ignored_unless_the_state_changes(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    issue = repo.create_issue(title="t")

    issue.edit(state="closed", state_reason="not_planned")
    issue.edit(state="closed", state_reason="completed")
    closed = repo.get_issue(issue.number)
    issue.edit(state="open")
    reopened = repo.get_issue(issue.number)

    assert (closed.state, closed.state_reason) == ("closed", "not_planned")
    assert (reopened.state, reopened.state_reason, reopened.closed_at) == ("open", "reopened", None)


def test_clearing_a_milestone_as_pygithub_sends_it(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    issue = repo.create_issue(title="t", milestone=repo.create_milestone("m"))

    issue.edit(milestone=None)

    assert repo.get_issue(issue.number).milestone is None


def test_issue_label_endpoints_accept_every_body_form(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    issue = repo.create_issue(title="t", labels=["keep"])

    issue.add_to_labels("Foo", "bAr")  # a bare JSON array
    added = [lb.name for lb in repo.get_issue(issue.number).labels]
    issue.remove_from_labels("FOO")
    issue.set_labels("only")

    assert added == ["keep", "Foo", "bAr"]
    assert [lb.name for lb in repo.get_issue(issue.number).labels] == ["only"]
    assert {lb["name"] for lb in fake_github.labels()} == {"keep", "Foo", "bAr", "only"}


def test_comments_are_listed_and_counted(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    issue = repo.create_issue(title="t")

    issue.create_comment("reopened: the failure is back")

    assert [c.body for c in issue.get_comments()] == ["reopened: the failure is back"]
    assert repo.get_issue(issue.number).comments == 1
    assert fake_github.comments(issue.number)[0]["user"]["login"] == "github-actions[bot]"


def test_sub_issues_and_dependencies_take_issue_ids(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    parent, child, blocker = (repo.create_issue(title=t) for t in ("parent", "child", "blocker"))

    parent.add_sub_issue(child)
    child.add_blocked_by(blocker)

    assert fake_github.writes()[-2].body == {"sub_issue_id": child.id}
    assert fake_github.writes()[-1].body == {"issue_id": blocker.id}
    assert [i.number for i in parent.get_sub_issues()] == [child.number]
    assert [i.number for i in child.get_blocked_by()] == [blocker.number]
    assert [i.number for i in blocker.get_blocking()] == [child.number]
    assert repo.get_issue(parent.number).sub_issues_summary.total == 1
    child.remove_blocked_by(blocker)
    parent.remove_sub_issue(child)
    assert list(parent.get_sub_issues()) == []
    assert list(child.get_blocked_by()) == []


def test_unchanged_issue_answers_304_to_its_etag(fake_github: FakeGitHub) -> None:
    repo = client(fake_github).get_repo("octo/demo")
    issue = repo.get_issue(repo.create_issue(title="t").number)

    unchanged = issue.update()
    fake_github.human_edit(issue.number, body="a human wrote this")
    changed = issue.update()

    assert (unchanged, changed) == (False, True)
    assert issue.body == "a human wrote this"
    statuses = [e.status for e in fake_github.exchanges if e.method == "GET" and "/issues/" in e.path]
    assert statuses == [200, 304, 200]


def test_every_answer_carries_rate_limit_headers(fake_github: FakeGitHub) -> None:
    gh = client(fake_github)
    gh.get_repo("octo/demo").get_labels().totalCount  # noqa: B018 - the request is the point

    for exchange in fake_github.exchanges:
        headers = exchange.response_headers
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used"} <= set(
            headers
        )
        assert headers["x-ratelimit-resource"] == "core"
    assert gh.rate_limiting[0] == 5000 - len(fake_github.exchanges)


def test_requests_without_a_token_get_401(fake_github: FakeGitHub) -> None:
    anonymous = Github(base_url=fake_github.base_url, retry=None, seconds_between_requests=0)

    failure = refused(lambda: anonymous.get_repo("octo/demo"))

    assert failure.status == 401


def test_a_wrong_token_gets_401_when_the_fake_knows_the_token(
    fake_github_factory: Callable[..., FakeGitHub],
) -> None:
    fake = fake_github_factory(token="right")

    failure = refused(lambda: client(fake).get_repo("octo/demo"))

    assert (failure.status, failure.data["message"]) == (401, "Bad credentials")


def test_an_actions_token_cannot_read_the_user(fake_github: FakeGitHub) -> None:
    failure = refused(lambda: client(fake_github).get_user().login)

    assert (failure.status, failure.data["message"]) == (403, "Resource not accessible by integration")


def test_a_personal_token_reads_its_user(fake_github_factory: Callable[..., FakeGitHub]) -> None:
    fake = fake_github_factory(login="mona")

    assert client(fake).get_user().login == "mona"


def test_read_only_token_gets_403_on_every_write(fake_github_factory: Callable[..., FakeGitHub]) -> None:
    fake = fake_github_factory(permissions="read")
    repo = client(fake).get_repo("octo/demo")

    failure = refused(lambda: repo.create_issue(title="t"))

    assert (failure.status, failure.data["message"]) == (403, "Resource not accessible by integration")
    assert repo.permissions.push is False
    assert next(iter(repo.get_issues(state="all"))).number == 1
    assert len(fake.issues()) == 1


def test_the_enterprise_api_prefix_is_served(fake_github_factory: Callable[..., FakeGitHub]) -> None:
    fake = fake_github_factory(api_prefix="/api/v3")
    repo = client(fake).get_repo("octo/demo")

    issue = repo.create_issue(title="t")

    assert fake.base_url.endswith("/api/v3")
    assert issue.url == f"{fake.base_url}/repos/octo/demo/issues/{issue.number}"
    assert all(e.path.startswith("/api/v3/") for e in fake.exchanges)


def test_another_repository_is_not_found(fake_github: FakeGitHub) -> None:
    failure = refused(lambda: client(fake_github).get_repo("someone/else"))

    assert failure.status == 404


def test_search_answers_and_is_recorded(fake_github: FakeGitHub) -> None:
    fake_github.human_create_issue(title="needle", body="", labels=["issueplan"])

    found = list(client(fake_github).search_issues("needle", label="issueplan"))

    assert [i.title for i in found] == ["needle"]
    assert any(e.path == "/search/issues" for e in fake_github.exchanges)
    assert fake_github.exchanges[-1].response_headers["x-ratelimit-limit"] == "30"


def test_state_survives_a_second_server_on_the_same_directory(
    fake_github_factory: Callable[..., FakeGitHub], tmp_path: Path
) -> None:
    first = fake_github_factory(state_dir=tmp_path)
    repo = client(first).get_repo("octo/demo")
    created = repo.create_issue(title="kept", labels=["issueplan"], milestone=repo.create_milestone("m"))
    first.stop()

    second = fake_github_factory(state_dir=tmp_path)
    again = client(second).get_repo("octo/demo").get_issue(created.number)
    fresh = client(second).get_repo("octo/demo").create_issue(title="next")

    assert (again.title, again.id, again.milestone.title) == ("kept", created.id, "m")
    assert [lb.name for lb in again.labels] == ["issueplan"]
    assert fresh.number == created.number + 1
    assert fresh.id not in {created.id, again.milestone.id}
