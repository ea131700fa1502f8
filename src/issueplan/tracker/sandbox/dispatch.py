"""From a parsed request to a reply: prefix, authentication, permission, routing, GitHub's error bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from issueplan.tracker.sandbox import (
    catalog_routes,
    issue_routes,
    owner_routes,
    relation_routes,
    repo_routes,
)
from issueplan.tracker.sandbox.faults import NOT_ACCESSIBLE
from issueplan.tracker.sandbox.graphql_routes import GRAPHQL_PATHS, answer_graphql
from issueplan.tracker.sandbox.replies import Reply, ReplyError, error
from issueplan.tracker.sandbox.routing import Call, Route
from issueplan.tracker.sandbox.shapes import Site
from issueplan.tracker.sandbox.state import RepoState

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
REPO_PATH = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)(?P<rest>/.*)?$")
REPO_ROUTES: tuple[Route, ...] = (
    repo_routes.REPO_ROUTES
    + issue_routes.ROUTES
    + relation_routes.ROUTES
    + catalog_routes.ROUTES
    + owner_routes.ROUTES
)
AUTH = re.compile(r"^(?:token|bearer)\s+(?P<token>\S+)$", re.IGNORECASE)


class Permission(StrEnum):
    WRITE = "write"
    READ = "read"


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, without the query string
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: Any
    malformed_body: bool = False


@dataclass(frozen=True)
class Settings:
    site: Site
    login: str
    token: str | None
    permission: Permission


def _authenticate(request: Request, settings: Settings) -> None:
    match = AUTH.match(request.headers.get("authorization", "").strip())
    if match is None:
        raise error(401, "Requires authentication")
    if settings.token is not None and match.group("token") != settings.token:
        raise error(401, "Bad credentials")


def _find(routes: tuple[Route, ...], method: str, path: str) -> tuple[Route, dict[str, str]]:
    for candidate in routes:
        match = candidate.pattern.match(path)
        if match is not None and candidate.method == method:
            return candidate, {k: unquote(v) for k, v in match.groupdict().items()}
    raise error(404, "Not Found")


def dispatch(request: Request, settings: Settings, state: RepoState, now: datetime) -> Reply:
    """Answer `request` against `state` (mutating it for writes). Errors come back as GitHub's bodies."""
    try:
        return _dispatch(request, settings, state, now)
    except ReplyError as failure:
        return failure.reply


def _dispatch(request: Request, settings: Settings, state: RepoState, now: datetime) -> Reply:
    if request.path in GRAPHQL_PATHS and request.method == "POST":
        _authenticate(request, settings)
        # Read-only tokens may query; graphql_routes refuses their mutations as GitHub does.
        return answer_graphql(request.body, state, can_write=settings.permission is Permission.WRITE)
    prefix = settings.site.prefix
    if not request.path.startswith(prefix):
        raise error(404, "Not Found")
    path = request.path[len(prefix) :] or "/"
    _authenticate(request, settings)
    repo_match = REPO_PATH.match(path)
    if repo_match is not None:
        same_repo = (repo_match["owner"].casefold(), repo_match["repo"].casefold()) == (
            state.owner.casefold(),
            state.repo.casefold(),
        )
        if not same_repo:
            raise error(404, "Not Found")
        found, params = _find(REPO_ROUTES, request.method, repo_match["rest"] or "")
    else:
        found, params = _find(repo_routes.TOP_ROUTES, request.method, path)
    if request.method in WRITE_METHODS and settings.permission is Permission.READ:
        raise error(403, NOT_ACCESSIBLE, "https://docs.github.com/rest/issues/issues")
    if request.malformed_body:
        raise error(400, "Problems parsing JSON")
    call = Call(
        method=request.method,
        path=request.path,
        params=params,
        query=request.query,
        body=request.body,
        state=state,
        site=settings.site,
        login=settings.login,
        now=now,
        can_write=settings.permission is Permission.WRITE,
    )
    return found.handler(call)
