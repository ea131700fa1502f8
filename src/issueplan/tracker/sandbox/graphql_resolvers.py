"""The fake's GraphQL data: the Projects v2 subset as plain dicts with resolver callables, over the state.

graphql-core's default resolver reads a dict key, calling it when it is callable (with the field's
arguments); `__typename` picks the type of a union member. What GitHub refuses at run time — a missing or
too large `first`, an unknown login, project or id, a value of the wrong kind for a field — is refused here
with GitHub's wording, as a field error beside partial data.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any

from issueplan.tracker.sandbox.project_state import (
    FieldRecord,
    ItemRecord,
    ProjectRecord,
    issue_node_id,
)
from issueplan.tracker.sandbox.state import IssueRecord, RepoState

MAX_PAGE = 100
FIELD_TYPES = {"SINGLE_SELECT": "ProjectV2SingleSelectField", "ITERATION": "ProjectV2IterationField"}

Resolver = Callable[..., Any]


class FieldError(Exception):
    """Raised in a resolver: GitHub's error `type` (NOT_FOUND, FORBIDDEN, …) and message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:{index}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        return int(base64.b64decode(cursor).decode().removeprefix("cursor:"))
    except ValueError:
        raise FieldError(
            "INVALID_CURSOR_ARGUMENTS", f"`{cursor}` does not appear to be a valid cursor."
        ) from None


def connection(name: str, nodes: Sequence[Any], first: int | None, after: str | None, **rest: Any) -> Any:
    """A forward page of `nodes`. GitHub insists on `first` (or `last`), from 1 to 100."""
    if rest.get("last") is not None or rest.get("before") is not None:
        raise FieldError("INVALID_ARGUMENTS", "The fake GitHub pages forwards only: use `first` and `after`.")
    if first is None:
        raise FieldError(
            "MISSING_PAGINATION_BOUNDARIES",
            f"You must provide a `first` or `last` value to properly paginate the `{name}` connection.",
        )
    if not 1 <= first <= MAX_PAGE:
        raise FieldError(
            "EXCESSIVE_PAGINATION",
            f"Requesting {first} records on the `{name}` connection exceeds the `first` limit of "
            f"{MAX_PAGE} records.",
        )
    start = _offset(after)
    page = list(nodes[start : start + first])
    end = start + len(page)
    return {
        "nodes": page,
        "edges": [{"node": node, "cursor": _cursor(start + i + 1)} for i, node in enumerate(page)],
        "totalCount": len(nodes),
        "pageInfo": {
            "hasNextPage": end < len(nodes),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(start + 1) if page else None,
            "endCursor": _cursor(end) if page else None,
        },
    }


class ProjectGraph:
    """Root values for queries and mutations over one repository's state (the server holds the lock)."""

    def __init__(self, state: RepoState) -> None:
        self.state = state

    # --- shapes ------------------------------------------------------------------------------------------

    def _field(self, project: ProjectRecord, field: FieldRecord) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "__typename": FIELD_TYPES.get(field.data_type, "ProjectV2Field"),
            "id": field.id,
            "name": field.name,
            "dataType": field.data_type,
            "project": lambda _info: self._project(project),
        }
        if field.data_type == "SINGLE_SELECT":

            def options(_info: Any, names: list[str] | None = None) -> list[dict[str, Any]]:
                chosen = [o for o in field.options if names is None or o.name in names]
                return [
                    {"id": o.id, "name": o.name, "nameHTML": o.name, "color": "GRAY", "description": ""}
                    for o in chosen
                ]

            shape["options"] = options
        return shape

    def _issue(self, issue: IssueRecord) -> dict[str, Any]:
        owner = {"__typename": "Organization", "login": self.state.owner}
        return {
            "__typename": "Issue",
            "id": issue_node_id(issue.id),
            "number": issue.number,
            "title": issue.title,
            "state": issue.state.value.upper(),
            "repository": {
                "name": self.state.repo,
                "nameWithOwner": f"{self.state.owner}/{self.state.repo}",
                "owner": owner,
            },
        }

    def _values(self, project: ProjectRecord, item: ItemRecord) -> list[dict[str, Any]]:
        issue = self.state.issue(item.issue_number)
        values: list[dict[str, Any]] = []
        for field in project.fields:
            shape = {"field": self._field(project, field), "id": f"PVTFV_{item.id}_{field.id}"}
            value = item.values.get(field.id)
            if field.data_type == "TITLE" and issue is not None:
                values.append({**shape, "__typename": "ProjectV2ItemFieldTextValue", "text": issue.title})
            elif value is None:
                continue
            elif field.data_type == "SINGLE_SELECT":
                option = field.option(str(value))
                if option is not None:
                    kind = "ProjectV2ItemFieldSingleSelectValue"
                    values.append({**shape, "__typename": kind, "optionId": option.id, "name": option.name})
            elif field.data_type == "TEXT":
                values.append({**shape, "__typename": "ProjectV2ItemFieldTextValue", "text": value})
            elif field.data_type == "DATE":
                values.append({**shape, "__typename": "ProjectV2ItemFieldDateValue", "date": value})
            elif field.data_type == "NUMBER":
                values.append({**shape, "__typename": "ProjectV2ItemFieldNumberValue", "number": value})
        return values

    def _item(self, project: ProjectRecord, item: ItemRecord) -> dict[str, Any]:
        issue = self.state.issue(item.issue_number)
        return {
            "id": item.id,
            "type": "ISSUE",
            "isArchived": False,
            "content": None if issue is None else self._issue(issue),
            "project": lambda _info: self._project(project),
            "fieldValues": lambda _info, **page: connection(
                "fieldValues",
                self._values(project, item),
                page.pop("first", None),
                page.pop("after", None),
                **page,
            ),
        }

    def _project(self, project: ProjectRecord) -> dict[str, Any]:
        return {
            "id": project.id,
            "number": project.number,
            "title": project.title,
            "closed": False,
            "public": False,
            "fields": lambda _info, **page: connection(
                "fields",
                [self._field(project, f) for f in project.fields],
                page.pop("first", None),
                page.pop("after", None),
                **{k: v for k, v in page.items() if k != "orderBy"},
            ),
            "field": lambda _info, name: next(
                (self._field(project, f) for f in project.fields if f.name == name), None
            ),
            "items": lambda _info, **page: connection(
                "items",
                [self._item(project, i) for i in project.items],
                page.pop("first", None),
                page.pop("after", None),
                **{k: v for k, v in page.items() if k != "orderBy"},
            ),
        }

    def _owner(self, kind: str, login: str) -> dict[str, Any] | None:
        owned = [
            p
            for p in self.state.projects
            if p.owner_kind.value == kind and p.owner.casefold() == login.casefold()
        ]
        if not owned:
            name = "Organization" if kind == "organization" else "User"
            raise FieldError("NOT_FOUND", f"Could not resolve to an {name} with the login of '{login}'.")

        def project_v2(_info: Any, number: int) -> dict[str, Any]:
            found = next((p for p in owned if p.number == number), None)
            if found is None:
                raise FieldError("NOT_FOUND", f"Could not resolve to a ProjectV2 with the number {number}.")
            return self._project(found)

        typename = "Organization" if kind == "organization" else "User"
        return {"__typename": typename, "login": owned[0].owner, "projectV2": project_v2}

    # --- roots -------------------------------------------------------------------------------------------

    def query(self) -> dict[str, Resolver]:
        def repository(_info: Any, owner: str, name: str, **_rest: Any) -> dict[str, Any]:
            if (owner.casefold(), name.casefold()) != (
                self.state.owner.casefold(),
                self.state.repo.casefold(),
            ):
                raise FieldError(
                    "NOT_FOUND", f"Could not resolve to a Repository with the name '{owner}/{name}'."
                )

            def issue(_info: Any, number: int) -> dict[str, Any]:
                found = self.state.issue(number)
                if found is None or found.pull_request:
                    raise FieldError(
                        "NOT_FOUND",
                        f"Could not resolve to an issue or pull request with the number of {number}.",
                    )
                return self._issue(found)

            return {
                "name": self.state.repo,
                "nameWithOwner": f"{self.state.owner}/{self.state.repo}",
                "issue": issue,
            }

        return {
            "organization": lambda _info, login: self._owner("organization", login),
            "user": lambda _info, login: self._owner("user", login),
            "repository": repository,
        }
