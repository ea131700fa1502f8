"""The fast way through a JUnit file: a suite's cases a run at a time, without an event per case.

The per-case reader in `junit` handles one `end` event per case, and that loop alone costs about half as much
as the parsing. This reader asks libxml2 for the suites' events only, and walks each suite's cases once it
has them all (or, in a large suite, once it has RUN_LIMIT of them): the same steps per case as `junit._count`
(whose docstring says why they look as they do), told to the Tally in the same order: the same result.

A file the loader read whole (a tree's reports) is parsed at once instead (`read_document`) and its suites
visited in document order, opened and closed as their events would come: the same walk, the same result.
Most such files are one suite none of whose cases is a rerun: those are counted in one frame and told to
the tally at once (`_read_lone_apart`), which tests/sources/test_junit_batch.py holds to the same result.

It takes the shape nearly every producer writes: suites holding cases, properties and output, no DOCTYPE,
no `<error>`/`<failure>` right under a suite, no case anywhere but right under a suite. On anything else, and
on any syntax error, `read_runs` gives up and the caller reads the file again case by case.

Memory: a suite's children are freed once walked, a nested suite once it ended, and a suite is walked while
it is read once it holds more than RUN_LIMIT children, so a flat suite of millions of cases stays small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import IO, Any

from lxml import etree

from issueplan.model import Case, CaseOutcome
from issueplan.sources._junit_case import (
    RERUN_TAGS,
    RESULT_TAGS,
    SUITE_RESULTS,
    build_case,
    outcome_of,
    seconds,
)
from issueplan.sources._junit_tally import SuiteCount, Tally, declares, identity, record_case
from issueplan.sources._xml import CHUNK, parse_document, pull_parser

RUN_LIMIT = 2000
# What `read_runs` feeds at a time: libxml2 pays a few tens of thousands of instructions per feed, events
# come for suites only, and a run is walked once per feed, so four of the per-case reader's chunks (about
# 1 % fewer instructions on a 14 MB file) keep a run's tree to a few MB.
RUN_CHUNK = 4 * CHUNK
_SUITE_TAGS = ("testsuites", "testsuite")
_INFINITY = float("inf")
_MARK_TAGS = tuple(sorted(RESULT_TAGS | RERUN_TAGS))  # the children that give a case another outcome
_LONE_TAGS = (*_SUITE_TAGS, *_MARK_TAGS)  # what _lone_suite_marks looks for
_get = etree._Element.get  # unbound: no bound method made per case
# Starts after which libxml2 reads the document as UTF-8 (or a subset): an attribute named `status` is then
# the bytes `status` in `data`, so a document without them has no case with a status (`read_document`).
_UTF8_STARTS = (
    b'<?xml version="1.0" encoding="UTF-8"?>',
    b'<?xml version="1.0" encoding="utf-8"?>',
    b"<?xml version='1.0' encoding='UTF-8'?>",
    b'<?xml version="1.0"?>',
    b"<testsuite",
)
_parent = etree._Element.getparent
_previous = etree._Element.getprevious
_next = etree._Element.getnext
_FAILED, _ERROR, _SKIPPED = CaseOutcome.FAILED, CaseOutcome.ERROR, CaseOutcome.SKIPPED  # as in _junit_tally
_UNREAD = "\x00"  # the name `_walk` gives a case whose name it did not read: no XML text holds a NUL


class _ShapeError(Exception):
    """The file has a shape this reader does not take: the per-case reader will read it."""


def read_runs(stream: IO[bytes], tally: Tally) -> bool:
    """Count the cases of `stream` into `tally`. False: this reader cannot; read it again with a new tally."""
    runs = _Runs(tally)
    parser = pull_parser(events=("start", "end"), tags=_SUITE_TAGS)
    # As in `read_document`: a stream whose first bytes make it UTF-8 and whose bytes hold no `status` has
    # no case with one. Each chunk is looked at before its cases are walked, with the end of the chunk before
    # it (a `status` cut in two), until one holds it.
    data = stream.read(RUN_CHUNK)
    runs.statuses = not data.startswith(_UTF8_STARTS)
    tail = b""
    try:
        while True:
            if not runs.statuses:
                runs.statuses = b"status" in tail + data[:5] or b"status" in data
                tail = data[-5:]
            if data:
                parser.feed(data)
            else:
                parser.close()
            for event, element in parser.read_events():
                if event == "start":
                    runs.open(element)
                else:
                    runs.close(element)
            if not data:
                break
            runs.trim()
            data = stream.read(RUN_CHUNK)
    except (etree.XMLSyntaxError, _ShapeError):
        return False
    if not runs.opened:
        return False  # no testsuites/testsuite root: the per-case reader says what the file is
    tally.duration += runs.duration
    return True


def read_document(data: bytes, tally: Tally) -> bool:
    """`read_runs` of a whole document already in memory (a file the loader read whole), parsed at once:
    the suites are visited in document order, each opened, its nested suites visited, then closed, as their
    events would come, so the tally hears the same steps in the same order."""
    try:
        root = parse_document(data)
    except etree.XMLSyntaxError:
        return False
    if root.tag not in _SUITE_TAGS:
        return False  # the per-case reader says what the file is
    # Most files have no `status` attribute at all: their cases' walk does not look for one (a read per case).
    # (`find`, not `in`: bytes' `in` asks first whether its operand is an int, and builds and drops an error.)
    statuses = not data.startswith(_UTF8_STARTS) or data.find(b"status") >= 0
    try:
        marked = _lone_suite_marks(root)
        if marked is not None and not statuses and _read_lone_apart(root, marked, tally):
            return True
        runs = _Runs(tally)
        runs.statuses = statuses
        if marked is not None:
            runs.read_lone(root, marked)
        else:
            # A suite anywhere but right under a suite is a shape for the per-case reader: counted before
            # the walk, which clears what it has counted (a suite inside a case's output, say).
            suites = sum(1 for _ in root.iter(*_SUITE_TAGS))
            if _visit(runs, root) != suites:
                return False
    except _ShapeError:
        return False
    tally.duration += runs.duration
    return True


def _lone_suite_marks(root: etree._Element) -> set[etree._Element | None] | None:
    """The elements holding a result or rerun child (`_walk_run`'s `marked`) in a document whose root is its
    one suite, as most files of a report tree are (Surefire, Gradle); None when it holds another suite.
    One look through the document finds both, where a count of the suites and a look for the marks cost
    one each: the marks are few, so telling them from suites by their tag costs little."""
    marked: set[etree._Element | None] = set()
    for element in root.iterdescendants(*_LONE_TAGS):
        if element.tag in _SUITE_TAGS:
            return None
        marked.add(_parent(element))
    return marked


def _read_lone_apart(  # noqa: PLR0912 - one frame per file, state in locals
    root: etree._Element, marked: set[etree._Element | None], tally: Tally
) -> bool:
    """`_Runs.read_lone` of a document without `status` attributes in which no case that did not simply pass
    has a neighbour of its name, so that no case is a rerun of another (nearly every file of a report tree):
    its cases are counted in one frame and told to the tally at once, not step by step. False, with nothing
    changed, for anything else (a possible rerun, a case deeper than right under the suite, a result right
    under it, a DOCTYPE): `read_lone` reads it then, or gives up on it."""
    if root in marked or _doctype(root):
        return False
    duration = 0.0
    elements = 0
    hits: list[etree._Element] = []
    get, parent, infinity = _get, _parent, _INFINITY  # locals: this loop runs once per case
    for case in root.iterdescendants("testcase"):
        if parent(case) is not root:
            return False
        elements += 1
        raw = get(case, b"time")  # `seconds`, inlined as in `_walk`: most times are plain numbers
        if raw:
            try:
                value = float(raw)
            except ValueError:
                value = seconds(raw)
            if 0.0 < value < infinity:
                duration += value
        if case in marked:
            hits.append(case)
    found: list[tuple[etree._Element, str | None, CaseOutcome, etree._Element | None]] = []
    for case in hits:
        name = get(case, b"name")
        if name and (_neighbour_named(case, name, _previous) or _neighbour_named(case, name, _next)):
            return False  # maybe one test run several times: `read_lone` groups its runs
        outcome, detail = outcome_of(case, None)
        if outcome is not None:  # always: a case with a result or rerun child has an outcome
            found.append((case, name, outcome, detail))
    failures = errors = skipped = flaky = 0
    room = tally.cap - len(tally.cases)
    kept: list[Case] = []
    suite_file = (get(root, b"file") or get(root, b"filepath")) if found else None  # SuiteCount.file
    for case, name, outcome, detail in found:
        if outcome is _FAILED:
            failures += 1
        elif outcome is _ERROR:
            errors += 1
        elif outcome is _SKIPPED:
            skipped += 1
        else:
            flaky += 1
        if len(kept) < room:
            kept.append(build_case(case, outcome, detail, suite_file, name))
    start = tally.elements()
    counts = (elements, failures, errors, skipped)
    tally.add_apart(counts, flaky, kept, len(found) - len(kept))
    if not declares(root, counts):  # what `compare` finds nothing in costs it a SuiteCount and a look
        tally.compare(SuiteCount.of(root, start))
    tally.duration += duration
    return True


def _neighbour_named(
    case: etree._Element, name: str, step: Callable[[etree._Element], etree._Element | None]
) -> bool:
    """Whether the case next to `case` in the direction of `step` is named `name`."""
    neighbour = _case_from(step(case), step)
    return neighbour is not None and _get(neighbour, b"name") == name


def _visit(runs: _Runs, suite: etree._Element) -> int:
    """Open `suite`, visit the suites right under it, close it; how many suites that was. libxml2 nests
    at most 256 levels deep, so the recursion is bounded."""
    runs.open(suite)
    visited = 1
    for nested in list(suite.iterchildren(*_SUITE_TAGS)):
        visited += _visit(runs, nested)
    runs.close(suite)
    return visited


class _Runs:
    """The open suites, and what `junit._count` keeps between one case and the next."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.duration = 0.0
        self._open: list[tuple[etree._Element, SuiteCount]] = []
        self.opened = False  # whether a suite (the root first) was met at all
        self._name: str | None = None  # the name of the case before, in whichever suite
        self._passes = 0  # passing cases not told to the tally yet
        self._head: etree._Element | None = None  # the last of them
        self.statuses = True  # whether a case may have a `status` attribute (False: none has)

    def open(self, suite: etree._Element) -> None:
        parent = suite.getparent()
        if self._open:
            if parent is not self._open[-1][0]:
                raise _ShapeError
            if suite.getprevious() is not None:
                self._walk_before(parent, suite)
        elif parent is not None or _doctype(suite):
            raise _ShapeError  # a DOCTYPE may leave entity references among the children
        self._boundary()
        self.opened = True
        self._open.append((suite, SuiteCount.of(suite, self.tally.elements())))

    def read_lone(self, root: etree._Element, marked: set[etree._Element | None]) -> None:
        """What `open` and `close` do for a document whose root is its one suite, `marked` found already."""
        self.open(root)
        if len(root):
            self._check_results(root, marked)
            self._walk(root, root.iterdescendants("testcase"), marked, None)
        self._boundary()
        self.tally.compare(self._open.pop()[1])

    def close(self, suite: etree._Element) -> None:
        if self._open[-1][0] is not suite:
            raise _ShapeError
        size = len(suite)
        if size:
            self._walk_run(suite, None)
        self._boundary()
        self.tally.compare(self._open.pop()[1])
        if self._open:
            self._open[-1][0].remove(suite)

    def trim(self) -> None:
        """Walk the innermost open suite's children when they are many; its last one may be incomplete."""
        if self._open:
            suite = self._open[-1][0]
            size = len(suite)
            if size > RUN_LIMIT:
                self._walk_run(suite, suite[-1])
                del suite[: size - 1]

    def _boundary(self) -> None:
        """A suite starts or ends: what `junit._count` tells the tally then. The last pass's identity would
        matter only to a rerun of it, and the flush after it ends every group, so it is not looked up."""
        if self._passes:
            self.tally.passes(self._passes, None)
            self._passes = 0
        self.tally.flush()

    def _walk_before(self, parent: etree._Element, suite: etree._Element) -> None:
        """The children of `parent` before the nested `suite`, which just started (rare: most suites hold
        either cases or suites). The parser may have read past `suite` already, so they are looked into one
        by one."""
        size = parent.index(suite)
        before = list(islice(parent, size))
        if any(child.tag in SUITE_RESULTS or _holds_case(child) for child in before):
            raise _ShapeError
        marked: set[etree._Element | None]
        marked = {child for child in before if next(child.iterchildren(*_MARK_TAGS), None) is not None}
        self._walk(parent, (child for child in before if child.tag == "testcase"), marked, suite)
        del parent[:size]

    def _walk_run(self, suite: etree._Element, stop: etree._Element | None) -> None:
        """The cases of `suite` before `stop` (its last child, which may still grow, or None: all).

        What `junit._count` learns by looking inside each case, libxml2 finds for the whole suite at once,
        where a case's children never become Python objects: which cases hold a result or rerun child (the
        others passed, `_junit_case.outcome_of`), and any case deeper than right under the suite, or result
        right under it, which are shapes for `junit._count`. A look that takes in `stop` too only gives up
        earlier than a later walk of it would.
        """
        marked = {mark.getparent() for mark in suite.iterdescendants(*_MARK_TAGS)}
        self._check_results(suite, marked)
        self._walk(suite, suite.iterdescendants("testcase"), marked, stop)

    @staticmethod
    def _check_results(suite: etree._Element, marked: set[etree._Element | None]) -> None:
        """A result right under the suite (its setup failed) is a shape for `junit._count`."""
        if suite in marked and next(suite.iterchildren(*SUITE_RESULTS), None) is not None:
            raise _ShapeError

    def _walk(
        self,
        suite: etree._Element,
        cases: Iterator[etree._Element],
        marked: set[etree._Element | None],
        stop: etree._Element | None,
    ) -> None:
        """`cases` of `suite`, up to `stop` (a child of `suite` after them), as `junit._count` does; `marked`:
        those holding a result or rerun child. Any other case without a `status` is a plain pass unless it
        shares its name with the case before, so a passing case costs an attribute read (`time`) and a set
        lookup, whatever output it holds, and its name is read only where a neighbour may make it a rerun
        (`_named`). A case whose parent is not `suite` lies deeper: the shape is for `junit._count`."""
        tally = self.tally
        suite_file = self._open[-1][1].file
        duration = self.duration
        passes, head, run_name = self._passes, self._head, self._name
        statuses = self.statuses
        named = {} if statuses else _named(suite, marked, stop)
        get, parent, infinity = _get, _parent, _INFINITY  # locals: this loop runs once per case
        for case in cases:
            if case is stop:
                break
            if parent(case) is not suite:
                raise _ShapeError
            raw = get(case, b"time")
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    value = seconds(raw)
                if 0.0 < value < infinity:
                    duration += value
            if statuses:
                name = get(case, b"name")
            elif case in named:
                name = named[case]
            else:
                # What the lines below make of it: its name differs from its neighbours' (or no neighbour is
                # anything but a pass, and passes sharing an identity count as passes one by one).
                passes += 1
                head = case
                run_name = _UNREAD
                continue
            status = get(case, b"status") if statuses else None
            if status is None and case not in marked and (not name or name != run_name):
                passes += 1
                head = case
            else:
                if passes:
                    tally.passes(passes, identity(head, run_name) if name and name == run_name else None)
                    passes = 0
                # Clearing the case cannot upset `cases`: it has found the next case already, and one that
                # lay inside this case is no longer under `suite`.
                record_case(tally, case, name, status, suite_file)
            run_name = name
        self.duration = duration
        self._passes, self._head, self._name = passes, head, run_name


def _named(
    suite: etree._Element, marked: set[etree._Element | None], stop: etree._Element | None
) -> dict[etree._Element, str | None]:
    """The cases of a walk of `suite` up to `stop` (None: to its end) whose names `_walk` needs, with their
    names, each read once: those that did not simply pass, the first and the last (the walks before and
    after meet there), and every case next to one of them that shares its name, and so on: a rerun group is
    adjacent cases of one name. Any other case has a name unlike its neighbours', so it is a pass that no
    rerun group takes in. The tree holds no case of an earlier walk (each walk's cases are freed), so the
    first testcase child is the walk's first. An element too many here only costs its name read; siblings
    are stepped through one by one, as an `itersiblings` made per case costs several steps."""
    last = _case_from(suite[-1] if stop is None else stop.getprevious(), _previous)
    seeds = [element for element in marked if element is not None and _parent(element) is suite]
    named: dict[etree._Element, str | None] = {}
    for seed in (_case_from(suite[0], _next), last, *seeds):
        if seed is None or seed in named:
            continue  # named already: its neighbours of one name are too
        name = named[seed] = _get(seed, b"name")
        if name:  # a nameless case is no rerun of its neighbours (`identity`)
            _add_neighbours(named, seed, name, _previous, None)
            _add_neighbours(named, seed, name, _next, stop)
    return named


def _case_from(
    element: etree._Element | None, step: Callable[[etree._Element], etree._Element | None]
) -> etree._Element | None:
    """The first testcase from `element` on, stepping with `step`."""
    while element is not None and element.tag != "testcase":
        element = step(element)
    return element


def _add_neighbours(
    named: dict[etree._Element, str | None],
    seed: etree._Element,
    name: str,
    step: Callable[[etree._Element], etree._Element | None],
    stop: etree._Element | None,
) -> None:
    """Add to `named` the cases after `seed` in the direction of `step` that share its name, up to the first
    case that does not (or `stop`)."""
    sibling = step(seed)
    while sibling is not None and sibling is not stop:
        if _get(sibling, b"name") == name:
            named[sibling] = name  # a child that is no case is only one too many
        elif sibling.tag == "testcase":
            return
        sibling = step(sibling)


def _holds_case(element: etree._Element) -> bool:
    return next(element.iterdescendants("testcase"), None) is not None


def _doctype(root: etree._Element) -> str:
    docinfo: Any = root.getroottree().docinfo  # lxml-stubs omit `doctype`
    return str(docinfo.doctype)
