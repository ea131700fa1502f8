"""The sync's stages, as job.py runs them: read state, plan with what it remembers, diff, apply.

A failed read aborts before any write (S4); `dry_run` stops after the diff, so `--dry-run` lists the very
ChangeSet a real run would apply, each operation `planned`. There is no pass after the apply: the links
between issues created in this run are follow-up operations of the ChangeSet (tracker/follow_up.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from github.Repository import Repository

from issueplan.collector import collector_paused
from issueplan.model import KnownItem, Plan
from issueplan.tracker.assignability import AssigneeCheck, diff_assigning
from issueplan.tracker.changes import ChangeSet, CreateIssue, ReopenIssue, UpdateIssue
from issueplan.tracker.dashboard import is_dashboard
from issueplan.tracker.github import Progress, apply_changes, connect
from issueplan.tracker.issue_types import read_issue_types
from issueplan.tracker.lifecycle import run_mark
from issueplan.tracker.options import GitHubTarget, SyncOptions
from issueplan.tracker.results import SyncResult, planned
from issueplan.tracker.retry import Clock, Sleep
from issueplan.tracker.state import read_state
from issueplan.tracker.sub_issues import read_sub_issues
from issueplan.tracker.tracked import TrackerState

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
    """Read, plan, diff and (unless `options.dry_run`) apply: the stages of job.run_job without the job.

    Raises GitHubError when the state cannot be read and SafetyStopError when a guard refuses (nothing written
    either way); every write's fate is in the result. `progress` is called after each change with (done,
    total, description)."""
    with collector_paused():  # as job.py's sync: see collector.py
        repo = connect(target, options, sleep=sleep, clock=clock)
        state = read_tracker(repo, options)
        plan = make_plan(remembered(state, options))
        # People who cannot be assigned are left out (job.py reports them; here only the ChangeSet counts).
        changes, _ = diff_assigning(plan, state, options, AssigneeCheck(repo))
        result = apply_or_plan(changes, repo, options, sleep=sleep, clock=clock, progress=progress)
        return plan, changes, summarise(plan, state, changes, result)


def read_tracker(repo: Repository, options: SyncOptions) -> TrackerState:
    """The listing, then what the run's options use besides: the repository's issue types (one request)
    and, with the dashboard, its children and its holders' (one listing each)."""
    state = read_state(repo, label=options.label, scope=options.scope, login=options.login)
    if options.issue_types:
        state = state.model_copy(update={"issue_types": read_issue_types(repo)})
    if options.dashboard:
        state = state.model_copy(update={"sub_issues": read_sub_issues(repo, state, options.scope)})
    return state


def remembered(state: TrackerState, options: SyncOptions) -> dict[str, KnownItem]:
    """What the tracker remembers of this scope's items (ids, first seen, runs of this commit), for the plan;
    not the dashboard."""
    known = state.known_items(options.scope, run_mark(options).commit)
    return {key: item for key, item in known.items() if not is_dashboard(key)}


def apply_or_plan(
    changes: ChangeSet,
    repo: Repository,
    options: SyncOptions,
    *,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    progress: Progress | None = None,
) -> SyncResult:
    """Apply the changes, or for a dry run record each as planned: one result shape for both."""
    if options.dry_run:
        return SyncResult(operations=planned(changes.operations))
    return apply_changes(changes, repo, options, sleep=sleep, clock=clock, progress=progress)


def summarise(plan: Plan, state: TrackerState, changes: ChangeSet, result: SyncResult) -> SyncResult:
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
