"""The pure diff: plan + tracker state -> the ChangeSet that makes the tracker match the plan.

No I/O and no clock: "now" is the plan's generated_at. Running it again on the state an apply
produced gives an empty ChangeSet (the idempotency contract, S1). Humans win (decision 5): text
outside the managed block, ticked boxes, labels we do not own, a milestone a human chose and a
"not planned" close are all kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from issueplan.errors import SafetyStopError
from issueplan.model import ActionItem, Plan
from issueplan.tracker.catalog import (
    LabelSpec,
    item_label_specs,
    managed_label,
    owns_label,
)
from issueplan.tracker.changes import (
    ChangeSet,
    CloseDuplicate,
    CloseIssue,
    CreateIssue,
    CreateLabel,
    Operation,
    UpdateLabel,
    order_changes,
)
from issueplan.tracker.dashboard import dashboard_key, diff_dashboard, is_dashboard
from issueplan.tracker.issue_changes import declined, issue_changes
from issueplan.tracker.lifecycle import Run, is_snoozed, snoozed_until, this_run
from issueplan.tracker.lifecycle_ops import unplanned_changes
from issueplan.tracker.milestones import diff_milestones
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.sub_issues import diff_sub_issues, is_parent_key, sub_issue_holders
from issueplan.tracker.tracked import TrackedIssue, TrackerState, key_holder

MASS_CLOSE_FLOOR = 2


def diff_tracker(
    plan: Plan, state: TrackerState, options: SyncOptions, *, refused: frozenset[str] = frozenset()
) -> ChangeSet:
    """Everything to write, in apply order. Raises SafetyStopError when it would close too much (S12).

    `refused` are the (casefolded) logins GitHub said cannot be assigned (tracker/assignability.py): never
    sent; anyone else an item wants is assigned."""
    issues = [issue for issue in state.issues if issue.scope == options.scope]
    kept, duplicates = _keep_oldest(issues)
    # The dashboard is healed like any key (duplicates get closed) but is no item: never closed, not counted.
    board = kept.pop(dashboard_key(options.scope), None)
    # Its holders (tracker/sub_issues.py) are no items either.
    parents = {key: kept.pop(key) for key in sorted(kept) if is_parent_key(key, options.scope)}
    if board is not None:
        parents[dashboard_key(options.scope)] = board
    # Plan order (priority, due date, ...): the most urgent items get the lowest issue numbers.
    items = list(plan.items)
    # An item a human closed as not planned stays closed: it gets neither labels nor a milestone slot.
    live = [item for item in items if not declined(kept.get(item.key))]
    run = this_run(plan, options)
    label_ops = _label_changes(live, state, options, plan)
    issue_ops = issue_changes(items, kept, state, options, plan, run, refused=refused)
    close_ops = _close_changes(plan, state, kept, duplicates, options, run)
    if options.dashboard:
        holders = sub_issue_holders(live, kept, parents, [*issue_ops, *close_ops], state, options)
        links = {item.id: kept[item.key].number for item in live if item.key in kept}
        links.update({holder.id: parents[holder.key].number for holder in holders if holder.key in parents})
        snoozed = {
            item.id: snoozed_until(kept[item.key], run)
            for item in live
            if item.key in kept and kept[item.key].is_open and is_snoozed(kept[item.key], run)
        }
        issue_ops += diff_dashboard(
            live, board, links, state, options, plan.generated_at, holders, snoozed=snoozed
        )
    _guard_orphans(issue_ops, state, options)
    _guard_mass_close(close_ops, kept, options)
    _guard_mass_create(issue_ops, options)
    milestone_ops = diff_milestones(live, issues, [*issue_ops, *close_ops], state, options)
    sub_ops: list[Operation] = []
    if options.dashboard:
        done = [*issue_ops, *close_ops]
        sub_ops = diff_sub_issues(live, kept, parents, done, state, options, plan.generated_at)
    return order_changes([*label_ops, *milestone_ops, *issue_ops, *close_ops, *sub_ops])


def _keep_oldest(
    issues: list[TrackedIssue],
) -> tuple[dict[str, TrackedIssue], list[tuple[TrackedIssue, int]]]:
    """One issue per key (`key_holder`: the oldest open one, else the newest closed one); other open ones are
    duplicates of it (S8).

    An issue listed twice (offset pagination shifting while it was read) is one issue, never a duplicate of
    itself (S19).
    """
    unique = {issue.number: issue for issue in reversed(issues)}
    by_key: dict[str, list[TrackedIssue]] = {}
    for number in sorted(unique):
        by_key.setdefault(unique[number].key, []).append(unique[number])
    kept: dict[str, TrackedIssue] = {}
    duplicates: list[tuple[TrackedIssue, int]] = []
    for key, group in sorted(by_key.items()):
        keep = key_holder(group)
        kept[key] = keep
        duplicates.extend(
            (issue, keep.number) for issue in group if issue.is_open and issue.number != keep.number
        )
    return kept, duplicates


def _guard_orphans(issue_ops: list[Operation], state: TrackerState, options: SyncOptions) -> None:
    """Refuse to open issues while a managed issue has lost its marker (S20): it is one of the items, and
    which one cannot be told, so any create may duplicate it — and a stripped marker on every issue would
    duplicate them all."""
    creates = [op for op in issue_ops if isinstance(op, CreateIssue)]
    if not state.orphans or not creates:
        return
    numbers = ", ".join(f"#{number}" for number in state.orphans)
    raise SafetyStopError(
        f"issue {numbers} has the managed label {options.label!r} and issueplan's managed block but no valid "
        "marker line (`<!-- issueplan {…} -->`), so issueplan cannot tell which item it tracks; opening the "
        f"{len(creates)} new issue(s) this run plans could duplicate it, so nothing was written. Restore the "
        'marker line from the issue\'s edit history (the "edited" menu above its body), or remove the label '
        f"{options.label!r} from it to let issueplan open a new issue."
    )


def _label_changes(
    items: list[ActionItem], state: TrackerState, options: SyncOptions, plan: Plan
) -> list[Operation]:
    """Create the labels the plan needs; recolour ours that drifted (names compare by case, S13), never a
    label we set but do not own (`flaky`: a human may have made it first)."""
    wanted: dict[str, LabelSpec] = {options.label.casefold(): managed_label(options)}
    for item in items:
        for spec in item_label_specs(item, options, now=plan.generated_at):
            wanted.setdefault(spec.name.casefold(), spec)
    existing = {label.name.casefold(): label for label in state.labels}
    ops: list[Operation] = []
    for folded, spec in sorted(wanted.items()):
        label = existing.get(folded)
        if label is None:
            ops.append(CreateLabel(name=spec.name, color=spec.color, description=spec.description))
        elif owns_label(label.name, options) and (
            label.color.lower() != spec.color or label.description != spec.description
        ):
            ops.append(UpdateLabel(name=label.name, color=spec.color, description=spec.description))
    return ops


def _close_changes(
    plan: Plan,
    state: TrackerState,
    kept: Mapping[str, TrackedIssue],
    duplicates: list[tuple[TrackedIssue, int]],
    options: SyncOptions,
    run: Run,
) -> list[Operation]:
    """Close what the run saw healthy long enough (decision 4: absent is not fixed; tracker/lifecycle_ops.py),
    and the extra issues of a race."""
    ops = unplanned_changes(kept, plan, state, run, options)
    ops.extend(
        CloseDuplicate(
            number=issue.number,
            key=issue.key,
            of_number=of_number,
            comment=f"Duplicate of #{of_number}: two issueplan runs opened an issue for the same item; "
            f"#{of_number} is kept.",
        )
        for issue, of_number in sorted(duplicates, key=lambda pair: pair[0].number)
    )
    return ops


def _guard_mass_close(
    closes: list[Operation], kept: Mapping[str, TrackedIssue], options: SyncOptions
) -> None:
    """Refuse to close more than half of the open managed issues (S12): likelier a broken run than a fix."""
    closing = sum(isinstance(op, CloseIssue) for op in closes)
    open_now = sum(issue.is_open for issue in kept.values())
    if options.allow_mass_close or closing <= MASS_CLOSE_FLOOR or closing * 2 <= open_now:
        return
    raise SafetyStopError(
        f"this sync would close {closing} of the {open_now} open issueplan issues (scope {options.scope!r}); "
        "that looks like a broken or partial run, so nothing was written. If it is right, re-run with "
        "--allow-mass-close (action input allow-mass-close: true)."
    )


def _guard_mass_create(issue_ops: list[Operation], options: SyncOptions) -> None:
    """Refuse to open more than `max_new_issues` issues in one run (S23): 200 suites failing at once is
    likelier a broken runner than 200 problems, and 200 issues are hard to take back."""
    creating = sum(isinstance(op, CreateIssue) and not is_dashboard(op.key) for op in issue_ops)
    if options.allow_mass_create or creating <= options.max_new_issues:
        return
    raise SafetyStopError(
        f"this sync would create {creating} new issues (scope {options.scope!r}), more than the "
        f"{options.max_new_issues} one run may open; that looks like a broken run, so nothing was written. "
        "If it is right, re-run with --allow-mass-create (action input allow-mass-create: true) or raise "
        "--max-new-issues (input max-new-issues)."
    )
