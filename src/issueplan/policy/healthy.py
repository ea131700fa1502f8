"""What a run observed of the items it found healthy, in words (pure): the facts a close comment states.

A trigger's FINE verdict says only *that* its evidence was observed and found healthy; a person reading the
comment that closes an issue wants *what* was seen: "`unit_tests` ran: all 128 tests passed", "`Bandit`
ran: none of this issue's findings is reported any more". Each healthy key gets its facts here, from the
same run the trigger judged, keyed as `build_plan` keys it. Facts name suites, scanners and files, never an
item's key (`suite-failed/…`): keys are the tool's identities, not words for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import assert_never

from issueplan.model import FindingCategory, HealthyFact, Suite, SuiteKind
from issueplan.policy.describe import describe_coverage, plural
from issueplan.policy.rule import Rule
from issueplan.policy.trigger_spec import (
    AllOf,
    AnyOf,
    CoverageBelow,
    FindingsAtLeast,
    FindingsWithCwe,
    FlakyTests,
    NoScannerOutput,
    NoSuiteOfKind,
    SecurityFramework,
    SecurityProgram,
    SuiteFailed,
    SuiteSkippedOrMissing,
    SuiteWithoutReport,
    TriggerSpec,
    WorkspaceLacks,
)
from issueplan.policy.triggers import evaluate
from issueplan.policy.verdict import Observation, TriggerResult, Verdict
from issueplan.policy.workspace import matches_any


def healthy_facts(rule: Rule, result: TriggerResult, run: Observation) -> dict[str, tuple[HealthyFact, ...]]:
    """The facts of each key `rule` found healthy in this run (the keys of `build_plan`'s `healthy`)."""
    if rule.per_subject:
        return {
            f"{rule.key}/{subject.key}": (_flaky_clean(subject.suite, subject.key),)
            for subject in result.subjects
            if subject.verdict is Verdict.FINE
        }
    if rule.per_suite:
        return {
            f"{rule.id}/{judged.suite.name}": (_suite_ran(judged.suite),)
            for judged in result.per_suite
            if judged.verdict is Verdict.FINE
        }
    if result.verdict is Verdict.FINE and rule.item_key is not None:
        return {rule.item_key: tuple(dict.fromkeys(_facts(rule.trigger, run)))}
    return {}


def suite_outcome(suite: Suite) -> str:
    """`all 128 tests passed`, `126 of 128 tests passed, 2 skipped`: a healthy suite's run in words."""
    if suite.tests == 0:
        return "it wrote a test report"
    passed = suite.tests - suite.failures - suite.errors - suite.skipped - suite.flaky
    extras = [f"{suite.skipped} skipped"] if suite.skipped else []
    if suite.flaky:
        extras.append(f"{suite.flaky} passed when run again")
    if not extras:
        return f"all {plural(suite.tests, 'test')} passed" if suite.tests > 1 else "its 1 test passed"
    return ", ".join([f"{passed} of {plural(suite.tests, 'test')} passed", *extras])


def _suite_ran(suite: Suite) -> HealthyFact:
    return HealthyFact(subjects=(suite.name,), outcome=suite_outcome(suite))


def _flaky_clean(suite: Suite, subject_key: str) -> HealthyFact:
    test = subject_key.removeprefix(f"{suite.name}/")
    if test == subject_key:  # a suite's grouped item
        return HealthyFact(subjects=(suite.name,), outcome="no test failed and then passed when run again")
    return HealthyFact(subjects=(suite.name,), outcome=f"{test} neither failed nor was run again")


def _facts(spec: TriggerSpec, run: Observation) -> Iterator[HealthyFact]:  # noqa: PLR0912 - one case per type
    match spec:
        case SuiteFailed() | SuiteSkippedOrMissing() | SuiteWithoutReport():
            yield from _suites(run, spec.kinds)
        case FindingsAtLeast():
            yield from _scanners(run, spec.category)
        case FindingsWithCwe():
            yield from _scanners(run, FindingCategory.SECURITY)
        case SecurityProgram():
            yield from _suites(run, spec.kinds)
            severity = f" of {spec.severity.value} severity or above"
            yield from _scanners(run, FindingCategory.SECURITY, severity)
        case SecurityFramework():
            yield from _suites(run, spec.kinds)
        case NoSuiteOfKind():
            names = tuple(sorted(suite.name for suite in run.report.suites if suite.kind is spec.kind))
            yield HealthyFact(subjects=names, outcome=f"a {spec.kind.value} suite is part of the run")
        case NoScannerOutput():
            tools = _tools(run, None)
            whose = "its" if len(tools) == 1 else "their"
            yield HealthyFact(subjects=tools, outcome=f"{whose} results were read")
        case WorkspaceLacks():
            yield _checkout(spec, run)
        case CoverageBelow():
            coverage = run.report.coverage
            if coverage is not None and spec.line_rate is not None:
                yield HealthyFact(
                    verb="the coverage report was read",
                    outcome=f"{describe_coverage(coverage)}, at or above the {spec.line_rate:.1%} threshold",
                )
        case AnyOf():
            for child in spec.triggers:
                yield from _facts(child, run)
        case AllOf():  # fine once one part is fine: those parts are what was seen
            for child in spec.triggers:
                if evaluate(child, run).verdict is Verdict.FINE:
                    yield from _facts(child, run)
        case FlakyTests():
            return  # per subject: healthy_facts handles it
        case _:
            assert_never(spec)


def _suites(run: Observation, kinds: Iterable[SuiteKind]) -> Iterator[HealthyFact]:
    wanted = set(kinds)
    for suite in sorted(run.report.suites, key=lambda suite: suite.name):
        if suite.has_report and (not wanted or suite.kind in wanted):
            yield _suite_ran(suite)


def _tools(run: Observation, category: FindingCategory | None) -> tuple[str, ...]:
    return tuple(
        sorted(
            {scan.tool for scan in run.report.scans if category is None or category in scan.categories},
            key=str.casefold,
        )
    )


def _scanners(run: Observation, category: FindingCategory, qualifier: str = "") -> Iterator[HealthyFact]:
    tools = _tools(run, category)
    if tools:
        yield HealthyFact(
            subjects=tools, outcome=f"none of this issue's findings{qualifier} is reported any more"
        )


def _checkout(spec: WorkspaceLacks, run: Observation) -> HealthyFact:
    """The file that shows the checkout has what the rule looks for: by name, else by its content."""
    paths = run.workspace.paths if run.workspace is not None else ()
    found = next((path for path in sorted(paths) if matches_any((path,), spec.globs)), None)
    if found is None and run.workspace is not None:
        matches = {match.probe: match for match in run.workspace.contents}
        for signal in spec.contents:
            match = matches.get(signal.key)
            if match is not None and match.path is not None:
                outcome = f"it has a {signal.what}: {match.path}"
                return HealthyFact(verb="the checkout was read", outcome=outcome)
    where = f": {found}" if found else ""
    return HealthyFact(verb="the checkout was read", outcome=f"it has a {spec.what}{where}")
