"""The cyclic collector is paused while a sync runs and is back on afterwards, also when the sync fails."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping

import pytest
from tracker_plans import make_item, remembering

from issueplan.collector import collector_paused, settle_as_old
from issueplan.errors import GitHubError
from issueplan.model import KnownItem, Plan
from issueplan.tracker import GitHubTarget, SyncOptions, sync_plan
from issueplan.tracker.sandbox import FakeGitHub


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_a_sync_runs_with_the_collector_paused_and_gives_it_back(fake_github: FakeGitHub) -> None:
    seen: list[bool] = []
    make_plan = remembering([make_item("suite-failed/a", "BUG-001")])

    def plan_noting_the_collector(known: Mapping[str, KnownItem]) -> Plan:
        seen.append(gc.isenabled())
        return make_plan(known)  # type: ignore[no-any-return]

    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="test-token")
    _, changes, result = sync_plan(plan_noting_the_collector, target, SyncOptions(write_interval=0))

    assert seen == [False]
    assert gc.isenabled()
    assert len(changes.operations) == len(result.operations) > 0


def test_a_failed_sync_gives_the_collector_back() -> None:
    # Nothing listens on port 9 of loopback: the first read fails, before any write.
    target = GitHubTarget(api_url="http://127.0.0.1:9", repo="octo/demo", token="test-token")
    with pytest.raises(GitHubError):
        sync_plan(remembering([]), target, SyncOptions(write_interval=0), sleep=lambda _: None)  # type: ignore[arg-type]

    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused(), collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_settling_as_old_keeps_frozen_objects_frozen_and_freezes_the_new_ones_with_them() -> None:
    """A command's start-up is frozen (launcher.py); a reader settling its findings then must not thaw it,
    and its findings are kept out of the collector's walks too."""
    started = [object() for _ in range(3)]  # noqa: F841 - something alive from before
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with collector_paused():
            findings = [[index] for index in range(100)]
            settle_as_old()
        assert gc.get_freeze_count() >= before + len(findings)
    finally:
        gc.unfreeze()


def test_settling_as_old_with_nothing_frozen_leaves_nothing_frozen() -> None:
    with collector_paused():
        findings = [[index] for index in range(100)]
        settle_as_old()
    assert gc.get_freeze_count() == 0
    assert all(gc.is_tracked(finding) for finding in findings)
