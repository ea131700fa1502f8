"""tracker: read GitHub's state, diff it with the plan (pure), apply the ChangeSet with PyGithub.

The names below load their module on first use (PEP 562): importing a light part of the package, such as
`tracker.changes` for the outcome value, must not import PyGithub, requests, jwt and cryptography, which
only the commands that talk to GitHub need (a quarter of a second of every `parse` and `plan`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from issueplan.modes import MilestoneMode
    from issueplan.tracker.changes import ChangeSet, Operation
    from issueplan.tracker.diff import diff_tracker
    from issueplan.tracker.github import apply_changes, connect
    from issueplan.tracker.options import GitHubTarget, SyncOptions
    from issueplan.tracker.results import Fate, OperationResult, StopReason, SyncResult
    from issueplan.tracker.state import read_state
    from issueplan.tracker.sync import sync_plan
    from issueplan.tracker.tracked import TrackerState

# Each exported name -> the module that defines it.
_HOMES = {
    "ChangeSet": "issueplan.tracker.changes",
    "Fate": "issueplan.tracker.results",
    "GitHubTarget": "issueplan.tracker.options",
    "MilestoneMode": "issueplan.modes",
    "Operation": "issueplan.tracker.changes",
    "OperationResult": "issueplan.tracker.results",
    "StopReason": "issueplan.tracker.results",
    "SyncOptions": "issueplan.tracker.options",
    "SyncResult": "issueplan.tracker.results",
    "TrackerState": "issueplan.tracker.tracked",
    "apply_changes": "issueplan.tracker.github",
    "connect": "issueplan.tracker.github",
    "diff_tracker": "issueplan.tracker.diff",
    "read_state": "issueplan.tracker.state",
    "sync_plan": "issueplan.tracker.sync",
}

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


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once loaded, a plain module attribute
    return value
