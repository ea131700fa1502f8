"""The batched JUnit reader gives what the per-case reader gives, on generated documents of every shape,
whether it streams the file from its path or walks the whole document the loader read (`read_bytes`).

A DOCTYPE (without entities) sends a file to the per-case reader (`junit._count`), so the same document with
and without one must read back the same: counts, kept cases and their order, duration, Problems. The
generator mixes what the batched reader must get right: output and unknown children beside results, results
inside output, reruns (adjacent cases sharing a name), `status` attributes, suites holding cases before
nested suites, suite-level results, cases and suites nested in cases or in output, and suites large enough
to be walked while they are read.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from issueplan.model import FileResult
from issueplan.sources import junit
from issueplan.sources._junit_batch import RUN_CHUNK, RUN_LIMIT, read_document, read_runs
from issueplan.sources._junit_tally import Tally

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
CHILDREN = [
    "<system-out>ok</system-out>",
    "<system-err>warning: deprecated</system-err>",
    '<properties><property name="a" value="b"/></properties>',
    '<failure message="assert 1 == 2">trace\n  at x.py:3</failure>',
    '<error type="E">oops</error>',
    '<skipped message="later"/>',
    "<flakyFailure><stackTrace>t</stackTrace></flakyFailure>",
    '<rerunFailure message="again"/>',
    "<rerun/>",
    "<unknown/>",
    "<system-out><failure>not a result: inside output</failure></system-out>",
    "<system-out>a <b>bold</b> line</system-out>",
]
RUN = "<testcase classname='A' name='t'>"  # a start tag that two adjacent cases share: a rerun
NESTED = [
    "<testcase name='inner'/>",
    "<system-out><testcase name='hidden'/></system-out>",
    "<system-out><testsuite name='hidden' tests='2'/></system-out>",  # a suite, though it holds no case
]


@st.composite
def case(draw: st.DrawFn, statuses: bool = True) -> str:
    attributes = []
    # few names and classes, so that neighbours often share them (reruns, repeated parameterised titles)
    name = draw(st.sampled_from(["test_a", "test_b", "test_c", "", None]))
    if name is not None:
        attributes.append(f"name={quoteattr(name)}")
    attributes.append(f"classname={quoteattr(draw(st.sampled_from(['pkg.A', 'pkg.B'])))}")
    time = draw(st.sampled_from(["0.1", "0.25", "-1", "garbage", "1e-3", "2,5", "inf", None]))
    if time is not None:
        attributes.append(f'time="{time}"')
    status = (
        draw(st.sampled_from([None, None, None, "run", "skipped", "failed", "disabled"]))
        if statuses
        else None
    )
    if status is not None:
        attributes.append(f'status="{status}"')
    children = draw(st.lists(st.sampled_from(CHILDREN), max_size=3))
    if draw(st.integers(0, 40)) == 0:
        children.append(draw(st.sampled_from(NESTED)))
    return f"<testcase {' '.join(attributes)}>{''.join(children)}</testcase>"


@st.composite
def suite(draw: st.DrawFn, depth: int = 0, statuses: bool = True) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 30))
        if kind < 4 and depth < 2:
            parts.append(draw(suite(depth + 1, statuses)))
        elif kind == 4:
            parts.append(draw(st.sampled_from(["<system-out>suite output</system-out>", "<skipped/>"])))
        elif kind == 5 and draw(st.integers(0, 3)) == 0:
            parts.append('<failure message="setup failed">boom</failure>')
        else:
            parts.append(draw(case(statuses)))
    if parts and not any(part.startswith("<testsuite") for part in parts) and draw(st.integers(0, 12)) == 0:
        # large enough to be walked while it is read (more than RUN_LIMIT children over several chunks)
        parts = parts * (RUN_LIMIT // len(parts) + 50)
    declared = draw(st.sampled_from(["", 'tests="3"', 'tests="0" failures="2" errors="1" skipped="1"']))
    return f"<testsuite name='suite{depth}' {declared}>\n{''.join(parts)}\n</testsuite>"


@st.composite
def documents(draw: st.DrawFn, statuses: bool = True) -> str:
    suites = [draw(suite(0, statuses)) for _ in range(draw(st.integers(1, 3)))]
    if len(suites) == 1 and draw(st.booleans()):
        return suites[0]
    return f"<testsuites>\n{''.join(suites)}\n</testsuites>"


def read_text(folder: str, text: str) -> FileResult:
    """The file read from its path (streamed), checked equal to the same file read from its bytes."""
    path = Path(folder) / "report.xml"
    path.write_text(text, encoding="utf-8")
    streamed = junit.read(path)
    assert junit.read_bytes(str(path), path.read_bytes()) == streamed
    return streamed


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_batched_reader_reads_what_the_per_case_reader_reads(document: str) -> None:
    check_against_per_case(document)


@settings(max_examples=300, deadline=None)
@given(documents(statuses=False))
def test_without_a_status_the_batched_reader_reads_names_around_reruns_only(document: str) -> None:
    # No `status` in the file: the walk reads the names of the cases next to a non-passing one only.
    check_against_per_case(document)


@settings(max_examples=300, deadline=None)
@given(suite(depth=2, statuses=False))  # at the deepest level: no nested suite
# a failure, then its passing rerun (flaky), and one before a failing rerun: neither is counted at once
@example(f"<testsuite>{RUN}<error/></testcase>{RUN}</testcase></testsuite>")
@example(f"<testsuite>{RUN}</testcase>{RUN}<failure/></testcase></testsuite>")
def test_a_lone_suite_without_a_status_is_counted_at_once_as_the_per_case_reader_counts_it(
    document: str,
) -> None:
    # Nearly every file of a report tree: one suite, no `status`. Unless one of its non-passing cases has a
    # neighbour of its name, its cases are counted in one frame (`_read_lone_apart`).
    check_against_per_case(document)


def check_against_per_case(document: str) -> None:
    event(f"batched: {read_runs(io.BytesIO(document.encode()), Tally(junit.CASE_CAP))}")
    whole = read_document(f"{DECLARATION}\n{document}".encode(), Tally(junit.CASE_CAP))
    event(f"batched whole: {whole}")
    with tempfile.TemporaryDirectory() as folder:
        batched = read_text(folder, f"{DECLARATION}\n{document}")
        # the DOCTYPE on the declaration's line: every line number stays where it was
        per_case = read_text(folder, f"{DECLARATION}<!DOCTYPE testsuites>\n{document}")
    assert batched == per_case


def test_output_and_unknown_children_are_passes_of_the_batched_reader() -> None:
    cases = "".join(
        f"<testcase name='t{n}' time='0.5'>{child}</testcase>" for n, child in enumerate(CHILDREN * 3)
    )
    document = f"{DECLARATION}<testsuite name='s'>{cases}</testsuite>".encode()
    tally = Tally(junit.CASE_CAP)
    assert read_runs(io.BytesIO(document), tally)
    tally.flush()
    # failure, error, skipped, flakyFailure, rerunFailure and rerun decide their cases; nothing else does
    assert (tally.tests, tally.failures, tally.errors, tally.skipped, tally.flaky) == (36, 3, 3, 3, 9)


def test_a_case_inside_a_case_or_its_output_goes_to_the_per_case_reader() -> None:
    for nested in NESTED:
        document = f"{DECLARATION}<testsuite><testcase name='a'>{nested}</testcase></testsuite>".encode()
        assert not read_runs(io.BytesIO(document), Tally(junit.CASE_CAP))
        assert not read_document(document, Tally(junit.CASE_CAP))
    with tempfile.TemporaryDirectory() as folder:
        document = f"{DECLARATION}<testsuite><testcase name='a'>{NESTED[0]}</testcase></testsuite>"
        result = read_text(folder, document)
    assert result.totals is not None
    assert result.totals.tests == 2


def test_a_suite_inside_a_case_that_is_recorded_goes_to_the_per_case_reader() -> None:
    # The whole-file reader counts the suites before its walk clears the cases it records: a suite in the
    # output of a case that is no plain pass (a rerun of the case before it) would be cleared uncounted.
    case = "<testcase name='a' classname='A'/>"
    output = "<system-out><testsuite name='h' tests='2'/></system-out>"
    hidden = f"<testcase name='a' classname='A'>{output}</testcase>"
    document = f"{DECLARATION}\n<testsuite name='s'>{case}{hidden}</testsuite>".encode()
    assert not read_document(document, Tally(junit.CASE_CAP))
    with tempfile.TemporaryDirectory() as folder:
        result = read_text(folder, document.decode())
    assert [problem.line for problem in result.problems] == [2]  # the suite's declared count, as streamed


def test_a_status_is_read_whatever_encoding_the_whole_file_declares() -> None:
    # A file not known to be UTF-8 by its first bytes may spell `status` in other bytes: its cases are
    # still asked for one.
    cases = "<testcase name='a' status='skipped'/><testcase name='b'/>"
    for encoding in ("utf-8", "utf-16", "iso-8859-1"):
        document = f"<?xml version='1.0' encoding='{encoding}'?>\n<testsuite name='s'>{cases}</testsuite>"
        result = junit.read_bytes("report.xml", document.encode(encoding))
        assert result.totals is not None
        assert (result.totals.tests, result.totals.skipped) == (2, 1), encoding


def test_a_status_cut_in_two_by_the_stream_chunks_is_still_read() -> None:
    # The stream is looked at chunk by chunk for the bytes `status`: one cut at any point is still found.
    head = f"{DECLARATION}<testsuite name='s'><testcase name='a'/>"
    for cut in range(len("status") + 1):
        padding = "<testcase name='p'/>" * ((RUN_CHUNK - len(head) - 40) // 20)
        before = head + padding + " " * (RUN_CHUNK - len(head) - len(padding) - len("<testcase ") - cut)
        document = f"{before}<testcase status='skipped' name='b'/></testsuite>".encode()
        assert document.index(b"status") == RUN_CHUNK - cut
        tally = Tally(junit.CASE_CAP)
        assert read_runs(io.BytesIO(document), tally)
        tally.flush()
        assert tally.skipped == 1, cut


def test_a_rerun_group_cut_by_a_walk_while_the_suite_is_read_stays_one_test() -> None:
    # A large suite is walked a run at a time: a failure at the end of one run and its passing rerun at the
    # start of the next are still one flaky test, whichever pair the runs' boundaries cut.
    pairs = RUN_LIMIT * 3
    cases = "".join(
        f"<testcase classname='pkg.A' name='test_{n}'><failure message='m'>t</failure></testcase>"
        f"<testcase classname='pkg.A' name='test_{n}'><system-out>ok</system-out></testcase>"
        for n in range(pairs)
    )
    document = f"{DECLARATION}<testsuite name='s'>{cases}</testsuite>".encode()
    tally = Tally(junit.CASE_CAP)
    assert read_runs(io.BytesIO(document), tally)
    tally.flush()
    assert (tally.tests, tally.failures, tally.flaky) == (pairs, 0, pairs)
