"""`--project URL`: which project it names, and where its GraphQL endpoint is (never another host)."""

from __future__ import annotations

import pytest

from issueplan.errors import UsageError
from issueplan.tracker.project_ref import OwnerKind, graphql_url, parse_project_url


@pytest.mark.parametrize(
    ("url", "kind", "owner", "number"),
    [
        ("https://github.com/orgs/acme/projects/5", OwnerKind.ORGANIZATION, "acme", 5),
        ("https://github.com/users/alice/projects/2/", OwnerKind.USER, "alice", 2),
        ("https://github.com/orgs/acme-inc/projects/12/views/3", OwnerKind.ORGANIZATION, "acme-inc", 12),
        ("https://ghe.example.com/orgs/platform/projects/1", OwnerKind.ORGANIZATION, "platform", 1),
    ],
)
def test_project_urls_as_a_browser_shows_them(url: str, kind: OwnerKind, owner: str, number: int) -> None:
    project = parse_project_url(url)
    assert (project.owner_kind, project.owner, project.number) == (kind, owner, number)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/demo/projects/5",  # classic repository projects are gone
        "https://github.com/orgs/acme/projects/0",
        "https://github.com/orgs/acme/projects/five",
        "ftp://github.com/orgs/acme/projects/5",
        "https://github.com/orgs/acme/projects/5?pane=issue",
        "acme/5",
    ],
)
def test_anything_else_is_a_usage_error_showing_the_shape(url: str) -> None:
    with pytest.raises(UsageError, match=r"--project: .* is not a project URL.*orgs/acme/projects/5"):
        parse_project_url(url)


@pytest.mark.parametrize(
    ("api", "project", "expected"),
    [
        (
            "https://api.github.com",
            "https://github.com/orgs/acme/projects/5",
            "https://api.github.com/graphql",
        ),
        (
            "https://ghe.example.com/api/v3",
            "https://ghe.example.com/orgs/acme/projects/5",
            "https://ghe.example.com/api/graphql",
        ),
        (
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/users/al/projects/1",
            "http://127.0.0.1:8080/graphql",
        ),
    ],
)
def test_graphql_is_asked_beside_the_rest_api(api: str, project: str, expected: str) -> None:
    assert graphql_url(api, parse_project_url(project)) == expected


def test_a_project_on_another_server_than_the_api_is_refused() -> None:
    """The project token goes only where the REST token goes."""
    project = parse_project_url("https://evil.example/orgs/acme/projects/5")
    with pytest.raises(UsageError, match="only sent to the API's own server"):
        graphql_url("https://api.github.com", project)
