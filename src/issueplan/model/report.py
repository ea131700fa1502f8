"""The report side: what the sources read from result files (suites, cases, findings, coverage) and the
workspace, gathered in one RunReport.

No `from __future__ import annotations` here, nor in the other modules `plan` loads that define models or
NamedTuples (each says so): pydantic and NamedTuple evaluate string annotations one by one, each compiled as
a forward reference, where the interpreter evaluates real ones with the class body; those classes cost `plan`
25 million instructions more with strings. An annotation naming a class defined later, or the class itself,
is quoted.
"""

from collections.abc import Collection, Iterable

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from issueplan.model.base import (
    CaseOutcome,
    FindingCategory,
    Frozen,
    Severity,
    StepOutcome,
    SuiteKind,
    SuiteStatus,
    coverage_rate,
    set_dict,
    set_extra,
    set_fields_set,
    set_private,
)


class Problem(Frozen):
    """A file that could not be (fully) read. Bad input is a value, never a crash."""

    file: str
    line: int | None = None
    column: int | None = None
    message: str


class Case(Frozen):
    """A test case that did not simply pass (failed, error, skipped or flaky)."""

    classname: str = ""
    name: str
    file: str | None = None
    line: int | None = None
    outcome: CaseOutcome
    message: str = ""
    type: str = ""
    trace: str = ""
    path_known: bool = Field(
        default=True,
        description="False when `file` is a JVM stack frame's package path (`com/acme/Cart.java`: a frame "
        "names the file, not its source folder) that no report of the run placed in the repository: shown, "
        "never linked, since no path in the repository is known.",
    )


class TestTotals(Frozen):
    """Counts of one test report (or the sum of several)."""

    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0
    duration: float = 0.0

    def __add__(self, other: "TestTotals") -> "TestTotals":
        return TestTotals(
            tests=self.tests + other.tests,
            failures=self.failures + other.failures,
            errors=self.errors + other.errors,
            skipped=self.skipped + other.skipped,
            flaky=self.flaky + other.flaky,
            duration=self.duration + other.duration,
        )


class Suite(Frozen):
    """One CI test suite: all test reports of one step, plus that step's outcome."""

    name: str
    kind: SuiteKind
    status: SuiteStatus
    has_report: bool
    outcome: StepOutcome | None = None
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0
    duration: float = 0.0
    cases: tuple[Case, ...] = ()
    files: tuple[str, ...] = ()


class Finding(Frozen):
    """One result of a scanner (SARIF) or a vulnerable dependency (audit JSON)."""

    tool: str
    tool_version: str | None = None
    rule_id: str
    rule_name: str | None = None
    severity: Severity
    cwe: tuple[int, ...] = ()
    message: str = ""
    path: str | None = None
    line: int | None = None
    fingerprint: str
    package: str | None = None
    version: str | None = None
    advisory: str | None = None
    aliases: tuple[str, ...] = ()
    fixed_versions: tuple[str, ...] = ()
    category: FindingCategory = FindingCategory.SECURITY
    # What makes a finding actionable, where the format says it: the rule's own help (SARIF
    # `shortDescription`/`help`), the vulnerable range and whether a fix is available (npm).
    rule_help: str | None = None
    vulnerable_range: str | None = None
    fix_available: bool | None = None


def checked_findings(rows: Iterable[dict[str, object]], named: Collection[str]) -> list[Finding]:
    """Findings from field values a reader has already checked: each row holds every field, in the model's
    order, each value of its field's exact type (str, None, int, the enums, a tuple of ints or of strs), those
    not in `named` at their defaults. The same Findings validation makes of them (`named` is their
    `model_fields_set`), without validating each again: on a SARIF log of 100k results that was a tenth of
    the read, spent checking the reader's own output (the reader checks each value it takes from the file),
    and each validated Finding held a copy of its `cwe` tuple for the collector to walk.

    tests/model/test_checked_findings.py holds these Findings equal to validated ones."""
    order = tuple(Finding.model_fields)
    if not set(named) <= set(order):
        raise ValueError(f"not fields of a Finding: {sorted(set(named) - set(order))}")
    findings: list[Finding] = []
    fields_set = set(named)  # one set for all: a frozen model's is never changed (model_copy copies it)
    size, new, append = len(order), object.__new__, findings.append
    for row in rows:
        if len(row) != size or (not findings and tuple(row) != order):
            raise ValueError(f"a Finding's row holds {tuple(row)}, not every field in order: {order}")
        finding = new(Finding)
        # what pydantic's own model_construct sets
        set_dict(finding, row)
        set_fields_set(finding, fields_set)
        set_extra(finding, None)
        set_private(finding, None)
        append(finding)
    return findings


class CoverageCounts(Frozen):
    """Lines and branches measured and covered; the rates follow from them unless a report states its own."""

    lines_valid: int = 0
    lines_covered: int = 0
    branches_valid: int = 0
    branches_covered: int = 0

    @classmethod
    def total(cls, parts: "Iterable[CoverageCounts]") -> "CoverageCounts":
        parts = tuple(parts)
        return cls(
            lines_valid=sum(p.lines_valid for p in parts),
            lines_covered=sum(p.lines_covered for p in parts),
            branches_valid=sum(p.branches_valid for p in parts),
            branches_covered=sum(p.branches_covered for p in parts),
        )

    def measured_rates(self) -> tuple[float | None, float | None]:
        """(line rate, branch rate) as these counts give them."""
        return (
            coverage_rate(self.lines_covered, self.lines_valid),
            coverage_rate(self.branches_covered, self.branches_valid),
        )


def _counts_of(counts: CoverageCounts) -> dict[str, int]:
    return {
        "lines_valid": counts.lines_valid,
        "lines_covered": counts.lines_covered,
        "branches_valid": counts.branches_valid,
        "branches_covered": counts.branches_covered,
    }


class FileCoverage(CoverageCounts):
    path: str
    line_rate: float | None = None
    branch_rate: float | None = None

    @classmethod
    def measured(cls, path: str, counts: CoverageCounts) -> "FileCoverage":
        """A file's coverage with its rates computed from its counts."""
        line_rate, branch_rate = counts.measured_rates()
        return cls(path=path, line_rate=line_rate, branch_rate=branch_rate, **_counts_of(counts))


class Coverage(CoverageCounts):
    """Line and branch coverage; rates are 0.0-1.0, None when the report does not say."""

    line_rate: float | None = None
    branch_rate: float | None = None
    files: tuple[FileCoverage, ...] = ()

    @classmethod
    def measured(cls, counts: CoverageCounts, files: tuple[FileCoverage, ...] = ()) -> "Coverage":
        """Coverage with its rates computed from its counts."""
        line_rate, branch_rate = counts.measured_rates()
        return cls(line_rate=line_rate, branch_rate=branch_rate, files=files, **_counts_of(counts))


class Scan(Frozen):
    """A scanner that ran (even when it found nothing): 'absent is not fixed' needs to know.

    `categories` are the kinds of finding this scan looks for: a clean linter run says nothing about security,
    so it must not close a security item (and a clean audit says nothing about code quality).
    """

    tool: str
    file: str
    findings: int
    categories: tuple[FindingCategory, ...] = (FindingCategory.SECURITY,)


class FileResult(Frozen):
    """What one reader made of one file. The loader merges these into a RunReport."""

    file: str
    format: str
    totals: TestTotals | None = None
    cases: tuple[Case, ...] = ()
    findings: tuple[Finding, ...] = ()
    scans: tuple[Scan, ...] = ()
    coverage: Coverage | None = None
    problems: tuple[Problem, ...] = ()
    recognised: bool = Field(
        default=True,
        description="False when a full read showed the file is no result file after all (a JSON file with "
        "`runs` but no SARIF `version` or `$schema`): the loader notes it, it is no broken report.",
    )
    source_roots: tuple[str, ...] = Field(
        default=(),
        description="The source folders a coverage report names (Cobertura's `<sources>`): where the loader "
        "finds a JVM frame's file.",
    )

    @model_serializer(mode="wrap")
    def _without_empty_roots(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Written only when a report named some, so the results of every other file read as before.
        data: dict[str, object] = handler(self)
        if not self.source_roots:
            data.pop("source_roots", None)
        return data


class RunReport(Frozen):
    """Everything one run's result files say. `unrecognised` lists files under a results root that are not
    result files: they are noted once, never reported as broken (Problems are for files that are)."""

    suites: tuple[Suite, ...] = ()
    findings: tuple[Finding, ...] = ()
    scans: tuple[Scan, ...] = ()
    coverage: Coverage | None = None
    problems: tuple[Problem, ...] = ()
    unrecognised: tuple[str, ...] = ()


class SuiteSpec(Frozen):
    """A suite declared in config: its name, kind, result globs (relative to the results roots), team."""

    name: str
    kind: SuiteKind | None = None
    results: tuple[str, ...] = ()
    team: str | None = None
    required: bool = False


class ContentMatch(Frozen):
    """What one content probe of the workspace found: the first file, in the probe's order, that contains one
    of its strings (None: none of the files looked into does). `unread` counts the probe's candidate files
    not looked into: larger than the size cap, not regular files, or beyond the read budget."""

    probe: str
    path: str | None = None
    needle: str | None = None
    looked_into: int = 0
    unread: int = 0


class Workspace(Frozen):
    """The checkout's relevant file paths (relative, POSIX) for workspace triggers, and what the content
    probes found in its small files; read once, so the triggers stay pure."""

    root: str
    paths: tuple[str, ...] = ()
    contents: tuple[ContentMatch, ...] = ()
