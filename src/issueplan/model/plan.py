"""The plan side: what the policy makes of a RunReport (action items, their evidence, the Plan) and what the
tracker remembers of an item."""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

import hashlib
import re
from datetime import datetime
from functools import cache
from typing import Annotated

from pydantic import Field

from issueplan.model.base import (
    Frozen,
    ItemType,
    OverallStatus,
    Priority,
)
from issueplan.model.report import CoverageCounts, FileCoverage, Finding, Problem, Suite

COMMIT_CHARS = 12  # of a commit SHA a marker keeps: enough to tell a repository's commits apart


@cache
def _run_id() -> re.Pattern[str]:  # compiled on first use: a run without a run URL never needs it
    return re.compile(r"/actions/runs/(\d+)(?:/|$)")


class RunMark(Frozen):
    """Which run this is, the way markers remember runs: the tested commit's first COMMIT_CHARS (`--commit`,
    GITHUB_SHA) and the workflow run's id (from its URL), each None when not known."""

    commit: str | None = None
    run: str | None = None

    @classmethod
    def of(cls, sha: str | None, run_url: str | None) -> "RunMark":
        found = _run_id().search(run_url) if run_url else None
        return cls(commit=sha[:COMMIT_CHARS] if sha else None, run=found.group(1) if found else None)


class KnownRun(Frozen):
    """An earlier run of a known commit, as the item's marker remembers it (its observations that name a
    commit): whether the item's rule fired, and for a per-suite item that fired on failing tests, which ones
    (`tests`: keys as `policy.flaky.test_key` makes them, maybe not all of them) and how many of how many
    tests failed, so a later run of the same commit can tell a flipped test from a fixed one."""

    at: datetime
    commit: str
    run: str | None = None
    fired: bool  # the rule fired (a failure, a rerun); else the item's evidence was found healthy
    tests: tuple[str, ...] = ()
    failed: int = 0  # tests that failed or errored in that run (more than `tests` when some are not named)
    of: int = 0  # tests the suite ran


class KnownItem(Frozen):
    """What the tracker remembers of an item: its display id and when it was first seen (both never change),
    the suites whose CI step outcome it rested on when last written, as `suite_digest`s (S22: such an
    item is left alone by a run that was not told those outcomes), and the runs of this run's commit its
    marker remembers (policy/flips.py)."""

    id: str
    first_seen: datetime
    step_outcomes: tuple[str, ...] = ()
    runs: tuple[KnownRun, ...] = ()


def suite_digest(name: str) -> str:
    """How a marker names a suite: 16 hex digits of its SHA-256, never the name itself, which comes from the
    code under test and may hold a secret or markup; short and fixed in length whatever the name."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Dependency(Frozen):
    id: str
    in_plan: bool
    # The depended-on rule's title, so a dependency outside the plan can be named in words.
    title: str = ""


class Evidence(Frozen):
    """Why an item exists, in facts a reader can check. `findings_in` names the items whose issues list these
    findings in full (the findings items): an issue lists a finding once, the others link to it."""

    suites: tuple[Suite, ...] = ()
    findings: tuple[Finding, ...] = ()
    facts: tuple[str, ...] = ()
    findings_in: tuple[str, ...] = ()


class ActionItem(Frozen):
    id: str
    key: str
    rule: str
    title: str
    description: str
    type: ItemType
    priority: Priority
    team: str
    effort: str
    first_seen: datetime
    due_date: datetime
    dependencies: tuple[Dependency, ...] = ()
    steps: tuple[str, ...] = ()
    acceptance_criteria: tuple[str, ...] = ()
    evidence: Evidence = Evidence()


class PlanSummary(Frozen):
    total: int
    by_priority: Annotated[dict[Priority, int], Field(default_factory=dict)]
    estimated_completion: datetime | None = None


class PlanCoverage(CoverageCounts):
    """The run's coverage as the plan shows it: the totals and the least covered files (rates None when a
    report measured nothing of that kind, e.g. no branch data)."""

    line_rate: float | None = None
    branch_rate: float | None = None
    files: int = Field(default=0, description="How many source files the coverage reports measured.")
    least_covered: tuple[FileCoverage, ...] = ()


class HealthyFact(Frozen):
    """What a run observed of an item it found healthy, in words, for the comment that closes its issue:
    `subjects` (suites or scanners, by name) `verb` (`ran`): `outcome` (`all 128 tests passed`). Without
    subjects, `verb` is the whole lead (`the checkout was read`)."""

    subjects: tuple[str, ...] = ()
    verb: str = "ran"
    outcome: str


class Plan(Frozen):
    """The action plan. `healthy` lists keys whose evidence was observed this run and found fine:
    only those may be closed by a sync ("absent is not fixed"); `healthy_facts` says what was observed of
    each, in words."""

    schema_version: int = 1
    generated_at: datetime
    scope: str = "default"
    overall_status: OverallStatus
    summary: PlanSummary
    items: tuple[ActionItem, ...] = ()
    healthy: tuple[str, ...] = ()
    healthy_facts: Annotated[dict[str, tuple[HealthyFact, ...]], Field(default_factory=dict)]
    problems: tuple[Problem, ...] = ()
    coverage: PlanCoverage | None = None
