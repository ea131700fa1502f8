"""Project board benchmark: N items (default 250) on a Projects v2 board of the embedded fake GitHub.

Prints, per 100 items, the GraphQL requests, mutations and rate-limit points of a first sync of the board
(add every issue, set Status, Priority, Team, Due date, Effort and Type) and of a no-op re-sync (target: one
query per 100 items, no mutation), against a baseline measured in the same run: one mutation per request.
Points: each of these queries costs 1 primary point by GitHub's formula (connections requested / 100, at
least 1); the secondary limit counts 1 point a query and 5 a mutation (FACTS, graphql/README.md).
Run: .venv/bin/python benchmarks/project.py [items]
"""

from __future__ import annotations

import sys
import time

from pydantic import SecretStr

from issueplan.model import Plan
from issueplan.policy.project_fields import ProjectMapping
from issueplan.tracker import GitHubTarget, SyncOptions, sync_plan
from issueplan.tracker.changes import ChangeSet
from issueplan.tracker.github import connect
from issueplan.tracker.project_ref import parse_project_url
from issueplan.tracker.project_sync import ProjectSync, ProjectTarget
from issueplan.tracker.results import SyncResult
from issueplan.tracker.sandbox import FakeGitHub
from issueplan.tracker.sandbox.graphql_routes import is_mutation
from issueplan.tracker.sandbox.project_state import SEEDED_FIELDS
from issueplan.tracker.sync import read_tracker
from sync import items, plan_of

TEAMS = tuple(f"team_{n}" for n in range(5))
FIELDS = tuple((name, kind, TEAMS if name == "Team" else options) for name, kind, options in SEEDED_FIELDS)


def _board_sync(hub: FakeGitHub, plan: Plan, options: SyncOptions, target: GitHubTarget, batch: int) -> float:
    """One sync of the board alone (the issues exist); returns the seconds it took."""
    project = ProjectTarget(
        project=parse_project_url(f"{hub.site.origin}/orgs/octo/projects/1"),
        graphql_url=f"{hub.base_url}/graphql",
        token=SecretStr("bench"),
        mapping=ProjectMapping(batch=batch),
    )
    started = time.perf_counter()
    state = read_tracker(connect(target, options), options)
    sync = ProjectSync(project, "octo/demo")
    board = sync.read()
    changes = sync.diff(plan, state, ChangeSet(), board, options.scope, lambda _note: None)
    sync.apply(changes, SyncResult(), write_interval=0.0)
    return time.perf_counter() - started


def _figures(hub: FakeGitHub, count: int) -> tuple[float, float, float, float]:
    """Requests, mutations, primary and secondary points per 100 items, of what the fake saw since its log
    was cleared."""
    requests = hub.graphql()
    mutation_requests = [e for e in requests if is_mutation(e.body)]
    mutations = sum(e.body["query"].count("ProjectV2Item") for e in mutation_requests)
    queries = len(requests) - len(mutation_requests)
    per = 100 / count
    primary = len(requests)
    secondary = queries + 5 * mutations
    return len(requests) * per, mutations * per, primary * per, secondary * per


def main(count: int) -> None:
    chosen = items(count)
    figures = {}
    for label, batch in (("baseline (1 mutation a request)", 1), ("issueplan (batched)", 20)):
        with FakeGitHub() as hub:
            hub.create_project("octo", 1, fields=FIELDS)
            target = GitHubTarget(api_url=hub.base_url, repo="octo/demo", token=SecretStr("bench"))
            options = SyncOptions(write_interval=0, allow_mass_create=True, max_new_issues=count)
            # sync.py's plan_of is a plan maker typed as a Plan (see there)
            plan, _, _ = sync_plan(plan_of(chosen), target, options)  # type: ignore[arg-type]
            hub.clear_log()
            first = _board_sync(hub, plan, options, target, batch)
            figures[label] = _figures(hub, count)
            print(f"{label}: first sync of {count} items in {first:.2f} s")
            hub.clear_log()
            again = _board_sync(hub, plan, options, target, batch)
            noop = _figures(hub, count)
            print(
                f"  no-op re-sync in {again:.2f} s: {noop[0]:.1f} requests, "
                f"{noop[1]:.0f} mutations per 100 items"
            )
    for label, (requests, mutations, primary, secondary) in figures.items():
        print(
            f"{label}: per 100 items {requests:.1f} requests, {mutations:.0f} mutations, "
            f"{primary:.1f} primary points, {secondary:.0f} secondary points"
        )
    base, ours = figures["baseline (1 mutation a request)"], figures["issueplan (batched)"]
    print(
        f"requests: {base[0] / ours[0]:.1f}x fewer than the baseline; points: {base[2] / ours[2]:.1f}x fewer"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 250)
