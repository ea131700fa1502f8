"""Running counts of a JUnit file being streamed: totals, kept cases, rerun groups, declared-count checks."""

from __future__ import annotations

from lxml import etree

from issueplan.model import Case, CaseOutcome, Problem
from issueplan.sources._junit_case import build_case, declared_count, outcome_of
from issueplan.sources._xml import source_line

# (tests, failures, errors, skipped) as a suite declares them; None where it does not
Declared = tuple[str | None, str | None, str | None, str | None]
Counts = tuple[int, int, int, int]
_NAMES = ("tests", "failures", "errors", "skipped")
Identity = tuple[str | None, ...]
_get = etree._Element.get  # unbound: no bound method made per case
# Module globals: an enum member read from its class costs a descriptor call (Python 3.11), several per case.
_FAILED, _ERROR, _SKIPPED, _FLAKY = (
    CaseOutcome.FAILED,
    CaseOutcome.ERROR,
    CaseOutcome.SKIPPED,
    CaseOutcome.FLAKY,
)


def identity(testcase: etree._Element | None, name: str | None) -> Identity | None:
    """What makes adjacent cases one test run several times. Nameless cases are never reruns of one
    another (None): they are distinct tests nobody bothered to name."""
    if testcase is None or not name:
        return None
    return (_get(testcase, b"classname"), name, _get(testcase, b"file"))


def record_case(
    tally: Tally, testcase: etree._Element, name: str | None, status: str | None, suite_file: str | None
) -> None:
    """A case that did not simply pass, may be a rerun, or sits outside a suite: outcome, Case, record."""
    outcome: CaseOutcome | None = None
    case: Case | None = None
    if status is not None or len(testcase):
        outcome, detail = outcome_of(testcase, status)
        if outcome is not None and len(tally.cases) < tally.cap:  # `tally.full`, without a property call
            case = build_case(testcase, outcome, detail, suite_file, name)
    tally.record(identity(testcase, name), outcome, case)
    testcase.clear()


def declares(suite: etree._Element, counts: Counts) -> bool:
    """Whether every count `suite` declares is written as `str()` writes the one in `counts` (tests, failures,
    errors, skipped): `SuiteCount.disagreement` then finds none, whatever else it would look at."""
    tests, failures, errors, skipped = counts
    said = _get(suite, b"tests")
    if said is not None and said != str(tests):
        return False
    said = _get(suite, b"failures")
    if said is not None and said != str(failures):
        return False
    said = _get(suite, b"errors")
    if said is not None and said != str(errors):
        return False
    said = _get(suite, b"skipped")
    if said is None:
        said = _get(suite, b"skips")
    return said is None or said == str(skipped)


class SuiteCount:
    """One `<testsuite>`/`<testsuites>` level: what it declares and what its subtree holds, case by case.

    A plain class, not a dataclass: a report tree reads thousands of files, and making the dataclasses of
    this module cost the first file as much as a hundred files' suites."""

    __slots__ = ("declared", "file", "line", "name", "start")

    def __init__(
        self, name: str, file: str | None, line: int | None, declared: Declared, start: Counts
    ) -> None:
        self.name = name
        self.file = file
        self.line = line
        self.declared = declared  # the attributes as written: most agree with the count as they are
        self.start = start  # the file's element counts when the suite began (Tally.elements)

    @classmethod
    def of(cls, suite: etree._Element, start: Counts) -> SuiteCount:
        get = suite.get
        skipped = get(b"skipped")
        return cls(
            get(b"name") or "",
            get(b"file") or get(b"filepath"),
            source_line(suite),
            (
                get(b"tests"),
                get(b"failures"),
                get(b"errors"),
                skipped if skipped is not None else get(b"skips"),
            ),
            start,
        )

    def disagreement(self, now: Counts) -> str | None:
        """`declares tests=8, counted 3` when a declared count differs from the cases, else None."""
        wrong = []
        for name, raw, end, begin in zip(_NAMES, self.declared, now, self.start, strict=True):
            if raw is not None and raw != str(end - begin):  # most producers write the count as str() does
                said = declared_count(raw)
                if said is not None and said != end - begin:
                    wrong.append((name, said, end - begin))
        if not wrong:
            return None
        said_text = " ".join(f"{name}={said}" for name, said, _ in wrong)
        found_text = " ".join(f"{name}={found}" for name, _, found in wrong)
        return f"declares {said_text}, counted {found_text}"


class Tally:
    """File totals. Cases arrive one by one through `record`; adjacent ones with one identity are held
    back as a possible rerun group until a different case, a suite boundary or the end of the file `flush`es
    them."""

    __slots__ = (
        "_element_errors",
        "_element_failures",
        "_element_skips",
        "_elements",
        "_first",
        "_held",
        "_hidden",
        "_identity",
        "_last_passed",
        "_lone",
        "_lone_case",
        "_lone_pass",
        "_runs",
        "cap",
        "cases",
        "dropped",
        "duration",
        "errors",
        "failures",
        "first_mismatch",
        "flaky",
        "mismatches",
        "skipped",
        "tests",
    )

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.tests = 0
        self.failures = 0
        self.errors = 0
        self.skipped = 0
        self.flaky = 0
        self.duration = 0.0
        self.cases: list[Case] = []
        self.dropped = 0
        self.mismatches = 0
        self.first_mismatch: tuple[str, int | None, str] | None = None
        # Per element, reruns included: producers declare what they wrote, not what we merged.
        self._elements = 0
        self._element_failures = 0
        self._element_errors = 0
        self._element_skips = 0
        self._identity: Identity | None = None
        # The pending group is one case, as it nearly always is, kept without the bookkeeping of a real group:
        self._lone_pass = False  # a passing one
        self._lone: CaseOutcome | None = None  # a non-passing one, and its Case when one was built
        self._lone_case: Case | None = None
        self._runs: dict[CaseOutcome | None, int] = {}
        self._held: list[Case] = []
        self._hidden = 0
        self._first: dict[CaseOutcome, Case] = {}
        self._last_passed = (
            False  # the group's latest attempt passed: its failures were reruns, so it is flaky
        )

    def record(self, identity: Identity | None, outcome: CaseOutcome | None, case: Case | None) -> None:
        """One testcase element; `identity` None means it cannot be a rerun of its neighbour."""
        self._elements += 1
        if outcome is _FAILED:
            self._element_failures += 1
        elif outcome is _ERROR:
            self._element_errors += 1
        elif outcome is _SKIPPED:
            self._element_skips += 1
        if identity is not None and identity == self._identity:
            if self._lone_pass:
                self._lone_pass = False
                self._runs[None] = 1
                self._last_passed = True
            elif self._lone is not None:
                self._hold(self._lone, self._lone_case)
                self._lone = self._lone_case = None
            self._hold(outcome, case)
            return
        self.flush()
        self._identity = identity
        if outcome is None:
            self._lone_pass = True
        else:
            self._lone, self._lone_case = outcome, case

    def passes(self, count: int, last: Identity | None) -> None:
        """`count` passing testcase elements in a row, none a rerun of the case before it, the last of which
        has the identity `last`: what `record` makes of them one by one, in one step."""
        self.flush()
        self._elements += count
        self.tests += count - 1
        self._identity = last
        self._lone_pass = True

    def add_apart(self, counts: Counts, flaky: int, kept: list[Case], dropped: int) -> None:
        """Testcase elements in a row none of which is a rerun of another, counted by the caller: `counts`
        (elements, failures, errors, skipped) as `record` counts them, `flaky` of them flaky, `kept` the
        Cases kept (no more than the cap leaves room for) and `dropped` the others that did not pass: what
        `record` makes of them one by one, in one step."""
        self.flush()
        elements, failures, errors, skipped = counts
        self._elements += elements
        self._element_failures += failures
        self._element_errors += errors
        self._element_skips += skipped
        self.tests += elements
        self.failures += failures
        self.errors += errors
        self.skipped += skipped
        self.flaky += flaky
        self.cases.extend(kept)
        self.dropped += dropped

    def elements(self) -> Counts:
        """Elements seen so far: (tests, failures, errors, skipped), for the declared-count checks."""
        return (self._elements, self._element_failures, self._element_errors, self._element_skips)

    def _hold(self, outcome: CaseOutcome | None, case: Case | None) -> None:
        self._runs[outcome] = self._runs.get(outcome, 0) + 1
        self._last_passed = outcome is None or outcome is _FLAKY
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
        elif self._lone is not None:
            self._add(self._lone, 1)
            if self._lone_case is not None and len(self.cases) < self.cap:
                self.cases.append(self._lone_case)
            else:
                self.dropped += 1
            self._lone = self._lone_case = None
        runs = self._runs
        if not runs:
            self._identity = None
            return
        if (_FAILED in runs or _ERROR in runs) and sum(runs.values()) > 1:
            self._merge_reruns(runs)
        else:
            for outcome, count in runs.items():
                self._add(outcome, count)
            self.cases.extend(self._held)
            self.dropped += self._hidden
        self._identity = None
        self._runs = {}
        self._held = []
        self._hidden = 0
        self._first = {}
        self._last_passed = False

    def _add(self, outcome: CaseOutcome | None, count: int) -> None:
        """`count` tests with this outcome (None: passed), none of them a rerun."""
        self.tests += count
        if outcome is _FAILED:
            self.failures += count
        elif outcome is _ERROR:
            self.errors += count
        elif outcome is _SKIPPED:
            self.skipped += count
        elif outcome is _FLAKY:
            self.flaky += count

    def _merge_reruns(self, runs: dict[CaseOutcome | None, int]) -> None:
        """One test run several times: flaky if its last attempt passed, else its worst outcome.

        A rerun follows a failure, so only a pass at the end shows a test that failed and then passed. A pass
        before a failure is a rerun written without its failure (pytest-rerunfailures 16.6.1 writes each
        failed attempt as an empty testcase and only the last with its `<failure>`): the test failed every
        time, and a failure is never hidden as flaky."""
        self.tests += 1
        failed = self._first.get(_ERROR) or self._first.get(_FAILED)
        kept = failed
        if self._last_passed:
            self.flaky += 1
            kept = failed.model_copy(update={"outcome": _FLAKY}) if failed else None
        elif _ERROR in runs:
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
