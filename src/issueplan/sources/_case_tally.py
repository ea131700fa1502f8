"""One result per test case, the non-passing ones kept up to a cap: what the test-report readers share.

JUnit has its own tally (`_junit_tally`), shaped by streaming XML and adjacent reruns; the other formats know
each test's final outcome before they count it (or merge a test's runs first, with `worst`), so counting is
one call per test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from issueplan.model import Case, CaseOutcome, FileResult, Problem, TestTotals

CASE_CAP = 1000

# Several results of one test count once: error > failure > passed > skipped (None is passed). A data row
# that passed beside one that was skipped leaves the test passed, as publish-unit-test-result-action does.
OUTCOME_RANK: dict[CaseOutcome | None, int] = {
    CaseOutcome.ERROR: 0,
    CaseOutcome.FAILED: 1,
    None: 2,
    CaseOutcome.SKIPPED: 3,
}


def worst(first: CaseOutcome | None, second: CaseOutcome | None) -> CaseOutcome | None:
    """The outcome that decides a test with these two results."""
    return first if OUTCOME_RANK[first] <= OUTCOME_RANK[second] else second


@dataclass(slots=True)
class CaseTally:
    """Counts by outcome, and the first `cap` non-passing cases in the order the report gives them."""

    cap: int = CASE_CAP
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0
    duration: float = 0.0
    cases: list[Case] = field(default_factory=list)
    dropped: int = 0

    @property
    def full(self) -> bool:
        """No more cases will be kept: callers may skip building them (the counts stay exact)."""
        return len(self.cases) >= self.cap

    def add(self, outcome: CaseOutcome | None, case: Case | None = None) -> None:
        """One test case; `outcome` None means it passed. A non-passing case without a `Case` (the caller
        saw the tally was full) is counted and reported as left out."""
        self.tests += 1
        if outcome is None:
            return
        if outcome is CaseOutcome.FAILED:
            self.failures += 1
        elif outcome is CaseOutcome.ERROR:
            self.errors += 1
        elif outcome is CaseOutcome.SKIPPED:
            self.skipped += 1
        else:
            self.flaky += 1
        if case is not None and not self.full:
            self.cases.append(case)
        else:
            self.dropped += 1

    def sorted_cases(self) -> tuple[Case, ...]:
        # Sorted so that reordered (parallel) test runs give byte-identical results.
        return tuple(sorted(self.cases, key=_case_order))

    def problems(self, file: str) -> list[Problem]:
        """A Problem saying how many cases were left out, if any (the counts include them)."""
        if not self.dropped:
            return []
        message = (
            f"{self.dropped} more non-passing test cases are not listed (only {self.cap} are kept per file); "
            "the counts include them"
        )
        return [Problem(file=file, message=message)]

    def totals(self, duration: float | None = None) -> TestTotals:
        return TestTotals(
            tests=self.tests,
            failures=self.failures,
            errors=self.errors,
            skipped=self.skipped,
            flaky=self.flaky,
            duration=round(self.duration if duration is None else duration, 6),
        )

    def result(self, file: str, fmt: str, duration: float, problems: list[Problem]) -> FileResult:
        """The FileResult: cases sorted by stable keys, so a reordered run gives the same result."""
        return FileResult(
            file=file,
            format=fmt,
            totals=self.totals(duration),
            cases=self.sorted_cases(),
            problems=(*problems, *self.problems(file)),
        )


def _case_order(case: Case) -> tuple[str, str, str, int, str]:
    return (case.classname, case.name, case.file or "", case.line or 0, case.outcome.value)
