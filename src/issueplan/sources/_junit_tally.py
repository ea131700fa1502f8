"""Running counts of a JUnit file being streamed: totals, kept cases, rerun groups, declared-count checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from issueplan.model import Case, CaseOutcome, Problem

# (tests, failures, errors, skipped); None where a suite does not declare it
Declared = tuple[int | None, int | None, int | None, int | None]
_NAMES = ("tests", "failures", "errors", "skipped")


@dataclass(slots=True)
class SuiteCount:
    """One `<testsuite>`/`<testsuites>` level: what it declares and what its subtree holds, case by case."""

    name: str
    file: str | None
    line: int | None
    declared: Declared
    start: tuple[int, int, int, int]  # the file's element counts when the suite began (Tally.elements)

    def disagreement(self, now: tuple[int, int, int, int]) -> str | None:
        """`declares tests=8, counted 3` when a declared count differs from the cases, else None."""
        counted = tuple(end - begin for end, begin in zip(now, self.start, strict=True))
        wrong = [
            (name, said, found)
            for name, said, found in zip(_NAMES, self.declared, counted, strict=True)
            if said is not None and said != found
        ]
        if not wrong:
            return None
        said_text = " ".join(f"{name}={said}" for name, said, _ in wrong)
        found_text = " ".join(f"{name}={found}" for name, _, found in wrong)
        return f"declares {said_text}, counted {found_text}"


@dataclass(slots=True)
class Tally:
    """File totals. Cases arrive one by one through `record`; adjacent ones with one identity are held
    back as a possible rerun group until a different case, a suite boundary or the end of the file `flush`es
    them."""

    cap: int
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0
    duration: float = 0.0
    cases: list[Case] = field(default_factory=list)
    dropped: int = 0
    mismatches: int = 0
    first_mismatch: tuple[str, int | None, str] | None = None
    # Per element, reruns included: producers declare what they wrote, not what we merged.
    _elements: int = 0
    _element_failures: int = 0
    _element_errors: int = 0
    _element_skips: int = 0
    _identity: tuple[str | None, ...] | None = None
    _lone_pass: bool = False  # the pending group is one passing case: the common case, kept cheap
    _runs: dict[CaseOutcome | None, int] = field(default_factory=dict)
    _held: list[Case] = field(default_factory=list)
    _hidden: int = 0
    _first: dict[CaseOutcome, Case] = field(default_factory=dict)

    def record(
        self, identity: tuple[str | None, ...] | None, outcome: CaseOutcome | None, case: Case | None
    ) -> None:
        """One testcase element; `identity` None means it cannot be a rerun of its neighbour."""
        self._elements += 1
        if identity is not None and identity == self._identity:
            if self._lone_pass:
                self._lone_pass = False
                self._runs[None] = 1
            self._hold(outcome, case)
            return
        self.flush()
        self._identity = identity
        if outcome is None:
            self._lone_pass = True
        else:
            self._hold(outcome, case)

    def elements(self) -> tuple[int, int, int, int]:
        """Elements seen so far: (tests, failures, errors, skipped), for the declared-count checks."""
        return (self._elements, self._element_failures, self._element_errors, self._element_skips)

    def _hold(self, outcome: CaseOutcome | None, case: Case | None) -> None:
        if outcome is CaseOutcome.FAILED:
            self._element_failures += 1
        elif outcome is CaseOutcome.ERROR:
            self._element_errors += 1
        elif outcome is CaseOutcome.SKIPPED:
            self._element_skips += 1
        self._runs[outcome] = self._runs.get(outcome, 0) + 1
        if outcome is None:
            return
        if case is not None:
            self._first.setdefault(outcome, case)
        if case is not None and len(self.cases) + len(self._held) < self.cap:
            self._held.append(case)
        else:
            self._hidden += 1

    @property
    def full(self) -> bool:
        """No more cases will be kept: callers may skip building them (counts stay exact)."""
        return len(self.cases) >= self.cap

    def flush(self) -> None:
        if self._lone_pass:
            self.tests += 1
            self._lone_pass = False
        runs = self._runs
        if not runs:
            self._identity = None
            return
        if (CaseOutcome.FAILED in runs or CaseOutcome.ERROR in runs) and sum(runs.values()) > 1:
            self._merge_reruns(runs)
        else:
            self.tests += sum(runs.values())
            self.failures += runs.get(CaseOutcome.FAILED, 0)
            self.errors += runs.get(CaseOutcome.ERROR, 0)
            self.skipped += runs.get(CaseOutcome.SKIPPED, 0)
            self.flaky += runs.get(CaseOutcome.FLAKY, 0)
            self.cases.extend(self._held)
            self.dropped += self._hidden
        self._identity = None
        self._runs = {}
        self._held = []
        self._hidden = 0
        self._first = {}

    def _merge_reruns(self, runs: dict[CaseOutcome | None, int]) -> None:
        """One test run several times: flaky if any attempt passed, else its worst outcome."""
        self.tests += 1
        failed = self._first.get(CaseOutcome.ERROR) or self._first.get(CaseOutcome.FAILED)
        kept = failed
        if None in runs or CaseOutcome.FLAKY in runs:
            self.flaky += 1
            kept = failed.model_copy(update={"outcome": CaseOutcome.FLAKY}) if failed else None
        elif CaseOutcome.ERROR in runs:
            self.errors += 1
        else:
            self.failures += 1
        if kept is not None and len(self.cases) < self.cap:
            self.cases.append(kept)
        else:
            self.dropped += 1

    def compare(self, suite: SuiteCount) -> None:
        self.flush()
        disagreement = suite.disagreement(self.elements())
        if disagreement is not None:
            self.mismatches += 1
            if self.first_mismatch is None:
                self.first_mismatch = (suite.name, suite.line, disagreement)

    def problems(self, file: str) -> list[Problem]:
        self.flush()
        found: list[Problem] = []
        if self.first_mismatch is not None:
            name, line, disagreement = self.first_mismatch
            others = f" (and {self.mismatches - 1} more suites)" if self.mismatches > 1 else ""
            found.append(
                Problem(
                    file=file,
                    line=line,
                    message=(
                        f"declared counts disagree with the test cases: suite {name!r} {disagreement}"
                        f"{others}; the counts used come from the test cases"
                    ),
                )
            )
        if self.dropped:
            found.append(
                Problem(
                    file=file,
                    message=(
                        f"{self.dropped} more non-passing test cases are not listed (only {self.cap} "
                        "are kept per file); the counts include them"
                    ),
                )
            )
        return found
