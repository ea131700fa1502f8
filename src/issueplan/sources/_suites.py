"""From the files read to the run's suites: the suite that owns each file, and each suite's kind, status,
totals and cases; coverage merged across reports; the orders that keep a RunReport independent of input order.

A file belongs to the declared suite whose `results` globs match it (or whose name is the file's zero-config
suite). A suite's status comes from its test reports when it has any, else from its step outcome (failure →
failed, success → passed, anything else or unknown → skipped); `has_report` says whether any file was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from issueplan.collector import collector_paused
from issueplan.model import (
    Case,
    Coverage,
    CoverageCounts,
    FileCoverage,
    FileResult,
    Finding,
    Problem,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteSpec,
    SuiteStatus,
    TestTotals,
)
from issueplan.sources._inputs import Candidate

_KIND_WORDS: tuple[tuple[SuiteKind, frozenset[str]], ...] = (
    (SuiteKind.SECURITY, frozenset({"security", "sec", "sast"})),
    (SuiteKind.API, frozenset({"api"})),
    (SuiteKind.FRONTEND, frozenset({"frontend", "ui", "web", "e2e", "browser"})),
    (SuiteKind.PERFORMANCE, frozenset({"perf", "performance", "load", "stress", "benchmark", "benchmarks"})),
    (SuiteKind.UNIT, frozenset({"unit"})),
    (SuiteKind.INTEGRATION, frozenset({"integration"})),
)
_SEGMENT = re.compile(r"[_\-./ ]+")
_OUTCOME_STATUS = {StepOutcome.FAILURE: SuiteStatus.FAILED, StepOutcome.SUCCESS: SuiteStatus.PASSED}


def infer_kind(name: str) -> SuiteKind:
    """The kind a suite's name suggests, by whole segments: "unit_tests" → unit, "sec-scan" → security."""
    segments = set(_SEGMENT.split(name.lower()))
    for kind, words in _KIND_WORDS:
        if segments & words:
            return kind
    return SuiteKind.OTHER


@dataclass
class Gathered:
    """What one suite collected: its files and the test reports among them."""

    files: list[str] = field(default_factory=list)
    reports: list[FileResult] = field(default_factory=list)


def gather(
    results: Iterable[tuple[Candidate, FileResult]], specs: Sequence[SuiteSpec]
) -> dict[str, Gathered]:
    """Each suite's files and test reports; a file no suite owns is left out."""
    gathered: dict[str, Gathered] = {}
    for candidate, result in results:
        owner = _owner(candidate, specs) if specs else candidate.suite
        if owner is None:
            continue
        entry = gathered.get(owner)
        if entry is None:  # not setdefault: a Gathered made per file only to be dropped costs a tree
            entry = gathered[owner] = Gathered()
        entry.files.append(result.file)
        if result.totals is not None:
            entry.reports.append(result)
    return gathered


def _owner(candidate: Candidate, specs: Sequence[SuiteSpec]) -> str | None:
    for spec in specs:
        if any(_glob_matches(pattern, candidate) for pattern in spec.results):
            return spec.name
    return candidate.suite


def _glob_matches(pattern: str, candidate: Candidate) -> bool:
    regex = _glob_regex(pattern)
    return bool(regex.fullmatch(candidate.rel) or regex.fullmatch(candidate.display))


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: `**/` spans directories (or none), `*` and `?` stay within one."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern.removeprefix("./"))
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(part, re.escape(part)) for part in parts))


def build_suites(
    gathered: Mapping[str, Gathered], specs: Sequence[SuiteSpec], outcomes: Mapping[str, StepOutcome]
) -> tuple[Suite, ...]:
    declared = {spec.name: spec for spec in specs}
    names = list(declared) + sorted((set(gathered) | set(outcomes)) - set(declared))
    built = []
    for name in names:
        spec = declared.get(name)
        kind = spec.kind if spec is not None and spec.kind is not None else infer_kind(name)
        built.append(_suite(name, kind, gathered.get(name, Gathered()), outcomes.get(name)))
    return tuple(built)


def _suite(name: str, kind: SuiteKind, gathered: Gathered, outcome: StepOutcome | None) -> Suite:
    totals = _total(gathered.reports)
    cases = sorted((c for r in gathered.reports for c in r.cases), key=case_key)
    return Suite(
        name=name,
        kind=kind,
        status=_status(totals, has_tests_report=bool(gathered.reports), outcome=outcome),
        has_report=bool(gathered.files),
        outcome=outcome,
        tests=totals.tests,
        failures=totals.failures,
        errors=totals.errors,
        skipped=totals.skipped,
        flaky=totals.flaky,
        duration=round(totals.duration, 6),
        cases=tuple(cases),
        files=tuple(sorted(gathered.files)),
    )


def _total(reports: Iterable[FileResult]) -> TestTotals:
    """The sum of the reports' totals, added in order as `TestTotals.__add__` adds them, as one model: a
    tree's suite of 500 reports would otherwise validate 500 partial sums."""
    tests = failures = errors = skipped = flaky = 0
    duration = 0.0
    for report in reports:
        if (totals := report.totals) is not None:
            # the fields themselves: a pydantic model's attribute read takes CPython's slow path
            # (BaseModel has a __getattr__), and a tree's suites read six of each of thousands of reports
            counts = totals.__dict__
            tests += counts["tests"]
            failures += counts["failures"]
            errors += counts["errors"]
            skipped += counts["skipped"]
            flaky += counts["flaky"]
            duration += counts["duration"]
    return TestTotals(
        tests=tests, failures=failures, errors=errors, skipped=skipped, flaky=flaky, duration=duration
    )


def _status(totals: TestTotals, *, has_tests_report: bool, outcome: StepOutcome | None) -> SuiteStatus:
    if not has_tests_report:
        return _OUTCOME_STATUS.get(outcome, SuiteStatus.SKIPPED) if outcome else SuiteStatus.SKIPPED
    if totals.failures or totals.errors or outcome is StepOutcome.FAILURE:
        return SuiteStatus.FAILED
    if totals.tests == 0 or totals.skipped >= totals.tests or outcome is StepOutcome.SKIPPED:
        return SuiteStatus.SKIPPED
    return SuiteStatus.PASSED


def merge_coverage(reports: Iterable[Coverage]) -> Coverage | None:
    reports = list(reports)
    if len(reports) <= 1:
        return reports[0] if reports else None
    by_path: dict[str, list[FileCoverage]] = {}
    for report in reports:
        for entry in report.files:
            by_path.setdefault(entry.path, []).append(entry)
    # One source file reported by two tools (e.g. two test jobs): counts add up, rates follow.
    files = tuple(
        entries[0] if len(entries) == 1 else FileCoverage.measured(path, CoverageCounts.total(entries))
        for path, entries in sorted(by_path.items())
    )
    return Coverage.measured(CoverageCounts.total(reports), files)


def case_key(case: Case) -> tuple[str, str, str, str, int, str, str, str]:
    found = case.__dict__  # the fields themselves, as finding_key reads them: a tree sorts thousands
    return (
        found["classname"],
        found["name"],
        found["outcome"],
        found["file"] or "",
        found["line"] or 0,
        found["message"],
        found["type"],
        found["trace"],
    )


# Formats whose reader returns its findings sorted by `finding_key` (stably): a run whose findings all come
# from one such file needs no sort of its own (the same key again would leave them where they are).
IN_FINDING_ORDER = frozenset({"sarif"})


def ordered_findings(results: Iterable[FileResult]) -> tuple[Finding, ...]:
    """Every finding of `results` sorted by `finding_key`, stably (a file's findings of one key keep its
    order, earlier files' first): taken as they are when a single file of IN_FINDING_ORDER holds them all.
    That skips 100k sort keys on a large SARIF log, a tenth of a second spent mostly in cache misses."""
    holding = [result for result in results if result.findings]
    if len(holding) == 1 and holding[0].format in IN_FINDING_ORDER:
        return holding[0].findings
    # A sort key per finding: 100k short-lived tuples that the collector would otherwise count as survivors
    # and walk again with every object of the run in a full collection (collector.py).
    with collector_paused():
        return tuple(sorted((f for r in holding for f in r.findings), key=finding_key))


def finding_key(finding: Finding) -> tuple[str, str, int, str, str]:
    found = finding.__dict__  # the fields themselves: 100k findings are half a million attribute look-ups
    return (found["tool"], found["path"] or "", found["line"] or 0, found["rule_id"], found["fingerprint"])


def problem_key(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.file, problem.line or 0, problem.column or 0, problem.message)
