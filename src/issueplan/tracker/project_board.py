"""Read a project board: its fields with their options, and the items of this repository's issues with their
values, in `ceil(items / 100)` GraphQL requests (the fields come with the first page).

Items that are not this repository's issues (drafts, pull requests, other repositories) are not ours: they are
read past and never touched. A failure raises GitHubError before anything is written.
"""

from __future__ import annotations

from typing import Any

from issueplan.errors import GitHubError
from issueplan.model import Frozen
from issueplan.tracker.graphql import READ_ORGANIZATION_PROJECT, READ_USER_PROJECT, GraphQLClient
from issueplan.tracker.project_ref import OwnerKind, ProjectRef

MAX_PAGES = 1000  # 100,000 items: GitHub's limit per project is 50,000
PROJECT_ACCESS = (
    "the project token must see the project and may write it: a classic personal access token with the "
    "`project` scope (`read:project` for a dry run), or a fine-grained token or GitHub App with the "
    "organization's (or user's) Projects permission set to read and write; GITHUB_TOKEN cannot access "
    "projects"
)


class BoardOption(Frozen):
    id: str
    name: str


class BoardField(Frozen):
    id: str
    name: str
    data_type: str  # GitHub's ProjectV2FieldType: SINGLE_SELECT, TEXT, DATE, …
    options: tuple[BoardOption, ...] = ()


class BoardItem(Frozen):
    id: str
    number: int
    values: dict[str, str]  # field id -> option id, text or ISO date


class Board(Frozen):
    project_id: str
    title: str
    url: str
    fields: tuple[BoardField, ...]
    items: dict[int, BoardItem]  # issue number -> its item

    def field(self, name: str) -> BoardField | None:
        """Field names compare by case, as GitHub's own `field(name:)` does not but people expect."""
        return next((field for field in self.fields if field.name.casefold() == name.casefold()), None)


def read_board(client: GraphQLClient, project: ProjectRef, repo: str) -> Board:
    document = (
        READ_ORGANIZATION_PROJECT if project.owner_kind is OwnerKind.ORGANIZATION else READ_USER_PROJECT
    )
    what = f"read the project {project.url}"
    fields: tuple[BoardField, ...] = ()
    items: dict[int, BoardItem] = {}
    after: str | None = None
    project_id = title = ""
    for page in range(MAX_PAGES):
        variables = {
            "owner": project.owner,
            "number": project.number,
            "after": after,
            "withFields": page == 0,
        }
        try:
            answer = client.send(document, variables, what=what)
        except GitHubError as error:
            raise GitHubError(f"{error}; {PROJECT_ACCESS}") from error
        board = (answer.data.get("owner") or {}).get("projectV2")
        if not isinstance(board, dict) or answer.errors:
            messages = (
                "; ".join(str(e.get("message", "")) for e in answer.errors) or "no project in the answer"
            )
            raise GitHubError(f"could not {what}: {messages}. Check the URL; {PROJECT_ACCESS}")
        if page == 0:
            project_id, title = str(board["id"]), str(board["title"])
            fields = tuple(_field(node) for node in board["fields"]["nodes"] if node)
        connection = board["items"]
        for node in connection["nodes"]:
            item = _item(node, repo)
            if item is not None:
                items[item.number] = item
        info = connection["pageInfo"]
        if not info["hasNextPage"] or info["endCursor"] in (None, after):
            return Board(project_id=project_id, title=title, url=project.url, fields=fields, items=items)
        after = info["endCursor"]
    raise GitHubError(f"could not {what}: more than {MAX_PAGES} pages of items")


def _field(node: dict[str, Any]) -> BoardField:
    options = tuple(BoardOption(id=o["id"], name=o["name"]) for o in node.get("options") or ())
    return BoardField(id=node["id"], name=node["name"], data_type=node["dataType"], options=options)


def _item(node: dict[str, Any] | None, repo: str) -> BoardItem | None:
    content = (node or {}).get("content") or {}
    if node is None or content.get("__typename") != "Issue":
        return None
    if str(content["repository"]["nameWithOwner"]).casefold() != repo.casefold():
        return None
    values: dict[str, str] = {}
    for value in node["fieldValues"]["nodes"]:
        field_id = ((value or {}).get("field") or {}).get("id")
        if field_id is None:
            continue
        for key in ("optionId", "text", "date"):
            if value.get(key) is not None:
                values[field_id] = str(value[key])
    return BoardItem(id=node["id"], number=int(content["number"]), values=values)
