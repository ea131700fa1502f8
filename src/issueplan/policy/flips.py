"""Tests that flipped between runs of one commit: the same code gave both answers, so they are flaky.

policy/flaky.py files the tests that failed and then passed on a rerun *within* one run. Here the runs are
separate. The marker of a suite's per-suite item (`suite-failed/{suite}`) remembers each observation's
commit and, when its rule fired on failing tests, their test keys and counts (render/marker.py); build_plan
hands what it remembers of this run's commit in as a `CommitMemory`. For a suite of this run:

- **failed before, passes now**: an earlier run of this commit recorded failing tests, and this run's report
  is complete (every non-passing test listed) and does not list them failing: each of them flipped.
- **passed before, fails now**: an earlier run of this commit found the suite healthy, and tests fail now:
  each failing test flipped.

An earlier run that was an infrastructure failure (more than `infrastructure_share` of its tests failed)
counts for nothing, nor does this run when it is one (flaky.py leaves such a suite out). A flip is filed
once: a test whose flaky item already remembers a fired run of this commit, from another run, is judged as
usual (fine when it passes); a re-run of the very run that filed it finds it again, unchanged, so that
re-run writes nothing. Without a tracker (`issueplan plan`), a commit, or an issue of the suite that
remembers the commit, nothing flips. Grouping (more than `group_flaky_over` in one suite) is flaky.py's.
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

from issueplan.model import Case, KnownItem, KnownRun, RunMark, Suite
from issueplan.policy.flaky_cases import failing_cases, lists_every_case, too_many_failed, what_failed
from issueplan.policy.rule import Rule
from issueplan.policy.trigger_spec import TriggerType
from issueplan.policy.verdict import CommitMemory


class Flip(NamedTuple):
    """A test that flipped: its key, this run's failing case (None when it passes now), what was seen."""

    test: str
    case: Case | None
    fact: str


class Flips(NamedTuple):
    """A suite's flipped tests, by key, and how many flipped: more than named when an earlier run's failing
    tests were not all remembered by name."""

    tests: tuple[Flip, ...] = ()
    flipped: int = 0  # how many flipped (a tuple's `count` is its method)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(flip.test for flip in self.tests)


def commit_memory(
    rules: Iterable[Rule], known: Mapping[str, KnownItem], mark: RunMark, now: datetime
) -> CommitMemory | None:
    """What the tracker remembers of this run's commit: the earlier runs per suite (its `suite_failed`
    per-suite items'), the commit's runs per item key. None without a commit or any memory of it."""
    if mark.commit is None:
        return None
    # Only suite_failed items: their healthy runs are passing suites (a skipped-suite rule's are not).
    prefixes = tuple(
        f"{rule.id}/"
        for rule in rules
        if rule.enabled and rule.per_suite and rule.trigger.type is TriggerType.SUITE_FAILED
    )
    earlier: dict[str, list[KnownRun]] = {}
    items: dict[str, tuple[KnownRun, ...]] = {}
    for key, item in sorted(known.items()):
        runs = tuple(run for run in item.runs if run.commit == mark.commit)
        if not runs:
            continue
        items[key] = runs
        for prefix in prefixes:
            if key.startswith(prefix):
                earlier.setdefault(key.removeprefix(prefix), []).extend(r for r in runs if r.at < now)
    if not items:
        return None
    return CommitMemory(
        commit=mark.commit,
        at=now,
        run=mark.run,
        earlier={name: tuple(sorted(runs, key=lambda r: r.at)) for name, runs in earlier.items() if runs},
        items=items,
    )


def filed(memory: CommitMemory, key: str) -> bool:
    """The item `key` already remembers a fired run of this commit from another run: its flip is filed."""
    return any(run.fired and run.at != memory.at for run in memory.items.get(key, ()))


def flipped_tests(
    suite: Suite, memory: CommitMemory | None, share: float, key: str, taken: Collection[str]
) -> Flips:
    """The suite's tests that flipped on this commit, except the keys in `taken` (`{suite}/{test}`, fired
    already) and those filed before; this run is no infrastructure failure (flaky.py checked)."""
    earlier = memory.earlier.get(suite.name, ()) if memory else ()
    if memory is None or not earlier:
        return Flips()
    failing = failing_cases(suite)
    failing_now = suite.failures + suite.errors
    found: dict[str, Flip] = {}
    at_least = 0  # flipped tests, named or not
    for before in reversed(earlier):  # the latest earlier run names the flip
        if before.fired and _failed_on_tests(before, share) and lists_every_case(suite):
            for test in before.tests:
                if test not in failing:
                    found.setdefault(test, Flip(test, None, _passes_now(test, suite, before, memory)))
            at_least = max(at_least, before.failed - failing_now)
        elif not before.fired:
            for test, case in failing.items():
                found.setdefault(test, Flip(test, case, _fails_now(test, suite, before, memory, case)))
            at_least = max(at_least, failing_now)
    kept = [
        flip
        for test, flip in sorted(found.items())
        if f"{suite.name}/{test}" not in taken and not filed(memory, f"{key}/{suite.name}/{test}")
    ]
    left_out = len(found) - len(kept)
    return Flips(tests=tuple(kept), flipped=max(len(kept), at_least - left_out))


def group_fact(suite: Suite, memory: CommitMemory, flips: Flips, shown: str) -> str:
    """A grouped item's sentence for its flipped tests (`shown`: some of their names)."""
    count = flips.flipped
    tests = f"{count} test" if count == 1 else f"{count} tests"
    return (
        f"{tests} of the {suite.name} suite failed in one run of commit {memory.commit} and passed in "
        f"another (one item for all of them, more than the limit for separate items): {shown}"
    )


def _failed_on_tests(run: KnownRun, share: float) -> bool:
    """The run recorded failing tests and was no infrastructure failure."""
    return run.failed > 0 and not too_many_failed(run.failed, run.of, share)


def _passes_now(test: str, suite: Suite, before: KnownRun, memory: CommitMemory) -> str:
    return (
        f"{test} of the {suite.name} suite failed in {_run_name(before.run, before.at)} on commit "
        f"{memory.commit}, then passed in {_run_name(memory.run, memory.at)} on the same commit"
    )


def _fails_now(test: str, suite: Suite, before: KnownRun, memory: CommitMemory, case: Case) -> str:
    return (
        f"{test} of the {suite.name} suite passed in {_run_name(before.run, before.at)} on commit "
        f"{memory.commit}, then failed in {_run_name(memory.run, memory.at)} on the same commit"
        f"{what_failed(case)}"
    )


def _run_name(run: str | None, at: datetime) -> str:
    return f"run {run}" if run else f"the run of {at.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC"
