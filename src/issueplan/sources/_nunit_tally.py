"""NUnit file totals, case by case, with the one merge NUnit needs.

Parameterised cases whose arguments display alike (`Clone(System.Func`2[…])`, several times) carry one name:
nobody can tell them apart in a report, so adjacent cases of one suite with one class and name count as one
test, with the worst outcome of its runs: error > failure > passed > skipped (a test that ran and passed is
not skipped because another run of it was). NUnit writes a parameterised method's cases one after another, so
only the case before is remembered and memory does not grow with the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from issueplan.model import Case, CaseOutcome, Problem
from issueplan.sources._case_tally import OUTCOME_RANK, CaseTally
from issueplan.sources._junit_case import seconds
from issueplan.sources._nunit_case import build_case, names_of, outcome_of


@dataclass(slots=True)
class Tally(CaseTally):
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
        elif OUTCOME_RANK[outcome] >= OUTCOME_RANK[self._outcome]:
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
        self.add(self._outcome, self._case)
        self._names = self._outcome = self._case = None

    def problems(self, file: str) -> list[Problem]:
        self.flush()
        # Explicit base call: zero-argument super() does not work in a slotted dataclass.
        return CaseTally.problems(self, file)
