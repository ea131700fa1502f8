"""The `flaky_tests` trigger: one subject per test that failed and then passed when run again, or that
flipped between runs of one commit (policy/flips.py: the tracker's memory of earlier runs of the commit).

The readers mark such a test `CaseOutcome.FLAKY` whatever the shape of its reruns (Surefire's `flakyFailure`,
pytest reruns, a Gradle or jest retry written as a repeated testcase, go test's `-rerun-fails`). Here:

- **One subject per test**, keyed `{suite}/{test}` (the rule's key in front: `flaky/{suite}/{test}`), where
  `test` is `pkg.Class.test_name` as the report names it. A very long name is cut and a digest of the whole
  name appended, so the key stays short and still tells tests apart.
- **Grouped** when a suite has more than the config's `group_flaky_over` flaky tests in one run (rerun and
  flipped ones together): one subject keyed `{suite}` instead (a broken fixture, not 40 separate problems);
  its tests' own keys are then unknown.
- **An infrastructure failure is no flakiness**: in a suite where more than `infrastructure_share` (80 %) of
  the tests failed or errored, the run says nothing about single tests. The suite's own item (`suite_failed`)
  is filed or updated as usual; every flaky key of that suite is unknown in that run.
- **Fine** needs the test to be named: a report lists failing, flaky and skipped tests, never passing ones.
  So a key the tracker knows (`Observation.known_keys`) is fine when its suite wrote a report, was no
  infrastructure failure, listed every non-passing test (no case cap hit) and this test is not among them.
  A known grouped key is fine when its suite wrote such a report without any flaky or flipped test. Keys
  the tracker does not know are never called fine: there is nothing to close, and plan.json stays short. A
  test that fails outright is unknown here (its suite's item tracks the failure, and it is no clean run),
  unless it flipped.

When an item closes is not decided here: flaky items close after `flaky_clean_runs` fine runs and
`flaky_quiet_days` (the tracker's lifecycle), not on the first fine run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from issueplan.model import Case, CaseOutcome, Suite
from issueplan.policy.describe import case_label, plural, suite_title
from issueplan.policy.flaky_cases import infrastructure_failure, lists_every_case, test_key, what_failed
from issueplan.policy.flips import Flips, filed, flipped_tests, group_fact
from issueplan.policy.trigger_spec import FlakyTests
from issueplan.policy.verdict import CommitMemory, Observation, Reason, Subject, TriggerResult, Verdict

__all__ = ["flaky_tests", "test_key"]

TESTS_NAMED = 5  # in a grouped item's fact


def flaky_tests(run: Observation, params: FlakyTests, key: str) -> TriggerResult:
    """Fired subjects for this run's flaky tests (or one per suite with many), fine ones for the known keys
    under `key` that this run shows clean; FIRED when any subject fired, else FINE or UNKNOWN."""
    suites = sorted(
        (suite for suite in run.report.suites if not params.kinds or suite.kind in params.kinds),
        key=lambda suite: suite.name,
    )
    owners = _owners(run.known_keys, suites, key)
    subjects: list[Subject] = []
    for suite in suites:
        known = tuple(known for known, owner in owners.items() if owner == suite.name)
        subjects.extend(_judge_suite(suite, run, params, key, known))
    if any(subject.verdict is Verdict.FIRED for subject in subjects):
        verdict = Verdict.FIRED
    elif subjects and all(subject.verdict is Verdict.FINE for subject in subjects):
        verdict = Verdict.FINE
    else:
        verdict = Verdict.UNKNOWN
    return TriggerResult(verdict, subjects=tuple(sorted(subjects, key=lambda subject: subject.key)))


def _owners(known_keys: frozenset[str], suites: list[Suite], key: str) -> dict[str, str]:
    """Each known per-test key under `key` and the suite that judges it: of the suites whose name starts it,
    the longest (`flaky/a/b/x` belongs to suite `a/b`, not `a`), so no report judges another suite's test."""
    owners: dict[str, str] = {}
    for known in sorted(known_keys):
        rest = known.removeprefix(f"{key}/")
        if rest == known:
            continue
        names = [suite.name for suite in suites if rest.startswith(f"{suite.name}/")]
        if names:
            owners[known] = max(names, key=len)
    return owners


def _judge_suite(
    suite: Suite, run: Observation, params: FlakyTests, key: str, known: tuple[str, ...]
) -> Iterable[Subject]:
    if not suite.has_report or infrastructure_failure(suite, params.infrastructure_share):
        return  # unknown: every key of the suite is left out, neither fired nor fine
    flaky = _flaky_cases(suite)
    # The suite's count, not the listed cases: a case cap may have kept only some of them.
    reruns = max(len(flaky), suite.flaky)
    flips = _flips(suite, run, params, key, flaky)
    cases = (*flaky.values(), *(flip.case for flip in flips.tests if flip.case is not None))
    evidence = suite.model_copy(update={"cases": cases})
    if reruns + flips.flipped > run.group_flaky_over:
        yield _grouped(suite, evidence, params, reruns, flips, run.same_commit)
    else:
        for test, case in flaky.items():
            yield Subject(
                key=f"{suite.name}/{test}",
                verdict=Verdict.FIRED,
                suite=suite.model_copy(update={"cases": (case,)}),
                test=case_label(case),
                facts=(_fact(suite, case),),
                reasons=(Reason.FLAKY_TEST,),
            )
        for flip in flips.tests:
            yield Subject(
                key=f"{suite.name}/{flip.test}",
                verdict=Verdict.FIRED,
                suite=suite.model_copy(update={"cases": () if flip.case is None else (flip.case,)}),
                test=flip.test,
                facts=(flip.fact,),
                reasons=(Reason.FLAKY_TEST,),
            )
        if not reruns and not flips.flipped and f"{key}/{suite.name}" in run.known_keys:
            yield Subject(key=suite.name, verdict=Verdict.FINE, suite=evidence)
    if not lists_every_case(suite):
        return  # a case cap hid some non-passing tests: none of the others can be called clean
    not_clean = {f"{key}/{suite.name}/{test}" for test in (*map(test_key, suite.cases), *flips.keys)}
    for each in known:
        if each not in not_clean:
            yield Subject(key=each.removeprefix(f"{key}/"), verdict=Verdict.FINE, suite=evidence)


def _flips(suite: Suite, run: Observation, params: FlakyTests, key: str, flaky: Mapping[str, Case]) -> Flips:
    """The suite's tests that flipped between runs of this commit (policy/flips.py), but none when its
    rerun-flaky tests alone make a grouped item, or its flips on this commit were filed as one already."""
    memory = run.same_commit
    if memory is None or max(len(flaky), suite.flaky) > run.group_flaky_over:
        return Flips()
    if filed(memory, f"{key}/{suite.name}"):
        return Flips()
    taken = {f"{suite.name}/{test}" for test in flaky}
    return flipped_tests(suite, memory, params.infrastructure_share, key, taken)


def _flaky_cases(suite: Suite) -> dict[str, Case]:
    """The suite's flaky cases by test key, in key order (one per test, even if a report repeats one)."""
    found: dict[str, Case] = {}
    for case in suite.cases:
        if case.outcome is CaseOutcome.FLAKY:
            found.setdefault(test_key(case), case)
    return dict(sorted(found.items()))


def _grouped(
    suite: Suite, evidence: Suite, params: FlakyTests, reruns: int, flips: Flips, memory: CommitMemory | None
) -> Subject:
    names = {"suite": suite.name, "suite_title": suite_title(suite.name), "kind": suite.kind.value}
    facts = []
    if reruns:
        rerun = [case_label(case) for case in evidence.cases if case.outcome is CaseOutcome.FLAKY]
        facts.append(
            f"{plural(reruns, 'test')} of the {suite.name} suite failed, then passed when run again "
            f"(one item for all of them, more than the limit for separate items): {_shown(rerun, reruns)}"
        )
    if flips.flipped and memory is not None:
        shown = _shown([flip.test for flip in flips.tests], flips.flipped)
        facts.append(group_fact(suite, memory, flips, shown))
    return Subject(
        key=suite.name,
        verdict=Verdict.FIRED,
        suite=evidence,
        test=suite.name,
        title=params.group_title.format(**names),
        facts=tuple(facts),
        reasons=(Reason.FLAKY_TESTS_GROUPED,),
    )


def _shown(tests: list[str], count: int) -> str:
    more = count - min(len(tests), TESTS_NAMED)
    return ", ".join(tests[:TESTS_NAMED]) + (f" and {more} more" if more > 0 else "")


def _fact(suite: Suite, case: Case) -> str:
    return (
        f"{case_label(case)} of the {suite.name} suite failed, then passed when run again{what_failed(case)}"
    )
