"""load_results: result files, directories and globs → one RunReport, the same whatever the input order.

Suites: declared suites (config) first, in declaration order, then zero-config suites by name. A zero-config
suite exists when a test report lies in its place, or when the CI told its step outcome. A file belongs to the
declared suite whose `results` globs match it (or whose name is the file's zero-config suite). Findings, scans
and coverage are collected wherever they lie.

A suite's status comes from its test reports when it has any, else from its step outcome (failure → failed,
success → passed, anything else or unknown → skipped); `has_report` says whether any result file was found.

Evidence, or not at all (RELIABILITY I13): an argument that matches no file is a UsageError naming it, unless
step outcomes were given (they are then the run's evidence, and the empty argument a warning) or the caller
chose `IfNoResults.WARN` (a Problem) or `IGNORE`. A run reads at most `max_run_bytes` (default 1 GiB) of
result files (RELIABILITY I14): a file that would exceed it is not opened and becomes a Problem, so memory
and time stay bounded however many files (or hard links to one) a glob yields.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from issueplan.errors import UsageError
from issueplan.model import (
    Case,
    Coverage,
    CoverageCounts,
    FileCoverage,
    FileResult,
    Finding,
    Problem,
    RunReport,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteSpec,
    SuiteStatus,
    TestTotals,
)
from issueplan.modes import DEFAULT_MAX_READ_BYTES, IfNoResults
from issueplan.sources import _inputs
from issueplan.sources._case_places import locate_cases

if TYPE_CHECKING:
    from issueplan.sources import Reader

DEFAULT_MAX_FILE_BYTES = 256 * 2**20
DEFAULT_MAX_RUN_BYTES = DEFAULT_MAX_READ_BYTES
# Readers that stream their input hold little in memory, so a file over the cap may still be read.
STREAMING_FORMATS = frozenset({"cobertura", "lcov", "go-test-json", "dart-json"})
RESULT_SUFFIXES = frozenset({".xml", ".json", ".sarif", ".info", ".lcov", ".trx", ".jsonl", ".ndjson"})
# Sniffing by the first byte (after a BOM and blanks), so that a tree of thousands of files does not ask all
# eighteen detectors about each: the JSON formats' detectors want "{" or "[" first, the XML root formats'
# want "<" (or a UTF-16 BOM, which goes to every detector); any other reader (lcov, Cobertura, a new one) is
# always asked. tests/sources/test_sniffing.py proves the answer is the one asking every detector gives.
JSON_FORMATS = frozenset(
    {"sarif", "pip-audit", "npm-audit", "osv", "trivy", "grype", "yarn-audit", "cargo-audit", "govulncheck"}
    | {"mocha-json", "go-test-json", "dart-json"}
)
XML_ROOT_FORMATS = frozenset({"trx", "xunit", "nunit", "junit"})
_BLANKS = b"\xef\xbb\xbf \t\r\n\x0b\x0c"

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
# How alike (difflib's ratio, case folded) an outcome's suite name and a suite of the run must be to call the
# outcome's a typo: unit_test ~ unit_tests (0.95) is one; api_tests ~ ui_tests (0.82) are two suites.
OUTCOME_TYPO_RATIO = 0.85


def infer_kind(name: str) -> SuiteKind:
    """The kind a suite's name suggests, by whole segments: "unit_tests" → unit, "sec-scan" → security."""
    segments = set(_SEGMENT.split(name.lower()))
    for kind, words in _KIND_WORDS:
        if segments & words:
            return kind
    return SuiteKind.OTHER


@dataclass
class _Gathered:
    """What one suite collected: its files and the test reports among them."""

    files: list[str] = field(default_factory=list)
    reports: list[FileResult] = field(default_factory=list)


def load_results(
    inputs: Sequence[str | Path],
    *,
    outcomes: Mapping[str, StepOutcome] = {},
    suites: Sequence[SuiteSpec] = (),
    workspace: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_run_bytes: int = DEFAULT_MAX_RUN_BYTES,
    if_no_results: IfNoResults = IfNoResults.ERROR,
) -> RunReport:
    """Read every result file under `inputs` into one RunReport; a bad file is a Problem, not an error.

    Raises UsageError when an argument matches no file and `if_no_results` is ERROR with no step outcome.
    """
    from issueplan.sources import HEAD_BYTES, READERS  # noqa: PLC0415 - the registry imports this module

    found = _inputs.discover(inputs, workspace)
    problems = [*found.problems, *_unmatched(found.unmatched, if_no_results, outcomes)]
    results: list[tuple[_inputs.Candidate, FileResult]] = []
    spent = 0
    # Files that are no result file are not broken ones: they are noted once, not warned about one by one.
    unrecognised: list[str] = []
    for candidate in found.candidates:
        head = _inputs.first_look(candidate, HEAD_BYTES)
        if isinstance(head, Problem):
            problems.append(head)
            continue
        if spent + head.size > max_run_bytes:
            problems.append(Problem(file=candidate.display, message=_over_budget(max_run_bytes, spent)))
            continue
        read = _read(candidate, head, READERS, max_file_bytes)
        if isinstance(read, Problem):
            problems.append(read)
        elif isinstance(read, FileResult):
            spent += head.size
            results.append((candidate, read))
        elif read is _Skipped.NOT_A_RESULT:
            unrecognised.append(candidate.display)

    results = locate_cases(results, workspace)
    gathered: dict[str, _Gathered] = {}
    for candidate, result in results:
        owner = _owner(candidate, suites)
        if owner is None:
            continue
        entry = gathered.setdefault(owner, _Gathered())
        entry.files.append(result.file)
        if result.totals is not None:
            entry.reports.append(result)
    check_outcome_suites(
        outcomes, {name for name in gathered if gathered[name].reports} | {s.name for s in suites}
    )
    for name in list(gathered):
        if not gathered[name].reports and name not in outcomes and name not in {s.name for s in suites}:
            del gathered[name]  # a folder of scans or coverage alone is no test suite

    file_results = [result for _, result in results]
    return RunReport(
        suites=_suites(gathered, suites, outcomes),
        findings=tuple(sorted((f for r in file_results for f in r.findings), key=_finding_key)),
        scans=tuple(
            sorted((s for r in file_results for s in r.scans), key=lambda s: (s.file, s.tool, s.findings))
        ),
        coverage=_merge_coverage([r.coverage for r in file_results if r.coverage is not None]),
        problems=tuple(sorted([*problems, *(p for r in file_results for p in r.problems)], key=_problem_key)),
        unrecognised=tuple(sorted(unrecognised)),
    )


def check_outcome_suites(outcomes: Mapping[str, StepOutcome], suites: Collection[str]) -> None:
    """A step outcome naming no suite of the run stands for a step that wrote no report, unless its name is a
    near miss of one of `suites` (a typo, which would silently leave the real suite's outcome unknown): then a
    UsageError names the closest suite (RELIABILITY S24)."""
    folded = {name.casefold(): name for name in sorted(suites)}
    for name in sorted(outcomes):
        if name in suites:
            continue
        close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=OUTCOME_TYPO_RATIO)
        if close:
            raise UsageError(
                f"step outcome for {name!r} (--outcome, --outcomes or the action's `outcomes`): no suite of "
                f"this run is named so (did you mean {folded[close[0]]!r}?); fix the name, or declare "
                f"{name!r} under `suites:` in the config if its step writes no report"
            )


def _unmatched(
    unmatched: Sequence[Problem], mode: IfNoResults, outcomes: Mapping[str, StepOutcome]
) -> list[Problem]:
    """What the arguments that matched no file mean for this run (see the module docstring)."""
    if not unmatched or mode is IfNoResults.IGNORE:
        return []
    if mode is IfNoResults.WARN:
        return list(unmatched)
    if outcomes:
        evidence = "; the step outcomes given are this run's evidence"
        return [problem.model_copy(update={"message": problem.message + evidence}) for problem in unmatched]
    named = ", ".join(f"{problem.file!r} ({problem.message})" for problem in unmatched)
    raise UsageError(
        f"results: {named}: no result file to read, so nothing can be decided. Check the path (relative to "
        "the working directory), give the steps' outcomes (--outcome/--outcomes, input `outcomes`), or "
        "run without results with --if-no-results warn or ignore (input `if-no-results`)"
    )


def _over_budget(limit: int, spent: int) -> str:
    return (
        f"not read: the run's read limit of {_size(limit)} is reached ({_size(spent)} read already); "
        "raise it with --max-read-bytes, or give fewer result files"
    )


def _size(count: int) -> str:
    return f"{count / 2**20:.4g} MiB" if count >= 2**20 else f"{count} bytes"


class _Skipped(Enum):
    NOT_A_RESULT = "not a result file"  # noted once with the others
    IGNORED = "ignored"  # under a root, with a suffix no result file has: not even noted


def _read(
    candidate: _inputs.Candidate, head: _inputs.Head, readers: Mapping[str, Reader], max_file_bytes: int
) -> FileResult | Problem | _Skipped:
    """The first detecting reader's result; when a full read shows the file is not that reader's format
    after all, the next detecting reader's."""
    detected = (name for name, reader in candidates(head.data, readers) if reader.detect(head.data))
    name = next(detected, None)
    if name is None:
        if not candidate.in_root or candidate.path.suffix.lower() in RESULT_SUFFIXES:
            return _Skipped.NOT_A_RESULT
        return _Skipped.IGNORED
    if head.size > max_file_bytes and name not in STREAMING_FORMATS:
        limit = f"{max_file_bytes / 2**20:g} MiB"
        return Problem(file=candidate.display, message=f"not read: larger than {limit}")
    result = readers[name].read(candidate.path)
    while not result.recognised and (name := next(detected, None)) is not None:
        result = readers[name].read(candidate.path)
    return result if result.recognised else _Skipped.NOT_A_RESULT


def candidates(head: bytes, readers: Mapping[str, Reader]) -> list[tuple[str, Reader]]:
    """The readers, in their order, whose detector could accept `head` at all (see JSON_FORMATS)."""
    first = head.lstrip(_BLANKS)[:1]
    if first in {b"{", b"["} or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return list(readers.items())
    ruled_out = JSON_FORMATS if first == b"<" else JSON_FORMATS | XML_ROOT_FORMATS
    return [(name, reader) for name, reader in readers.items() if name not in ruled_out]


def _owner(candidate: _inputs.Candidate, specs: Sequence[SuiteSpec]) -> str | None:
    for spec in specs:
        if any(_glob_matches(pattern, candidate) for pattern in spec.results):
            return spec.name
    return candidate.suite


def _glob_matches(pattern: str, candidate: _inputs.Candidate) -> bool:
    regex = _glob_regex(pattern)
    return bool(regex.fullmatch(candidate.rel) or regex.fullmatch(candidate.display))


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: `**/` spans directories (or none), `*` and `?` stay within one."""
    parts = re.split(r"(\*\*/|\*\*|\*|\?)", pattern.removeprefix("./"))
    table = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    return re.compile("".join(table.get(part, re.escape(part)) for part in parts))


def _suites(
    gathered: Mapping[str, _Gathered], specs: Sequence[SuiteSpec], outcomes: Mapping[str, StepOutcome]
) -> tuple[Suite, ...]:
    declared = {spec.name: spec for spec in specs}
    names = list(declared) + sorted((set(gathered) | set(outcomes)) - set(declared))
    built = []
    for name in names:
        spec = declared.get(name)
        kind = spec.kind if spec is not None and spec.kind is not None else infer_kind(name)
        built.append(_suite(name, kind, gathered.get(name, _Gathered()), outcomes.get(name)))
    return tuple(built)


def _suite(name: str, kind: SuiteKind, gathered: _Gathered, outcome: StepOutcome | None) -> Suite:
    totals = sum((r.totals for r in gathered.reports if r.totals is not None), TestTotals())
    cases = sorted((c for r in gathered.reports for c in r.cases), key=_case_key)
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


def _status(totals: TestTotals, *, has_tests_report: bool, outcome: StepOutcome | None) -> SuiteStatus:
    if not has_tests_report:
        return _OUTCOME_STATUS.get(outcome, SuiteStatus.SKIPPED) if outcome else SuiteStatus.SKIPPED
    if totals.failures or totals.errors or outcome is StepOutcome.FAILURE:
        return SuiteStatus.FAILED
    if totals.tests == 0 or totals.skipped >= totals.tests or outcome is StepOutcome.SKIPPED:
        return SuiteStatus.SKIPPED
    return SuiteStatus.PASSED


def _merge_coverage(reports: Iterable[Coverage]) -> Coverage | None:
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


def _case_key(case: Case) -> tuple[str, str, str, str, int, str, str, str]:
    return (
        case.classname,
        case.name,
        case.outcome,
        case.file or "",
        case.line or 0,
        case.message,
        case.type,
        case.trace,
    )


def _finding_key(finding: Finding) -> tuple[str, str, int, str, str]:
    return (finding.tool, finding.path or "", finding.line or 0, finding.rule_id, finding.fingerprint)


def _problem_key(problem: Problem) -> tuple[str, int, int, str]:
    return (problem.file, problem.line or 0, problem.column or 0, problem.message)
