"""Sync benchmark: 1 000 items against the embedded fake GitHub over loopback.

Prints requests, writes and wall time for a first sync, a no-op re-sync (target: at most ceil(1000/100) + 3
requests and zero writes) and a sync where 10 items changed (10 writes plus the reads).
Run: .venv/bin/python benchmarks/sync.py [items]
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from issueplan.model import ActionItem, ItemType, KnownItem, OverallStatus, Plan, PlanSummary, Priority
from issueplan.tracker import GitHubTarget, SyncOptions, sync_plan
from issueplan.tracker.sandbox import FakeGitHub

NOW = datetime(2025, 8, 20, 10, 0, tzinfo=UTC)
PRIORITIES = list(Priority)


def items(count: int, *, changed: int = 0) -> list[ActionItem]:
    return [
        ActionItem(
            id=f"BUG-{n + 1:04d}",
            key=f"suite-failed/suite_{n:04d}",
            rule="suite-failed",
            title=f"Fix: Suite {n:04d} Test Failures",
            description=f"suite_{n:04d} failed: 2 failures" + (" and 1 error" if n < changed else ""),
            type=ItemType.BUG_FIX,
            priority=PRIORITIES[n % len(PRIORITIES)],
            team=f"team_{n % 5}",
            effort="2-3 days",
            first_seen=NOW,
            due_date=NOW + timedelta(days=3 + n % 40),
            steps=("Reproduce", "Fix", "Verify"),
            acceptance_criteria=("The suite passes",),
        )
        for n in range(count)
    ]


def plan_of(chosen: list[ActionItem]) -> Plan:
    def build(known: Mapping[str, KnownItem]) -> Plan:
        del known  # ids and first_seen are fixed here already
        return Plan(
            generated_at=NOW,
            overall_status=OverallStatus.FAILING,
            summary=PlanSummary(total=len(chosen), by_priority={}),
            items=tuple(chosen),
        )

    return build  # type: ignore[return-value]


def main(count: int) -> None:
    with FakeGitHub() as hub:
        target = GitHubTarget(api_url=hub.base_url, repo="octo/demo", token="bench")  # noqa: S106 - the fake accepts any token
        options = SyncOptions(write_interval=0, allow_mass_create=True)  # a benchmark opens 1000 at once
        phases = [
            ("first sync", items(count)),
            ("no-op re-sync", items(count)),
            ("10 items changed", items(count, changed=10)),
        ]
        print(f"{count} items; read floor ceil(n/100) + 2 = {math.ceil(count / 100) + 2} requests")
        for name, chosen in phases:
            hub.clear_log()
            start = time.perf_counter()
            _, changes, result = sync_plan(plan_of(chosen), target, options)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - start
            print(
                f"{name:>18}: {len(hub.exchanges):5d} requests, {len(hub.writes()):5d} writes, "
                f"{len(changes):5d} changes, {result.created} created, {result.updated} updated, "
                f"{elapsed:6.2f} s"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
