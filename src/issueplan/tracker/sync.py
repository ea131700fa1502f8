"""The sync, as the CLI and the action run it: read state, plan with what it remembers, diff, apply.

A failed read aborts before any write (S4); `dry_run` stops after the diff, so `--dry-run` prints the very
ChangeSet a real run would apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from github.Repository import Repository

from issueplan.model import KnownItem, Plan
from issueplan.tracker.changes import ChangeSet, CreateIssue, ReopenIssue, UpdateIssue
from issueplan.tracker.dashboard import is_dashboard
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.github import Progress, SyncResult, apply_changes, connect
from issueplan.tracker.options import GitHubTarget, SyncOptions
from issueplan.tracker.retry import Clock, Sleep
from issueplan.tracker.state import TrackerState, read_state

PlanMaker = Callable[[Mapping[str, KnownItem]], Plan]


def sync_plan(
    make_plan: PlanMaker,
    target: GitHubTarget,
    options: SyncOptions,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    progress: Progress | None = None,
) -> tuple[Plan, ChangeSet, SyncResult]:
    """Read, plan, diff and (unless `options.dry_run`) apply. Returns the plan, the changes and the result.

    `progress` is called after each change applied with (done, total, description); `done` only grows,
    and `total` grows when the extra pass after creates adds changes.
    """
    repo = connect(target, options, sleep=sleep, clock=clock)
    state = _read(repo, options)
    known = {key: item for key, item in state.known_items(options.scope).items() if not is_dashboard(key)}
    plan = make_plan(known)
    changes = diff_tracker(plan, state, options)
    if options.dry_run:
        return plan, changes, _summarise(plan, state, changes, SyncResult())
    result = apply_changes(changes, repo, options, sleep=sleep, clock=clock, progress=progress)
    if _needs_links(plan, changes, result, options):
        result = _settle(
            plan, repo, options, result, done=len(changes), sleep=sleep, clock=clock, progress=progress
        )
    return plan, changes, _summarise(plan, state, changes, result)


def _read(repo: Repository, options: SyncOptions) -> TrackerState:
    return read_state(repo, label=options.label, scope=options.scope, login=options.login)


def _needs_links(plan: Plan, changes: ChangeSet, result: SyncResult, options: SyncOptions) -> bool:
    """Items created in this run could not link to each other's numbers yet (they did not exist), nor could
    the dashboard link to them."""
    created = {
        op.key for op in changes.operations if isinstance(op, CreateIssue) and not is_dashboard(op.key)
    }
    if not created or result.left or result.stopped:
        return False
    if options.dashboard:
        return True
    ids = {item.id for item in plan.items if item.key in created}
    return any(dep.id in ids for item in plan.items if item.key in created for dep in item.dependencies)


def _settle(
    plan: Plan,
    repo: Repository,
    options: SyncOptions,
    first: SyncResult,
    *,
    done: int,
    sleep: Sleep,
    clock: Clock,
    progress: Progress | None,
) -> SyncResult:
    """One more read and diff right after the creates: it writes the `#N` links between new issues (and on
    the dashboard), so the next run is a no-op (S1) rather than a round of body edits."""
    budget = None if options.max_writes is None else max(options.max_writes - first.writes, 0)
    again = diff_tracker(plan, _read(repo, options), options.model_copy(update={"max_writes": budget}))
    follow = None if progress is None else _continued(progress, done)
    second = apply_changes(
        again,
        repo,
        options.model_copy(update={"max_writes": budget}),
        sleep=sleep,
        clock=clock,
        progress=follow,
    )
    return first.model_copy(
        update={
            "issues": {**first.issues, **second.issues},
            "errors": first.errors + second.errors,
            "left": second.left,
            "writes": first.writes + second.writes,
            "stopped": second.stopped,
        }
    )


def _continued(progress: Progress, done: int) -> Progress:
    """The extra pass's progress, counted on from the `done` changes of the first pass."""

    def report(count: int, total: int, text: str) -> None:
        progress(done + count, done + total, text)

    return report


def _summarise(plan: Plan, state: TrackerState, changes: ChangeSet, result: SyncResult) -> SyncResult:
    """Fill in what the applier cannot know: issue numbers of untouched items, and how many were untouched."""
    kept: dict[str, int] = {}
    for issue in sorted(state.issues, key=lambda issue: issue.number):
        kept.setdefault(issue.key, issue.number)
    ids = {item.id for item in plan.items}
    issues = {item.id: kept[item.key] for item in plan.items if item.key in kept}
    touched = {op.key for op in changes.operations if isinstance(op, UpdateIssue | ReopenIssue | CreateIssue)}
    unchanged = sum(1 for item in plan.items if item.key in kept and item.key not in touched)
    return result.model_copy(
        # Item ids only: the dashboard is no item, and it would otherwise show up only when it was written.
        update={
            "issues": dict(sorted((k, n) for k, n in {**issues, **result.issues}.items() if k in ids)),
            "unchanged": unchanged,
        }
    )
