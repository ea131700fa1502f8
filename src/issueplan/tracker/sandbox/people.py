"""What tests read from the fake and what "humans" do to it: direct state access, never recorded."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from issueplan.tracker.sandbox.catalog_routes import ensure_label
from issueplan.tracker.sandbox.shapes import Site, comment_json, issue_json, label_json, milestone_json
from issueplan.tracker.sandbox.state import (
    IssueRecord,
    IssueState,
    IssueTypeRecord,
    RepoState,
    StateReason,
)


class HumanActions:
    """Mixed into FakeGitHub, which provides the state, its lock, the site, the clock and persistence."""

    state: RepoState
    lock: threading.RLock
    site: Site

    def now(self) -> datetime:
        raise NotImplementedError

    def persist(self) -> None:
        raise NotImplementedError

    # --- reading ------------------------------------------------------------------------------------------

    def issues(self) -> list[dict[str, Any]]:
        """Every issue and pull request, in GitHub's JSON shape, by number."""
        with self.lock:
            ordered = sorted(self.state.issues, key=lambda i: i.number)
            return [issue_json(self.site, self.state, i) for i in ordered]

    def labels(self) -> list[dict[str, Any]]:
        with self.lock:
            ordered = sorted(self.state.labels, key=lambda lb: lb.name.casefold())
            return [label_json(self.site, self.state, lb) for lb in ordered]

    def milestones(self) -> list[dict[str, Any]]:
        with self.lock:
            ordered = sorted(self.state.milestones, key=lambda m: m.number)
            return [milestone_json(self.site, self.state, m) for m in ordered]

    def comments(self, number: int) -> list[dict[str, Any]]:
        with self.lock:
            issue = self._issue(number)
            return [comment_json(self.site, self.state, issue, c) for c in issue.comments]

    def _issue(self, number: int) -> IssueRecord:
        issue = self.state.issue(number)
        if issue is None:
            raise KeyError(f"no issue #{number} in the fake repository")
        return issue

    # --- acting as a person -------------------------------------------------------------------------------

    def human_edit(
        self,
        number: int,
        *,
        body: str | None = None,
        title: str | None = None,
        labels: list[str] | None = None,
        state: str | None = None,
        state_reason: str | None = None,
        assignees: list[str] | None = None,
        milestone: int | None = None,
    ) -> None:
        """Edit an issue as a person in the web UI would. Unknown labels are created, as the UI offers."""
        with self.lock:
            issue = self._issue(number)
            now = self.now()
            if body is not None:
                issue.body = body
            if title is not None:
                issue.title = title
            if labels is not None:
                issue.label_ids = list(dict.fromkeys(ensure_label(self.state, name).id for name in labels))
            if assignees is not None:
                issue.assignees = list(assignees)
            if milestone is not None:
                if self.state.milestone(milestone) is None:
                    raise KeyError(f"no milestone #{milestone} in the fake repository")
                issue.milestone = milestone
            if state is not None and IssueState(state) is not issue.state:
                issue.state = IssueState(state)
                closing = issue.state is IssueState.CLOSED
                default = StateReason.COMPLETED if closing else StateReason.REOPENED
                issue.state_reason = StateReason(state_reason) if state_reason else default
                issue.closed_at = now if closing else None
                issue.closed_by = "a-human" if closing else None
            issue.updated_at = now
            self.persist()

    def offer_issue_types(self, names: list[str] | None) -> None:
        """Give the repository these issue types (an organisation's admin does this); None: none at all,
        so the listing answers 404."""
        with self.lock:
            if names is None:
                self.state.issue_types = None
            else:
                self.state.issue_types = [
                    IssueTypeRecord(id=self.state.new_id(), name=name, description=f"{name} issues")
                    for name in names
                ]
            self.persist()

    def allow_assignees(self, logins: list[str] | None) -> None:
        """Only these people may be assigned (the repository's collaborators); None: anyone."""
        with self.lock:
            self.state.assignable = None if logins is None else list(logins)
            self.persist()

    def human_set_issue_type(self, number: int, name: str | None) -> None:
        """Choose an issue's type in the web UI (one the repository offers), or None to clear it."""
        with self.lock:
            issue = self._issue(number)
            record = None if name is None else self.state.issue_type(name)
            if name is not None and record is None:
                raise KeyError(f"the fake repository offers no issue type {name!r}")
            issue.issue_type = None if record is None else record.name
            issue.updated_at = self.now()
            self.persist()

    def sub_issue_numbers(self, number: int) -> list[int]:
        """The numbers of an issue's sub-issues, in GitHub's order."""
        with self.lock:
            found = (self.state.issue_by_id(i) for i in self._issue(number).sub_issue_ids)
            return [child.number for child in found if child is not None]

    def issue_type_of(self, number: int) -> str | None:
        with self.lock:
            return self._issue(number).issue_type

    def human_create_label(self, name: str, color: str = "ededed", description: str | None = None) -> None:
        """Add a label as a maintainer would (e.g. GitHub's default `bug`, `enhancement`, …)."""
        with self.lock:
            label = ensure_label(self.state, name)
            label.color, label.description = color, description
            self.persist()

    def human_delete_label(self, name: str) -> None:
        """Delete a label in the web UI: GitHub removes it from every issue too."""
        with self.lock:
            label = self.state.label(name)
            if label is None:
                raise KeyError(f"no label {name!r} in the fake repository")
            self.state.labels.remove(label)
            for issue in self.state.issues:
                if label.id in issue.label_ids:
                    issue.label_ids.remove(label.id)
            self.persist()

    def human_rename_label(self, name: str, new_name: str) -> None:
        """Rename a label in the web UI: its issues keep it under the new name."""
        with self.lock:
            label = self.state.label(name)
            if label is None:
                raise KeyError(f"no label {name!r} in the fake repository")
            label.name = new_name
            self.persist()

    def human_create_issue(
        self,
        *,
        title: str,
        body: str,
        labels: list[str] | None = None,
        user: str = "stranger",
        pull_request: bool = False,
    ) -> int:
        """Open an issue (or, with `pull_request`, a pull request) as someone else; returns its number."""
        with self.lock:
            now = self.now()
            issue = IssueRecord(
                id=self.state.new_id(),
                number=self.state.new_number(),
                title=title,
                body=body,
                user=user,
                created_at=now,
                updated_at=now,
                pull_request=pull_request,
            )
            issue.label_ids = list(dict.fromkeys(ensure_label(self.state, name).id for name in labels or []))
            self.state.issues.append(issue)
            self.persist()
            return issue.number
