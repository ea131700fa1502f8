"""Apply the board's operations over GraphQL, in few requests: the node ids of the issues to add (one query
per 100), the adds, then the field values, several mutations per request (aliases, `batch` each).

Every operation ends applied, failed (with GitHub's message) or left, as the REST ones do (results.py): an
operation fails when any of its requests or aliases failed, and one that waits for an issue this run did
not create is left for the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from issueplan.errors import GitHubError
from issueplan.tracker.changes_board import ProjectValue, SyncProjectItem
from issueplan.tracker.graphql import (
    ADD_ITEM,
    SET_DATE,
    SET_OPTION,
    SET_TEXT,
    GraphQLClient,
    issue_ids_document,
    mutation_document,
)
from issueplan.tracker.project import comparable
from issueplan.tracker.results import Fate, OperationResult

IDS_PER_QUERY = 100


@dataclass
class _Pending:
    operation: SyncProjectItem
    number: int
    item_id: str | None
    errors: list[str] = field(default_factory=list)
    left: bool = False  # the write budget ran out before all of its mutations were sent


@dataclass
class _Step:
    """One aliased mutation: its part, its variables, and the operation it belongs to."""

    pending: _Pending
    part: str
    variables: dict[str, Any]
    on_answer: Callable[[Any], None] = lambda _data: None


class ProjectApplier:
    def __init__(
        self,
        client: GraphQLClient,
        repo: str,
        *,
        batch: int,
        pause: Callable[[], None],
        budget: int | None = None,
    ) -> None:
        self.client = client
        self.budget = budget  # mutation requests this run may still send (None: no limit)
        self.owner, self.name = repo.split("/", 1)
        self.batch = batch
        self.pause = pause  # between mutation requests: GitHub's secondary limits count them
        self.sent = 0

    def apply(
        self, operations: Sequence[SyncProjectItem], numbers: Mapping[str, int]
    ) -> list[OperationResult]:
        """`numbers`: item id -> issue number of the issues this run created."""
        results: dict[int, OperationResult] = {}
        pending: dict[int, _Pending] = {}
        for index, operation in enumerate(operations):
            number = operation.number if operation.number is not None else numbers.get(operation.id)
            if number is None:
                message = "left for the next run: its issue was not created in this run"
                results[index] = OperationResult(operation=operation, fate=Fate.LEFT, message=message)
            else:
                pending[index] = _Pending(operation, number, operation.item_id)
        adding = [each for each in pending.values() if each.item_id is None]
        node_ids = self.node_ids(adding)
        adds = [
            _Step(each, ADD_ITEM, {"c": node_ids[each.number]}, self.added(each))
            for each in adding
            if each.number in node_ids
        ]
        self.mutate(adds)
        sets = [
            _Step(each, _part(value), {"i": each.item_id, "f": value.field_id, "v": comparable(value)})
            for each in pending.values()
            if each.item_id is not None and not each.errors and not each.left
            for value in each.operation.values
        ]
        self.mutate(sets)
        for index, each in pending.items():
            if each.errors:
                message = "; ".join(dict.fromkeys(each.errors))
                results[index] = OperationResult(operation=each.operation, fate=Fate.FAILED, message=message)
            elif each.left:
                message = "left for the next run: the write budget is spent"
                results[index] = OperationResult(operation=each.operation, fate=Fate.LEFT, message=message)
            else:
                results[index] = OperationResult(operation=each.operation, fate=Fate.APPLIED)
        return [results[index] for index in range(len(operations))]

    def added(self, pending: _Pending) -> Callable[[Any], None]:
        def learn(data: Any) -> None:
            pending.item_id = str(data["item"]["id"])

        return learn

    def node_ids(self, adding: list[_Pending]) -> dict[int, str]:
        numbers = sorted({each.number for each in adding})
        found: dict[int, str] = {}
        for start in range(0, len(numbers), IDS_PER_QUERY):
            chunk = numbers[start : start + IDS_PER_QUERY]
            variables = {"owner": self.owner, "name": self.name}
            try:
                answer = self.client.send(
                    issue_ids_document(chunk), variables, what="look up the issues' ids"
                )
            except GitHubError as error:
                _fail([each for each in adding if each.number in chunk], str(error))
                continue
            repository = answer.data.get("repository") or {}
            for n, number in enumerate(chunk):
                issue = repository.get(f"i{n}")
                if isinstance(issue, dict):
                    found[number] = str(issue["id"])
            missing = [each for each in adding if each.number in chunk and each.number not in found]
            _fail(missing, "; ".join(m for m in [answer.error_for("repository"), *answer.unplaced()] if m))
        return found

    def mutate(self, steps: list[_Step]) -> None:
        for start in range(0, len(steps), self.batch):
            chunk = steps[start : start + self.batch]
            if self.budget is not None and self.sent >= self.budget:
                for step in steps[start:]:
                    step.pending.left = True
                return
            if self.sent:
                self.pause()
            self.sent += 1
            variables: dict[str, Any] = {"project": chunk[0].pending.operation.project_id}
            for n, step in enumerate(chunk):
                variables.update({f"{name}{n}": value for name, value in step.variables.items()})
            document = mutation_document([step.part for step in chunk])
            try:
                answer = self.client.send(
                    document, variables, what="update the project", mutations=len(chunk)
                )
            except GitHubError as error:
                _fail([step.pending for step in chunk], str(error))
                continue
            whole = "; ".join(answer.unplaced())
            for n, step in enumerate(chunk):
                alias = f"{'a' if step.part == ADD_ITEM else 'u'}{n}"
                data = answer.data.get(alias)
                problem = answer.error_for(alias) or whole
                if data is None or problem:
                    step.pending.errors.append(problem or "GitHub answered no result")
                else:
                    step.on_answer(data)


def _part(value: ProjectValue) -> str:
    if value.option_id is not None:
        return SET_OPTION
    return SET_DATE if value.day is not None else SET_TEXT


def _fail(pending: list[_Pending], message: str) -> None:
    for each in pending:
        each.errors.append(message or "GitHub answered no id for the issue")
