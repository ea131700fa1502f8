"""A request as the routes see it, the route table entry, and GitHub's pagination."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, overload
from urllib.parse import urlencode

from issueplan.tracker.sandbox.replies import Reply, error
from issueplan.tracker.sandbox.shapes import Site
from issueplan.tracker.sandbox.state import RepoState

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
R = TypeVar("R")


@dataclass
class Call:
    """One parsed request. `params` holds the path parameters (URL-decoded), `query` the last value of each
    query parameter, `body` the parsed JSON (None when there is none)."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    state: RepoState
    site: Site
    login: str
    now: datetime
    can_write: bool = True

    def object_body(self) -> dict[str, Any]:
        """The JSON body as an object; GitHub answers 400 "Problems parsing JSON" otherwise."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise error(400, "Problems parsing JSON")
        return self.body

    def number(self, name: str) -> int:
        return int(self.params[name])


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


def route(method: str, template: str, handler: Handler) -> Route:
    """`template` like `/issues/{issue_number}`: `{x}` is one path segment, digits for `*_number`/`*_id`."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        segment = r"\d+" if name.endswith(("_number", "_id")) else r"[^/]+"
        return f"(?P<{name}>{segment})"

    return Route(method, re.compile("^" + re.sub(r"\{(\w+)\}", group, template) + "$"), handler)


class Rendered(Sequence[Any], Generic[R]):
    """`records` shown through `render` only when sliced: a page renders its own items, not the listing's."""

    def __init__(self, records: Sequence[R], render: Callable[[R], Any]) -> None:
        self.records, self.render = records, render

    def __len__(self) -> int:
        return len(self.records)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self.render(record) for record in self.records[index]]
        return self.render(self.records[index])


def paginate(call: Call, items: Sequence[Any], status: int = 200) -> Reply:
    """One page of `items` with GitHub's `link` header (next/last, prev/first), built on the request's own
    URL so a client that follows it stays on the fake (and under its /api/v3 prefix)."""
    try:
        per_page = int(call.query.get("per_page", DEFAULT_PER_PAGE))
        page = int(call.query.get("page", 1))
    except ValueError:
        per_page, page = DEFAULT_PER_PAGE, 1
    # GitHub silently caps per_page at 100 and treats nonsense as the default.
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    last = max(1, -(-len(items) // per_page))
    chunk = list(items[(page - 1) * per_page : page * per_page])
    links = []

    def link(target: int, rel: str) -> str:
        query = {**call.query, "per_page": str(per_page), "page": str(target)}
        return f'<{call.site.origin}{call.path}?{urlencode(query)}>; rel="{rel}"'

    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links += [link(min(page - 1, last), "prev"), link(1, "first")]
    headers = {"link": ", ".join(links)} if links else {}
    return Reply(status, chunk, headers)
