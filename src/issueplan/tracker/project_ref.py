"""Which project `--project URL` names, and where its GraphQL endpoint is.

A project URL is the one a browser shows: `https://github.com/orgs/acme/projects/5`, a user's
`https://github.com/users/alice/projects/2`, or a GitHub Enterprise Server's `https://HOST/orgs/…`. GraphQL is
asked at the REST API's host (`https://api.github.com/graphql`, GHES `https://HOST/api/graphql`), so the
project token only ever goes where the REST token goes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import urlsplit

from issueplan.errors import UsageError
from issueplan.model import Frozen

PROJECT_PATH = re.compile(
    r"^/(?P<kind>orgs|users)/(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/projects/(?P<number>[1-9]\d{0,8})"
    r"(?:/views/\d+)?/?$"
)
DOTCOM_HOSTS = frozenset({"github.com", "www.github.com", "api.github.com"})


class OwnerKind(StrEnum):
    ORGANIZATION = "organization"
    USER = "user"


class ProjectRef(Frozen):
    url: str
    owner_kind: OwnerKind
    owner: str
    number: int


def parse_project_url(url: str, *, option: str = "--project") -> ProjectRef:
    """The project a URL names; a UsageError naming `option` and the expected shape otherwise."""
    parts = urlsplit(url.strip())
    match = PROJECT_PATH.match(parts.path)
    if parts.scheme not in {"http", "https"} or not parts.hostname or match is None or parts.query:
        shown = url if len(url) <= 200 else url[:199] + "…"
        raise UsageError(
            f"{option}: {shown!r} is not a project URL; copy it from the project's page, e.g. "
            "https://github.com/orgs/acme/projects/5 or https://github.com/users/alice/projects/2"
        )
    kind = OwnerKind.ORGANIZATION if match["kind"] == "orgs" else OwnerKind.USER
    return ProjectRef(url=url.strip(), owner_kind=kind, owner=match["owner"], number=int(match["number"]))


def graphql_url(api_url: str, project: ProjectRef, *, option: str = "--project") -> str:
    """The GraphQL endpoint beside `api_url`; the project must live on that same server."""
    api = urlsplit(api_url)
    host = urlsplit(project.url).hostname or ""
    api_host = api.hostname or ""
    same = host == api_host or (host in DOTCOM_HOSTS and api_host in DOTCOM_HOSTS)
    if not same:
        raise UsageError(
            f"{option}: the project {project.url!r} is on {host}, but the issues are synced through "
            f"{api_host}; a project token is only sent to the API's own server. Name a project there, or "
            "set --api-url (input api-url) to that server's API"
        )
    if api_host == "api.github.com":
        return "https://api.github.com/graphql"
    path = api.path.rstrip("/")
    path = path.removesuffix("/v3") + "/graphql" if path.endswith("/api/v3") else path + "/graphql"
    return f"{api.scheme}://{api.netloc}{path}"
