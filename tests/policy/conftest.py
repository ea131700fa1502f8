"""Fixtures of the policy tests: the seed scenario as plain values."""

from __future__ import annotations

import pytest
from policy_seed import SEED_SUITES, seed_report_by_hand

from issueplan.model import RunReport, SuiteSpec, Workspace
from issueplan.policy import Config, load_config


@pytest.fixture
def seed_report() -> RunReport:
    return seed_report_by_hand()


@pytest.fixture
def seed_config() -> Config:
    default = load_config(None)
    return default.model_copy(update={"suites": tuple(SuiteSpec(name=name) for name in SEED_SUITES)})


@pytest.fixture
def seed_workspace() -> Workspace:
    """What read_workspace finds in seed/scenario/workspace: a CI workflow, no monitoring, no load tests."""
    return Workspace(
        root="workspace", paths=(".github/workflows/ci.yml", "app/__init__.py", "tests/__init__.py")
    )
