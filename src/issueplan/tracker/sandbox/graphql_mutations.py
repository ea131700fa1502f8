"""The fake's GraphQL mutations of the Projects v2 subset: add an item, set or clear a field's value.

As GitHub does: adding an issue that is on the project already answers its existing item, a value must be of
the field's kind (an option of that field for a single select), and the built-in fields (Title, …) cannot be
set this way.
"""

from __future__ import annotations

from typing import Any

from issueplan.tracker.sandbox.graphql_resolvers import FieldError, ProjectGraph, Resolver
from issueplan.tracker.sandbox.project_state import FieldRecord, ItemRecord, ProjectRecord, issue_id_of

VALUE_KEYS = {"SINGLE_SELECT": "singleSelectOptionId", "TEXT": "text", "DATE": "date", "NUMBER": "number"}


class ProjectMutations(ProjectGraph):
    """The query root of ProjectGraph, and the mutation root."""

    def mutation(self) -> dict[str, Resolver]:
        return {
            "addProjectV2ItemById": lambda _info, input: self._add(input),  # noqa: A006 - GraphQL's name
            "updateProjectV2ItemFieldValue": lambda _info, input: self._update(input),  # noqa: A006
            "clearProjectV2ItemFieldValue": lambda _info, input: self._clear(input),  # noqa: A006
        }

    def _project_by_id(self, project_id: str) -> ProjectRecord:
        found = next((p for p in self.state.projects if p.id == project_id), None)
        if found is None:
            raise FieldError("NOT_FOUND", f"Could not resolve to a node with the global id of '{project_id}'")
        return found

    def _add(self, data: dict[str, Any]) -> dict[str, Any]:
        """Adding an issue that is on the project already answers its existing item (GitHub does)."""
        project = self._project_by_id(data["projectId"])
        issue_id = issue_id_of(data["contentId"])
        issue = None if issue_id is None else self.state.issue_by_id(issue_id)
        if issue is None:
            raise FieldError(
                "NOT_FOUND", f"Could not resolve to a node with the global id of '{data['contentId']}'"
            )
        item = project.item_for(issue.number)
        if item is None:
            item = ItemRecord(id=project.new_id("PVTI"), issue_number=issue.number)
            project.items.append(item)
        return {"clientMutationId": data.get("clientMutationId"), "item": self._item(project, item)}

    def _target(self, data: dict[str, Any]) -> tuple[ProjectRecord, ItemRecord, FieldRecord]:
        project = self._project_by_id(data["projectId"])
        item = project.item(data["itemId"])
        if item is None:
            raise FieldError(
                "NOT_FOUND", f"Could not resolve to a node with the global id of '{data['itemId']}'"
            )
        field = project.field(data["fieldId"])
        if field is None:
            raise FieldError(
                "NOT_FOUND", f"Could not resolve to a node with the global id of '{data['fieldId']}'"
            )
        if field.data_type not in VALUE_KEYS:
            raise FieldError(
                "UNPROCESSABLE", f"The field of type {field.data_type.lower()} is currently not supported."
            )
        return project, item, field

    def _update(self, data: dict[str, Any]) -> dict[str, Any]:
        project, item, field = self._target(data)
        key = VALUE_KEYS[field.data_type]
        value = data["value"].get(key)
        given = sorted(k for k, v in data["value"].items() if v is not None)
        if value is None or given != [key]:
            raise FieldError("UNPROCESSABLE", f"The field {field.name!r} takes exactly one `{key}` value.")
        if field.data_type == "SINGLE_SELECT" and field.option(str(value)) is None:
            raise FieldError(
                "UNPROCESSABLE", f"The single select option Id does not belong to the field {field.name!r}."
            )
        item.values[field.id] = value
        return {"clientMutationId": data.get("clientMutationId"), "projectV2Item": self._item(project, item)}

    def _clear(self, data: dict[str, Any]) -> dict[str, Any]:
        project, item, field = self._target(data)
        item.values.pop(field.id, None)
        return {"clientMutationId": data.get("clientMutationId"), "projectV2Item": self._item(project, item)}
