"""NUnit file totals, case by case, with the one merge NUnit needs.

Parameterised cases whose arguments display alike (`Clone(System.Func`2[…])`, several times) carry one name:
nobody can tell them apart in a report, so adjacent cases of one suite with one class and name count as one
test, with the worst outcome of its runs: error > failure > passed > skipped (a test that ran and passed is
not skipped because another run of it was). NUnit writes a parameterised method's cases one after another, so
only the case before is remembered and memory does not grow with the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from issueplan.model import Case, CaseOutcome, Problem
from issueplan.sources._junit_case import seconds
from issueplan.sources._nunit_case import build_case, names_of, outcome_of

_RANK: dict[CaseOutcome | None, int] = {
    CaseOutcome.ERROR: 0,
    CaseOutcome.FAILED: 1,
    None: 2,
    CaseOutcome.SKIPPED: 3,
}


@dataclass(slots=True)
class Tally:
    cap: int
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    duration: float = 0.0
    cases: list[Case] = field(default_factory=list)
    dropped: int = 0
    # The test held back in case the next case repeats its name: its names, worst outcome and Case.
    _names: tuple[str, str] | None = None
    _outcome: CaseOutcome | None = None
    _case: Case | None = None

    @property
    def failing(self) -> int:
        """Tests failed or errored so far, the one held back included."""
        held = self._names is not None and self._outcome in (CaseOutcome.FAILED, CaseOutcome.ERROR)
        return self.failures + self.errors + held

    def record(self, element: etree._Element) -> None:
        """One `<test-case>` element."""
        self.duration += seconds(element.get("duration") or element.get("time"))
        outcome = outcome_of(element)
        names = names_of(element)
        if names != self._names or not any(names):
            self.flush()
            self._names = names
        elif _RANK[outcome] >= _RANK[self._outcome]:
            return  # a run no worse than the one before: its Case, if any, says nothing new
        self._outcome = outcome
        full = len(self.cases) >= self.cap
        self._case = build_case(element, outcome, names) if outcome is not None and not full else None

    def add_suite(self, case: Case) -> None:
        """A suite's own failure, counted as one errored test."""
        self.flush()
        self._names, self._outcome, self._case = (case.classname, case.name), case.outcome, case
        self.flush()

    def flush(self) -> None:
        """Count the test held back: the next case is not a run of it."""
        if self._names is None:
            return
        self.tests += 1
        outcome = self._outcome
        if outcome is CaseOutcome.ERROR:
            self.errors += 1
        elif outcome is CaseOutcome.FAILED:
            self.failures += 1
        elif outcome is CaseOutcome.SKIPPED:
            self.skipped += 1
        if outcome is not None:
            if self._case is not None and len(self.cases) < self.cap:
                self.cases.append(self._case)
            else:
                self.dropped += 1
        self._names = self._outcome = self._case = None

    def problems(self, file: str) -> list[Problem]:
        self.flush()
        if not self.dropped:
            return []
        message = (
            f"{self.dropped} more non-passing test cases are not listed (only {self.cap} are kept per file); "
            "the counts include them"
        )
        return [Problem(file=file, message=message)]
