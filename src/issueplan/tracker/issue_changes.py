"""The diff of the items in the plan against their issues (pure): create, update, reopen, or open a new issue
following a closed one; tracker/diff.py runs it with the rest.

Humans win (decision 5): text outside the managed block, ticked boxes, labels we do not own, a milestone a
human chose and a "not planned" close are all kept; a snoozed issue gets no write (tracker/lifecycle.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from issueplan.model import ActionItem, Plan
from issueplan.render.body_change import describe_body_change
from issueplan.render.comments import render_reopen_comment
from issueplan.render.issue import item_marker, remembering_marker, render_issue_body, render_issue_title
from issueplan.render.links import without_source_links
from issueplan.render.marker import FailedTests, Marker, Seen
from issueplan.tracker.assignees import (
    AssigneeChange,
    assignee_change,
    item_assignees,
    new_issue_assignees,
)
from issueplan.tracker.catalog import item_label_specs, milestone_title, owns_label, owns_milestone
from issueplan.tracker.changes import (
    AddDependency,
    CreateIssue,
    CreateLabel,
    Operation,
    ReopenIssue,
    StateReason,
    UpdateIssue,
)
from issueplan.tracker.follow_up import plan_links
from issueplan.tracker.issue_types import issue_type_change, issue_type_for
from issueplan.tracker.lifecycle import (
    Return,
    Run,
    created,
    failing_tests,
    fired,
    flipped,
    is_snoozed,
    returning,
)
from issueplan.tracker.lifecycle_ops import FLAKY_COLOR, FLAKY_DESCRIPTION, current_marker, flaky_changes
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackedIssue, TrackerState

_NOBODY = AssigneeChange()


def declined(issue: TrackedIssue | None) -> bool:
    """A human closed the issue as not planned: it stays closed, whatever the runs see."""
    return issue is not None and not issue.is_open and issue.state_reason is StateReason.NOT_PLANNED


def issue_changes(
    items: list[ActionItem],
    kept: Mapping[str, TrackedIssue],
    state: TrackerState,
    options: SyncOptions,
    plan: Plan,
    run: Run,
    *,
    refused: frozenset[str] = frozenset(),
) -> list[Operation]:
    links = {kept[item.key].item_id: kept[item.key].number for item in items if item.key in kept}
    by_id = {item.id: item for item in items}
    spelling = {label.name.casefold(): label.name for label in state.labels}
    owned = _Owned(options, state)
    ops: list[Operation] = []
    written: dict[str, tuple[int, str]] = {}  # existing issues' bodies as this run leaves them
    for item in items:
        issue = kept.get(item.key)
        if declined(issue) or (issue is not None and is_snoozed(issue, run)):
            continue  # not planned stays closed; a snoozed issue gets no write at all
        tests = failing_tests(item, run)
        if issue is None:
            marker = created(item_marker(item, options.scope), item.key, run, tests=tests)
            ops.append(_create(item, state, spelling, options, plan, links, marker, refused))
            ops.extend(_dependencies(item, by_id, kept))
            continue
        marker, comments = current_marker(issue, run, options)
        ops.extend(comments)
        back: Return | None = None
        if not issue.is_open:
            back = returning(issue, marker, run, tests)
            if not back.reopen:  # back after the window: a new issue that follows the closed one
                fresh = item_marker(item, options.scope)
                marker = created(fresh, item.key, run, follows=issue.number, tests=tests)
                ops.append(_create(_fresh(item, run), state, spelling, options, plan, links, marker, refused))
                continue
            marker = back.marker
        flaky = (run.settings.flaky_label,) if back is not None and back.turns_flaky else ()
        if flaky and not any(label.name.casefold() == flaky[0].casefold() for label in state.labels):
            ops.append(CreateLabel(name=flaky[0], color=FLAKY_COLOR, description=FLAKY_DESCRIPTION))
        wanted = item_assignees(item, options.owners)
        assignees = (
            assignee_change(wanted, issue.assignees, marker.assignees, refused)
            if wanted or issue.assignees or marker.assignees
            else _NOBODY  # what assignee_change gives when nobody is wanted, there or ours: the common case
        )
        if assignees.ours != marker.assignees:  # a copy costs more than the comparison; the same is common
            marker = marker.model_copy(update={"assignees": assignees.ours})
        if back is None and flipped(item.key, marker, run, Seen.FIRED):
            # It passed on this very commit before: flaky. The update below writes the label and the body.
            marker = marker.model_copy(update={"flaky_since": run.at})
            flaky = (run.settings.flaky_label,)
            ops.extend(flaky_changes(issue, marker, state, run, options, failed=True))
        update = _update(
            item,
            issue,
            state,
            spelling,
            owned,
            options,
            plan,
            links,
            marker,
            run if back is None else None,
            flaky,
            assignees,
            tests,
        )
        if back is not None:  # the reopen carries the update: one edit, then its comment
            ops.append(_reopen(item, issue, back, run, options, update))
        elif update is not None:
            ops.append(update)
        body = update.body if update is not None and update.body is not None else issue.body
        written[item.id] = (issue.number, body)
    # Bodies that link to issues created in this run get their `#N` links once the creates have answered.
    ops.extend(plan_links(items, [op for op in ops if isinstance(op, CreateIssue)], links, written))
    return ops


def _reopen(
    item: ActionItem,
    issue: TrackedIssue,
    back: Return,
    run: Run,
    options: SyncOptions,
    update: UpdateIssue | None,
) -> ReopenIssue:
    days = run.settings.reopen_within_days
    comment = render_reopen_comment(
        item,
        run.place("reopen", issue, options),
        closed_on=back.closed_on,
        flaky=(run.settings.flaky_label, back.reopens, days) if back.turns_flaky else None,
        same_commit=back.same_commit is not None,
    )
    changes = update.model_dump(exclude={"number", "key", "id"}) if update is not None else {}
    return ReopenIssue(number=issue.number, key=item.key, id=item.id, comment=comment, **changes)


def _fresh(item: ActionItem, run: Run) -> ActionItem:
    """The item as first seen now: a problem back after the reopen window gets a new due date."""
    return item.model_copy(
        update={"first_seen": run.at, "due_date": run.at + (item.due_date - item.first_seen)}
    )


def _dependencies(
    item: ActionItem, by_id: Mapping[str, ActionItem], kept: Mapping[str, TrackedIssue]
) -> list[AddDependency]:
    """Links for a new issue to the in-plan items it waits on (existing ones carry their numbers)."""
    links = []
    for dependency in item.dependencies:
        blocker_item = by_id.get(dependency.id)
        if not dependency.in_plan or blocker_item is None:
            continue
        blocker = kept.get(blocker_item.key)
        links.append(
            AddDependency(
                blocked_key=item.key,
                blocked_id=item.id,
                blocker_key=blocker_item.key,
                blocker_id=dependency.id,
                blocker_number=blocker.number if blocker else None,
                blocker_issue_id=blocker.id if blocker else None,
            )
        )
    return links


def _owned_labels(
    item: ActionItem, spelling: Mapping[str, str], options: SyncOptions, plan: Plan
) -> list[str]:
    """Our labels for an item, spelt as the repository already spells them (GitHub matches names by case:
    `spelling` maps each casefolded label name of the repository to its spelling)."""
    names = [options.label, *(spec.name for spec in item_label_specs(item, options, now=plan.generated_at))]
    return [spelling.get(name.casefold(), name) for name in names]


def _create(
    item: ActionItem,
    state: TrackerState,
    spelling: Mapping[str, str],
    options: SyncOptions,
    plan: Plan,
    links: Mapping[str, int],
    marker: Marker,
    refused: frozenset[str],
) -> CreateIssue:
    assignees = new_issue_assignees(item_assignees(item, options.owners), refused)
    marker = marker.model_copy(update={"assignees": assignees})
    return CreateIssue(
        key=item.key,
        id=item.id,
        title=render_issue_title(item),
        body=render_issue_body(
            item, scope=options.scope, links=links, marker=marker, source_links=options.source_links
        ),
        labels=tuple(sorted(_owned_labels(item, spelling, options, plan), key=str.casefold)),
        milestone=(title := milestone_title(item, options)),
        milestone_number=_milestone_number(title, state),
        assignees=assignees,
        issue_type=issue_type_for(item, state, options),
    )


def _milestone_number(title: str | None, state: TrackerState) -> int | None:
    """An existing milestone's number; None when this run creates it (the applier learns it then)."""
    if title is None:
        return None
    return next((mil.number for mil in state.milestones if mil.title.casefold() == title.casefold()), None)


def _update(
    item: ActionItem,
    issue: TrackedIssue,
    state: TrackerState,
    spelling: Mapping[str, str],
    owned: _Owned,
    options: SyncOptions,
    plan: Plan,
    links: Mapping[str, int],
    remembered: Marker,
    run: Run | None,
    flaky: tuple[str, ...],
    assignees: AssigneeChange,
    tests: FailedTests | None = None,
) -> UpdateIssue | None:
    """The update an issue needs. `remembered` is its lifecycle memory so far; for an issue that stays
    open (`run` given), this run's observation joins it only when something is written anyway or it ends
    a healthy streak (tracker/lifecycle.py), so a no-op re-run writes nothing."""
    title = render_issue_title(item)
    theirs = [name for name in issue.labels if not owned.label(name)]
    labels = sorted({*theirs, *flaky, *_owned_labels(item, spelling, options, plan)}, key=str.casefold)
    changed_labels = {name.casefold() for name in labels} != {name.casefold() for name in issue.labels}
    milestone = _milestone_change(item, issue, owned, options)
    marker = remembering_marker(item, options.scope, remembered)

    def render(with_marker: Marker) -> str:
        return render_issue_body(
            item,
            scope=options.scope,
            links=links,
            previous=issue.body,
            marker=with_marker,
            source_links=options.source_links,
        )

    body = render(marker)
    theirs_plain = without_source_links(issue.body)
    # A title, label or milestone change alone does not touch the body; nor does a new commit's links.
    writing = without_source_links(body) != theirs_plain
    if run is not None:
        observed = fired(marker, item.key, run, writing=writing, tests=tests)
        if observed != marker:
            body = render(observed)
            writing = without_source_links(body) != theirs_plain
    new_title = title if title != issue.title else None
    issue_type = issue_type_change(item, issue, state, options)
    people = assignees.assignees
    unchanged = (new_title, milestone, issue_type, people)
    if not writing and not changed_labels and all(value is None for value in unchanged):
        return None  # a no-op: nothing to write
    return UpdateIssue(
        number=issue.number,
        key=item.key,
        id=item.id,
        title=new_title,
        # A new commit or run alone changes only links: no edit (S1); any other change brings fresh ones.
        body=body if writing else None,
        labels=tuple(labels) if changed_labels else None,
        milestone=milestone,
        milestone_number=_milestone_number(milestone, state),
        issue_type=issue_type,
        old_labels=tuple(issue.labels) if changed_labels else None,
        body_change=describe_body_change(issue.body, body) if body != issue.body else None,
        assignees=people,
        added_assignees=assignees.added,
        removed_assignees=assignees.removed,
    )


def _milestone_change(
    item: ActionItem, issue: TrackedIssue, owned: _Owned, options: SyncOptions
) -> str | None:
    """The milestone title to move the issue to, or None: a milestone a human chose is kept."""
    target = milestone_title(item, options)
    if target is None:
        return None
    current = owned.milestone_titles.get(issue.milestone) if issue.milestone is not None else None
    if current is not None and not owned.milestone(current):
        return None
    if current is not None and current.casefold() == target.casefold():
        return None
    return target


class _Owned:
    """Which labels and milestones are issueplan's, each name decided once per run (a sync asks it of every
    label of every issue), and the titles of the repository's milestones by number."""

    def __init__(self, options: SyncOptions, state: TrackerState) -> None:
        self.options = options
        self.labels: dict[str, bool] = {}
        self.milestones: dict[str, bool] = {}
        self.milestone_titles: dict[int, str] = {}
        for mil in state.milestones:
            self.milestone_titles.setdefault(mil.number, mil.title)

    def label(self, name: str) -> bool:
        owned = self.labels.get(name)
        if owned is None:
            owned = self.labels[name] = owns_label(name, self.options)
        return owned

    def milestone(self, title: str) -> bool:
        owned = self.milestones.get(title)
        if owned is None:
            owned = self.milestones[title] = owns_milestone(title, self.options)
        return owned
