"""tracker: read GitHub's state, diff it with the plan (pure), apply the ChangeSet with PyGithub."""

from issueplan.modes import MilestoneMode
from issueplan.tracker.changes import ChangeSet, Operation
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.options import GitHubTarget, SyncOptions
from issueplan.tracker.results import Fate, OperationResult, StopReason, SyncResult
from issueplan.tracker.state import TrackerState, read_state
from issueplan.tracker.sync import sync_plan

__all__ = [
    "ChangeSet",
    "Fate",
    "GitHubTarget",
    "MilestoneMode",
    "Operation",
    "OperationResult",
    "StopReason",
    "SyncOptions",
    "SyncResult",
    "TrackerState",
    "apply_changes",
    "connect",
    "diff_tracker",
    "read_state",
    "sync_plan",
]
