"""The NUnit reader against golden files (ours and the shared corpus), the result rules users notice, and
hostile input.

Golden files: tests/data/nunit/<name>.xml beside <name>.json, the expected FileResult. After a deliberate
change, regenerate them with `ISSUEPLAN_REGEN_GOLDEN=1 .venv/bin/pytest tests/sources/test_nunit.py`
and review the diff.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest

import issueplan.sources
from issueplan.model import MESSAGE_CAP, CaseOutcome, FileResult
from issueplan.sources import nunit
from report_checks import own_files

DATA = Path(__file__).resolve().parent.parent / "data"
GOLDEN = sorted((DATA / "nunit").glob("*.xml"))
REGENERATE = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
NUNIT_FORMATS = {"NUnit 2 XML", "NUnit 3 XML"}
HEAD = 8192
MB = 1024 * 1024


def _golden_json(result: FileResult, path: Path) -> str:
    data = json.loads(result.model_dump_json())
    text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return text.replace(json.dumps(str(path))[1:-1], path.name)


@pytest.mark.parametrize("path", GOLDEN, ids=[path.stem for path in GOLDEN])
def test_golden_reports_read_as_recorded(path: Path) -> None:
    assert nunit.detect(path.read_bytes()[:HEAD])
    actual = _golden_json(nunit.read(path), path)
    expected_path = path.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


# --- the shared corpus ---------------------------------------------------------------------------------


def _formats(corpus_dir: Path) -> dict[str, list[str]]:
    """MANIFEST.md rows by file (relative to the corpus), for every folder."""
    rows: dict[str, list[str]] = {}
    for line in (corpus_dir / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 13 and "/" in cells[0] and not cells[0].startswith("File"):
            rows[cells[0]] = cells
    return rows


def _nunit_rows(corpus_dir: Path) -> dict[str, list[str]]:
    return {name: cells for name, cells in _formats(corpus_dir).items() if cells[1] in NUNIT_FORMATS}


def test_corpus_counts_match_the_manifest_exactly(corpus_dir: Path) -> None:
    checked = 0
    for name, cells in sorted(_nunit_rows(corpus_dir).items()):
        tests, failures, errors, skipped = cells[8:12]
        if not tests.isdigit():
            continue
        result = nunit.read(corpus_dir / name)
        assert result.totals is not None, name
        assert result.problems == (), name
        actual = (result.totals.tests, result.totals.failures, result.totals.errors, result.totals.skipped)
        if errors == "(in failures)":
            actual = (
                result.totals.tests,
                result.totals.failures + result.totals.errors,
                0,
                result.totals.skipped,
            )
            errors = "0"
        assert actual == (int(tests), int(failures), int(errors), int(skipped)), name
        checked += 1
    assert checked == 14, "the manifest parsing lost NUnit rows"


def test_corpus_parse_error_row_gives_a_problem_with_its_line(corpus_dir: Path) -> None:
    rows = [name for name, cells in _nunit_rows(corpus_dir).items() if cells[8] == "parse error"]
    assert rows == ["junit/publish-unit-test-result-action_NUnit-issue47367.xml"]
    [problem] = nunit.read(corpus_dir / rows[0]).problems
    assert problem.line == 5
    assert "attributes construct error" in problem.message


def test_every_corpus_report_of_ours_is_read_and_nothing_else_claimed(corpus_dir: Path) -> None:
    """Detection is by content: every NUnit file of the corpus, and no other file of it or of tests/data."""
    rows = _formats(corpus_dir)
    files = [path for path in sorted(corpus_dir.rglob("*")) if path.is_file() and path.name != "MANIFEST.md"]
    files += own_files()
    claimed = 0
    for path in files:
        relative = str(path.relative_to(corpus_dir)) if path.is_relative_to(corpus_dir) else None
        ours = path.parent == DATA / "nunit" and path.suffix == ".xml"
        if relative is not None:
            ours = relative in rows and rows[relative][1] in NUNIT_FORMATS
        assert nunit.detect(path.read_bytes()[:HEAD]) == ours, path
        if ours:
            claimed += 1
            result = nunit.read(path)
            assert result.format == "nunit"
            assert result.totals is not None or result.problems, path
    assert claimed == 16 + len(GOLDEN)


def _other_readers() -> list[ModuleType]:
    """Every reader module of issueplan.sources but this one, registered in READERS or not yet."""
    readers = []
    for info in pkgutil.iter_modules(issueplan.sources.__path__):
        if info.name.startswith("_") or info.name in {"loader", "nunit"}:
            continue
        module = importlib.import_module(f"issueplan.sources.{info.name}")
        if hasattr(module, "detect") and hasattr(module, "FORMAT"):
            readers.append(module)
    return readers


def test_no_other_reader_claims_an_nunit_report(corpus_dir: Path) -> None:
    paths = [corpus_dir / name for name in _nunit_rows(corpus_dir)] + GOLDEN
    readers = _other_readers()
    assert "junit" in {reader.FORMAT for reader in readers}
    for path in paths:
        head = path.read_bytes()[:HEAD]
        assert [reader.FORMAT for reader in readers if reader.detect(head)] == [], path


@pytest.mark.parametrize(
    "head",
    [
        b"<test-run/>",
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!--the results of a run-->\n<test-results name="a">',
        b'<?xml version="1.0"?><test-suite type="Assembly" name="x.dll">',
        '<?xml version="1.0" encoding="UTF-16"?><test-run id="2">'.encode("utf-16"),
    ],
)
def test_detect_accepts_an_nunit_root_after_any_prolog(head: bytes) -> None:
    assert nunit.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"<testsuites><testsuite>",
        b'<TestRun id="1"><test-run>',
        b"<assemblies><assembly>",
        b"<test-runner>",
        b"<!-- <test-run> --><coverage>",
        b'{"test-run": {}}',
    ],
)
def test_detect_rejects_other_formats(head: bytes) -> None:
    assert not nunit.detect(head)


# --- the result rules ----------------------------------------------------------------------------------


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "TestResult.xml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _nunit3(body: str) -> str:
    return (
        '<test-run id="2"><test-suite type="TestFixture" name="T" fullname="N.T" classname="N.T">'
        f"{body}</test-suite></test-run>"
    )


def _case3(name: str, result: str, extra: str = "", body: str = "") -> str:
    return f'<test-case name="{name}" classname="N.T" result="{result}" {extra}>{body}</test-case>'


def test_nunit3_error_label_is_a_failure_that_keeps_its_label(tmp_path: Path) -> None:
    """NUnit counts errors among the failed tests; so does every expected count of the corpus."""
    failure = "<failure><message>System.Exception : boom</message></failure>"
    path = _write(tmp_path, _nunit3(_case3("a", "Failed", 'label="Error"', failure)))
    result = nunit.read(path)
    assert result.totals is not None
    assert (result.totals.failures, result.totals.errors) == (1, 0)
    [case] = result.cases
    assert (case.outcome, case.type, case.message) == (CaseOutcome.FAILED, "Error", "System.Exception : boom")


def test_warnings_pass_and_inconclusive_or_ignored_are_skipped(tmp_path: Path) -> None:
    body = _case3("w", "Warning") + _case3("i", "Inconclusive") + _case3("s", "Skipped", 'label="Ignored"')
    result = nunit.read(_write(tmp_path, _nunit3(body)))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.skipped, result.totals.failures) == (3, 2, 0)
    assert [case.name for case in result.cases] == ["i", "s"]


def test_adjacent_cases_of_one_name_are_one_test_with_the_worst_outcome(tmp_path: Path) -> None:
    """Parameterised cases whose arguments display alike; a case of that name elsewhere is another test."""
    failure = "<failure><message>second</message></failure>"
    body = (
        _case3("p(System.Object)", "Passed")
        + _case3("p(System.Object)", "Failed", "", failure)
        + _case3("p(System.Object)", "Skipped")
        + _case3("q", "Passed")
        + _case3("p(System.Object)", "Passed")
        + _case3("r", "Skipped")
        + _case3("r", "Passed")
    )
    result = nunit.read(_write(tmp_path, _nunit3(body)))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures, result.totals.skipped) == (4, 1, 0)
    [case] = result.cases
    assert (case.name, case.message) == ("p(System.Object)", "second")


def test_a_suite_failure_counts_only_when_no_case_carries_it(tmp_path: Path) -> None:
    """SetUp: its cases failed with site=Parent, or none were written; TearDown: after them; Child: theirs."""
    failure = "<failure><message>{}</message></failure>"
    parent = _case3("a", "Failed", 'site="Parent"', failure.format("OneTimeSetUp: x"))
    text = (
        '<test-run id="2">'
        f'<test-suite name="S1" fullname="N.S1" result="Failed" site="SetUp">{failure.format("x")}{parent}'
        "</test-suite>"
        f'<test-suite name="S2" fullname="N.S2" result="Failed" site="SetUp">{failure.format("y")}'
        "</test-suite>"
        f'<test-suite name="S3" fullname="N.S3" result="Failed" site="TearDown">{failure.format("z")}'
        f"{_case3('b', 'Passed')}</test-suite>"
        f'<test-suite name="S4" fullname="N.S4" result="Failed" site="Child">{failure.format("c")}'
        "</test-suite></test-run>"
    )
    result = nunit.read(_write(tmp_path, text))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures, result.totals.errors) == (4, 1, 2)
    assert [(case.classname, case.name, case.outcome) for case in result.cases] == [
        ("N.S2", "OneTimeSetUp", CaseOutcome.ERROR),
        ("N.S3", "OneTimeTearDown", CaseOutcome.ERROR),
        ("N.T", "a", CaseOutcome.FAILED),
    ]


def test_nunit2_suite_failing_through_its_children_adds_nothing(tmp_path: Path) -> None:
    """NUnit 2 writes no site: NUnit's fixed message says the children failed, here a not-runnable one."""
    text = (
        '<test-results><test-suite type="TestFixture" name="F" result="Failure" success="False">'
        "<failure><message>One or more child tests had errors</message><stack-trace/></failure><results>"
        '<test-case name="N.F.a" executed="False" result="NotRunnable"/>'
        "</results></test-suite></test-results>"
    )
    result = nunit.read(_write(tmp_path, text))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.errors, result.totals.skipped) == (1, 0, 1)


def test_nunit2_names_split_at_the_last_dot_before_the_arguments(tmp_path: Path) -> None:
    text = (
        '<test-results><test-suite name="a.dll"><results>'
        '<test-case name="Ns.C+Inner.M(&quot;x.y&quot;)" executed="True" result="Failure">'
        "<failure/></test-case>"
        '<test-case name="Bare" executed="False" result="Ignored"/>'
        "</results></test-suite></test-results>"
    )
    result = nunit.read(_write(tmp_path, text))
    assert [(case.classname, case.name) for case in result.cases] == [
        ("", "Bare"),
        ("Ns.C+Inner", 'M("x.y")'),
    ]


def test_garbage_durations_count_as_zero(tmp_path: Path) -> None:
    body = "".join(
        _case3(f"c{n}", "Passed", f'duration="{value}"') for n, value in enumerate(["x", "-1", "nan", "2"])
    )
    result = nunit.read(_write(tmp_path, _nunit3(body)))
    assert result.totals is not None
    assert result.totals.duration == 2.0


def test_many_failures_keep_exact_counts_and_say_what_was_left_out(tmp_path: Path) -> None:
    body = "".join(_case3(f"c{n:05}", "Failed") for n in range(nunit.CASE_CAP + 5))
    result = nunit.read(_write(tmp_path, _nunit3(body)))
    assert result.totals is not None
    assert result.totals.failures == nunit.CASE_CAP + 5
    assert len(result.cases) == nunit.CASE_CAP
    [problem] = result.problems
    assert "5 more non-passing test cases are not listed" in problem.message


# --- hostile input -------------------------------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE test-run [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)


def _read_measured(path: Path) -> tuple[FileResult, int]:
    tracemalloc.start()
    try:
        result = nunit.read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.mark.parametrize(
    "body",
    [
        _nunit3(
            '<test-case name="a" result="Failed"><failure><message>&lol9;</message></failure></test-case>'
        ),
        '<test-run name="&lol9;"/>',
    ],
    ids=["in-text", "in-root-attribute"],
)
def test_i1_billion_laughs_is_refused_in_bounded_memory(tmp_path: Path, body: str) -> None:
    """I1: refused at the root, or stopped by libxml2's amplification limit when the root's own attribute
    needs the expansion; either way a Problem, no report, and no expansion."""
    result, peak = _read_measured(_write(tmp_path, LAUGHS + body))
    [problem] = result.problems
    assert "entity" in problem.message.lower()
    assert result.totals is None
    assert peak < 2 * MB


def test_i3_external_entity_naming_a_local_file_is_never_read(tmp_path: Path) -> None:
    sentinel = tmp_path / "secret.txt"
    sentinel.write_text("SENTINEL-nunit-do-not-leak", encoding="utf-8")
    text = f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "{sentinel.as_uri()}">]>' + _nunit3(
        '<test-case name="a" result="Failed"><failure><message>&x;</message></failure></test-case>'
    )
    result = nunit.read(_write(tmp_path, text))
    assert "SENTINEL" not in result.model_dump_json()
    [problem] = result.problems
    assert "DTD entity declarations are not allowed" in problem.message


def test_truncated_file_keeps_the_cases_before_the_cut(tmp_path: Path) -> None:
    text = _nunit3(_case3("a", "Passed") + "\n" + _case3("b", "Failed") + "\n")
    result = nunit.read(_write(tmp_path, text[: text.index("</test-suite>")] + '<test-case name="c" resu'))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (2, 1)
    [problem] = result.problems
    assert problem.line == 3
    assert "the test cases before it are kept (2)" in problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (bytes(range(256)) * 64, "XML parsing stopped at line 1"),
        (b"", "the file is empty"),
        (b"   \n", "XML parsing stopped"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "XML parsing stopped"),
        (
            b'<testsuites><testcase name="a"/></testsuites>',
            "not an NUnit report: the root element is <testsuites>",
        ),
        (b'<suites><test-case name="a"/></suites>', "not an NUnit report: the root element is <suites>"),
    ],
    ids=["binary", "empty", "blank", "png", "junit", "foreign-root-with-cases"],
)
def test_garbage_is_one_problem_and_no_report(tmp_path: Path, content: bytes, expected: str) -> None:
    result = nunit.read(_write(tmp_path, content))
    [problem] = result.problems
    assert expected in problem.message
    assert result.totals is None


def test_deep_nesting_stops_at_libxml2s_limit_with_a_problem(tmp_path: Path) -> None:
    depth = 100_000
    text = '<test-run><test-suite name="s">' * depth + "</test-suite></test-run>" * depth
    result, peak = _read_measured(_write(tmp_path, text))
    [problem] = result.problems
    assert "XML parsing stopped" in problem.message
    assert peak < 16 * MB


def test_invalid_utf8_keeps_what_came_before(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        b'<test-run>\n<test-case name="ok" result="Passed"/>\n<test-case name="\xff\xfe"/></test-run>',
    )
    result = nunit.read(path)
    assert result.totals is not None
    assert result.totals.tests == 1
    [problem] = result.problems
    assert problem.line == 3


def test_a_huge_failure_message_is_capped(tmp_path: Path) -> None:
    huge = "é" * (4 * MB)
    body = _case3(
        "big", "Failed", "", f"<failure><message>{huge}</message><stack-trace>{huge}</stack-trace></failure>"
    )
    [case] = nunit.read(_write(tmp_path, _nunit3(body))).cases
    assert case.message.startswith("é" * MESSAGE_CAP)
    assert "[cut: " in case.message
    assert "[cut: " in case.trace


def test_i6_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    """I6: a 50 MB report: Python memory stays at a few MB, and so does the whole process (libxml2 included),
    far below the file size: counted cases and suites are freed as they end."""
    path = tmp_path / "big.xml"
    case = (
        '<test-case name="c{n}" classname="N.T" result="{result}" duration="0.001">'
        "<output>{pad}</output></test-case>"
    )
    pad = "x" * 400
    with path.open("w", encoding="utf-8") as out:
        out.write('<test-run><test-suite type="Assembly" name="a.dll">')
        for fixture in range(10):
            out.write(f'<test-suite type="TestFixture" name="F{fixture}" fullname="N.F{fixture}">')
            results = ("Failed" if n % 100 == 0 else "Passed" for n in range(10_000))
            out.writelines(case.format(n=n, result=result, pad=pad) for n, result in enumerate(results))
            out.write("</test-suite>")
        out.write("</test-suite></test-run>")
    result, peak = _read_measured(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (100_000, 1000)
    assert peak < 8 * MB
    # VmHWM, read in the child: its rusage would include this (large) process's peak, inherited across exec.
    script = (
        "import re, sys; from pathlib import Path; from issueplan.sources import nunit; "
        "nunit.read(Path(sys.argv[1])); "
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text()).group(1))"
    )
    child = subprocess.run(
        [sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True
    )
    assert int(child.stdout) * 1024 < path.stat().st_size


def test_an_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    result = nunit.read(tmp_path)
    [problem] = result.problems
    assert problem.message.startswith("cannot read the file")
