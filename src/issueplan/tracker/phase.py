"""The order a ChangeSet is applied in: every operation names its phase (tracker/changes.py sorts by it)."""

from __future__ import annotations

from enum import IntEnum


class Phase(IntEnum):
    LABELS = 0
    MILESTONES = 1
    UPDATES = 2
    CREATES = 3
    LINKS = 4
    DEPENDENCIES = 5
    SUB_ISSUES = 6  # the dashboard's children: after the creates whose ids they need
    CLOSES = 7
    PROJECT = 8  # the project board (GraphQL): after the creates it needs and the closes it reflects
