"""The fast way through a JUnit file: a suite's cases a run at a time, without an event per case.

The per-case reader in `junit` handles one `end` event per case, and that loop alone costs about half as much
as the parsing. This reader asks libxml2 for the suites' events only, and walks each suite's cases once it
has them all (or, in a large suite, once it has RUN_LIMIT of them): the same steps per case as `junit._count`
(whose docstring says why they look as they do), told to the Tally in the same order: the same result.

It takes the shape nearly every producer writes: suites holding cases, properties and output, no DOCTYPE,
no `<error>`/`<failure>` right under a suite, no case anywhere but right under a suite. On anything else, and
on any syntax error, `read_runs` gives up and the caller reads the file again case by case.

Memory: a suite's children are freed once walked, a nested suite once it ended, and a suite is walked while
it is read once it holds more than RUN_LIMIT children, so a flat suite of millions of cases stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from lxml import etree

from issueplan.sources._junit_case import SUITE_RESULTS, seconds
from issueplan.sources._junit_tally import SuiteCount, Tally, identity, record_case
from issueplan.sources._xml import CHUNK, pull_parser

RUN_LIMIT = 2000
_SUITE_TAGS = ("testsuites", "testsuite")
_OUTPUT_TAGS = ("properties", "system-out", "system-err")  # what suites hold besides cases, usually
_INFINITY = float("inf")
_get = etree._Element.get  # unbound: no bound method made per case


class _ShapeError(Exception):
    """The file has a shape this reader does not take: the per-case reader will read it."""


def read_runs(stream: IO[bytes], tally: Tally) -> bool:
    """Count the cases of `stream` into `tally`. False: this reader cannot; read it again with a new tally."""
    runs = _Runs(tally)
    parser = pull_parser(events=("start", "end"), tags=_SUITE_TAGS)
    try:
        while True:
            data = stream.read(CHUNK)
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
    except (etree.XMLSyntaxError, _ShapeError):
        return False
    if not runs.opened:
        return False  # no testsuites/testsuite root: the per-case reader says what the file is
    tally.duration += runs.duration
    return True


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

    def close(self, suite: etree._Element) -> None:
        if self._open[-1][0] is not suite:
            raise _ShapeError
        size = len(suite)
        if size:
            self._walk(suite, suite.iterchildren("testcase"), size, None)
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
                self._walk(suite, suite.iterchildren("testcase"), size - 1, suite[-1])
                del suite[: size - 1]

    def _boundary(self) -> None:
        """A suite starts or ends: what `junit._count` tells the tally then."""
        if self._passes:
            self.tally.passes(self._passes, identity(self._head, self._name))
            self._passes = 0
        self.tally.flush()

    def _walk_before(self, parent: etree._Element, suite: etree._Element) -> None:
        """The children of `parent` before the nested `suite`, which just started (rare: most suites hold
        either cases or suites)."""
        cases: list[etree._Element] = []
        size = 0
        for child in parent:
            if child is suite:
                break
            size += 1
            if child.tag == "testcase":
                cases.append(child)
            else:
                _check_other(child)
        self._walk(parent, cases, size, None, checked=True)
        del parent[:size]

    def _walk(
        self,
        suite: etree._Element,
        cases: Iterable[etree._Element],
        size: int,
        stop: etree._Element | None,
        *,
        checked: bool = False,
    ) -> None:
        """The cases among the first `size` children of `suite` (before `stop`), as `junit._count` does."""
        tally = self.tally
        suite_file = self._open[-1][1].file
        duration = self.duration
        passes, head, run_name = self._passes, self._head, self._name
        count = 0
        for case in cases:
            if case is stop:
                break
            count += 1
            raw = _get(case, b"time")
            if raw:
                try:
                    value = float(raw)
                except ValueError:
                    value = seconds(raw)
                if 0.0 < value < _INFINITY:
                    duration += value
            name = _get(case, b"name")
            status = _get(case, b"status")
            if status is None and (not len(case) or _text_only(case)) and (not name or name != run_name):
                passes += 1
                head = case
            else:
                if len(case) and next(case.iterdescendants("testcase"), None) is not None:
                    raise _ShapeError
                if passes:
                    tally.passes(passes, identity(head, run_name) if name and name == run_name else None)
                    passes = 0
                record_case(tally, case, name, status, suite_file)
            run_name = name
        self.duration = duration
        self._passes, self._head, self._name = passes, head, run_name
        if not checked and count != size:
            _check_others(suite, size - count, stop)


def _text_only(case: etree._Element) -> bool:
    """The case holds only output and properties (pytest's `junit_logging=all` writes them on every case): no
    result, no rerun, no nested case, so `junit._count` would make it a plain pass. Anything else, even a
    comment, goes the per-case way."""
    for child in case:
        if child.tag not in _OUTPUT_TAGS:
            return False
        if len(child) and next(child.iterdescendants("testcase"), None) is not None:
            return False
    return True


def _doctype(root: etree._Element) -> str:
    docinfo: Any = root.getroottree().docinfo  # lxml-stubs omit `doctype`
    return str(docinfo.doctype)


def _check_others(suite: etree._Element, others: int, stop: etree._Element | None) -> None:
    """`others` children of `suite` before `stop` are not cases: they must be ones that change nothing."""
    outputs = [child for child in suite.iterchildren(*_OUTPUT_TAGS) if child is not stop]
    if len(outputs) != others:
        outputs = [child for child in suite if child is not stop and child.tag != "testcase"]
    for child in outputs:
        _check_other(child)


def _check_other(child: etree._Element) -> None:
    """A suite's child that is not a case: a suite-level result or a case inside it is for `junit._count`."""
    if child.tag in SUITE_RESULTS or next(child.iterdescendants("testcase"), None) is not None:
        raise _ShapeError
