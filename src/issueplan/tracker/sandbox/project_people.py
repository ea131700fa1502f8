"""What tests read from the fake's projects and what "humans" do on a board: state access, unrecorded."""

from __future__ import annotations

import threading

from issueplan.tracker.sandbox.project_state import (
    SEEDED_FIELDS,
    ItemRecord,
    OwnerKind,
    ProjectRecord,
    new_project,
)
from issueplan.tracker.sandbox.state import RepoState


def project_value(project: ProjectRecord, item: ItemRecord, field_id: str) -> str | None:
    """A field's value as the board shows it: an option's name, a text, an ISO date, a number."""
    field = project.field(field_id)
    value = item.values.get(field_id)
    if field is None or value is None:
        return None
    if field.data_type == "SINGLE_SELECT":
        option = field.option(str(value))
        return None if option is None else option.name
    return str(value)


class ProjectActions:
    """Mixed into FakeGitHub, which provides the state, its lock and persistence."""

    state: RepoState
    lock: threading.RLock

    def persist(self) -> None:
        raise NotImplementedError

    def project(self, owner: str, number: int) -> ProjectRecord | None:
        folded = owner.casefold()
        return next(
            (p for p in self.state.projects if p.owner.casefold() == folded and p.number == number), None
        )

    def create_project(
        self,
        owner: str = "octo",
        number: int = 1,
        *,
        kind: OwnerKind = OwnerKind.ORGANIZATION,
        fields: tuple[tuple[str, str, tuple[str, ...]], ...] = SEEDED_FIELDS,
    ) -> ProjectRecord:
        """A project of `owner` with `fields` (name, GitHub data type, options), as a person sets one up;
        an existing one is kept as it is (the sandbox seeds one per `--project` URL)."""
        with self.lock:
            existing = self.project(owner, number)
            if existing is not None:
                return existing
            project = new_project(owner, number, kind=kind, fields=fields)
            self.state.projects.append(project)
            self.persist()
            return project

    def project_values(self, owner: str = "octo", number: int = 1) -> dict[int, dict[str, str]]:
        """Issue number -> field name -> value, for every item on the project (Title left out)."""
        with self.lock:
            project = self._project(owner, number)
            board: dict[int, dict[str, str]] = {}
            for item in project.items:
                values = {}
                for field in project.fields:
                    shown = project_value(project, item, field.id)
                    if shown is not None:
                        values[field.name] = shown
                board[item.issue_number] = values
            return board

    def human_set_project_field(
        self, issue_number: int, field_name: str, value: str | None, *, owner: str = "octo", number: int = 1
    ) -> None:
        """Set (None: clear) a field on an issue's item, as a person on the board: an option by name."""
        with self.lock:
            project = self._project(owner, number)
            item = project.item_for(issue_number)
            field = project.field_named(field_name)
            if item is None or field is None:
                raise KeyError(f"no item for #{issue_number} or no field {field_name!r} on the project")
            if value is None:
                item.values.pop(field.id, None)
            elif field.data_type == "SINGLE_SELECT":
                option = next(o for o in field.options if o.name.casefold() == value.casefold())
                item.values[field.id] = option.id
            else:
                item.values[field.id] = value
            self.persist()

    def _project(self, owner: str, number: int) -> ProjectRecord:
        project = self.project(owner, number)
        if project is None:
            raise KeyError(f"no project {owner}/{number} in the fake")
        return project
