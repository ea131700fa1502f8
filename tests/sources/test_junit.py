"""The JUnit reader against golden files (ours and the shared corpus) and the dialect rules users notice.

Golden files: tests/data/junit/<name>.xml beside <name>.json, the expected FileResult. After a deliberate
change, regenerate them with `ISSUEPLAN_REGEN_GOLDEN=1 .venv/bin/pytest tests/sources/test_junit.py`
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from issueplan.model import CaseOutcome, FileResult
from issueplan.sources import junit
from report_checks import CorpusReport, folder_rows, golden_text

DATA = Path(__file__).resolve().parent.parent / "data" / "junit"
GOLDEN = sorted(DATA.glob("*.xml"))
REGENERATE = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"

# publish-unit-test-result-action counts a *test* once per distinct class and name, so its 109 mocha cases
# with 8 repeated titles make 101 tests; issueplan counts test cases (as test-reporter does for jest, whose
# external-jest file has 97 such repeats and expects them counted). Its own per-case `runs` figures are 109.
COUNTS_OF_CASES = {"publish-unit-test-result-action_latex-utensils.xml": (109, 0, 0, 0)}


def _golden_json(result: FileResult, path: Path) -> str:
    return golden_text(result).replace(json.dumps(str(path))[1:-1], path.name)


@pytest.mark.parametrize("path", GOLDEN, ids=[path.stem for path in GOLDEN])
def test_golden_dialects_read_as_recorded(path: Path) -> None:
    assert junit.detect(path.read_bytes()[:8192])
    actual = _golden_json(junit.read(path), path)
    expected_path = path.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def _manifest_rows(corpus_dir: Path) -> dict[str, list[str]]:
    return folder_rows(corpus_dir, "junit")


def test_every_corpus_file_is_read_or_rejected(corpus_dir: Path) -> None:
    """JUnit files give a FileResult and never raise; other formats in the folder are not claimed."""
    rows = _manifest_rows(corpus_dir)
    assert rows, "MANIFEST.md lists no junit/ files"
    for name, cells in sorted(rows.items()):
        path = corpus_dir / "junit" / name
        claimed = junit.detect(path.read_bytes()[:8192])
        is_junit = cells[1] == "JUnit XML" and "not a JUnit root" not in cells[-1]
        assert claimed == is_junit, name
        if claimed:
            result = junit.read(path)
            assert result.format == "junit"
            assert result.totals is not None or result.problems, name


def test_corpus_counts_match_the_manifest(corpus_dir: Path) -> None:
    rows = _manifest_rows(corpus_dir)
    checked = 0
    for name, cells in sorted(rows.items()):
        tests, failures, errors, skipped = cells[8:12]
        if cells[1] != "JUnit XML" or not tests.isdigit() or "not a JUnit root" in cells[-1]:
            continue
        totals = junit.read(corpus_dir / "junit" / name).totals
        assert totals is not None, name
        actual = (totals.tests, totals.failures, totals.errors, totals.skipped)
        if errors == "(in failures)":
            actual = (totals.tests, totals.failures + totals.errors, 0, totals.skipped)
            errors = "0"
        expected = COUNTS_OF_CASES.get(name, (int(tests), int(failures), int(errors), int(skipped)))
        assert actual == expected, name
        checked += 1
    assert checked >= 25, "the manifest parsing lost its rows"


def test_corpus_parse_errors_are_problems_with_the_line(corpus_report: CorpusReport) -> None:
    result = junit.read(corpus_report("junit", "junit/publish-unit-test-result-action_corrupt-xml.xml"))
    assert [(problem.line, "Premature end of data" in problem.message) for problem in result.problems] == [
        (11, True)
    ]
    assert result.totals is not None
    assert result.totals.tests == 1


def test_non_junit_root_is_a_problem_not_a_report(corpus_report: CorpusReport) -> None:
    result = junit.read(corpus_report("junit", "junit/publish-unit-test-result-action_non-junit.xml"))
    assert result.totals is None
    assert "not a JUnit report: the root element is <suites>" in result.problems[0].message


@pytest.mark.parametrize(
    "head",
    [
        b"<testsuites/>",
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by x -->\n<testsuite name="a">',
        b"<!DOCTYPE testsuites [<!ENTITY a 'b'>]>\n<testsuites>",
        b'<?xml version="1.0"?><?pi data?><!DOCTYPE testsuite SYSTEM "junit.dtd"><testsuite\n name="x">',
        '<?xml version="1.0" encoding="UTF-16"?><testsuites>'.encode("utf-16"),
    ],
)
def test_detect_accepts_a_junit_root_after_any_prolog(head: bytes) -> None:
    assert junit.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b'<?xml version="1.0"?><test-results name="nunit">',
        b"<assemblies><assembly>",
        b'<TestRun id="1"><testsuite>',
        b'{"testsuites": []}',
        b"<testsuitesx>",
        b"<!-- <testsuites> --><coverage>",
    ],
)
def test_detect_rejects_other_formats(head: bytes) -> None:
    assert not junit.detect(head)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_nested_suites_count_cases_never_declared_attributes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<testsuites tests="10" failures="5"><testsuite tests="10" failures="5"><testsuite tests="2">'
        '<testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>'
        '<testcase name="c"/></testsuite></testsuites>',
    )
    result = junit.read(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (3, 1)
    [problem] = result.problems
    assert "declares tests=10 failures=5, counted tests=3 failures=1 (and 1 more suites)" in problem.message


def test_a_case_with_several_results_counts_once_error_first(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<testsuite><testcase name="a"><skipped/><failure message="f"/><error message="e"/>'
        '<failure message="g"/></testcase></testsuite>',
    )
    result = junit.read(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.errors, result.totals.failures) == (1, 1, 0)
    assert [(case.outcome, case.message) for case in result.cases] == [(CaseOutcome.ERROR, "e")]


def test_message_falls_back_to_the_first_line_and_file_line_to_the_trace(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<testsuite><testcase classname="pkg" name="TestX"><failure>\n\n    x_test.go:17: want 1\n'
        "    more</failure></testcase></testsuite>",
    )
    [case] = junit.read(path).cases
    assert (case.message, case.file, case.line) == ("x_test.go:17: want 1", "x_test.go", 17)


def test_many_failures_keep_exact_counts_and_say_what_was_left_out(tmp_path: Path) -> None:
    cases = "".join(f'<testcase name="t{n}"><failure message="m"/></testcase>' for n in range(1200))
    result = junit.read(_write(tmp_path, f"<testsuite>{cases}</testsuite>"))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (1200, 1200)
    assert len(result.cases) == junit.CASE_CAP
    assert any("200 more non-passing test cases are not listed" in p.message for p in result.problems)


def test_cases_come_out_sorted_whatever_the_run_order(tmp_path: Path) -> None:
    a_case = '<testcase classname="a" name="x"><failure/></testcase>'
    b_case = '<testcase classname="b" name="y"><error/></testcase>'
    forward, backward = a_case + b_case, b_case + a_case
    first = junit.read(_write(tmp_path, f"<testsuite>{forward}</testsuite>")).cases
    second = junit.read(_write(tmp_path, f"<testsuite>{backward}</testsuite>")).cases
    assert first == second
    assert [case.classname for case in first] == ["a", "b"]


def test_all_passing_repeats_are_separate_tests_but_failed_reruns_are_one(tmp_path: Path) -> None:
    repeats = '<testcase name="same"/>' * 3
    rerun = '<testcase name="r"><failure/></testcase><testcase name="r"><error/></testcase>'
    result = junit.read(_write(tmp_path, f"<testsuite>{repeats}{rerun}</testsuite>"))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.errors, result.totals.failures) == (4, 1, 0)


@pytest.mark.parametrize(
    ("attempts", "outcome"),
    [
        ("<failure/>|", "flaky"),  # Gradle, jest-junit: failed, then passed on retry
        ("<failure/>|<error/>|", "flaky"),
        ("||<failure/>", "failed"),  # pytest-rerunfailures 16.6.1: earlier attempts written empty
        ("|<failure/>", "failed"),  # a failure after a pass is never hidden as flaky
        ("<failure/>|<failure/>", "failed"),
    ],
)
def test_a_repeated_testcase_is_flaky_only_when_its_last_attempt_passed(
    tmp_path: Path, attempts: str, outcome: str
) -> None:
    cases = "".join(f'<testcase classname="c" name="t">{body}</testcase>' for body in attempts.split("|"))
    result = junit.read(_write(tmp_path, f"<testsuite>{cases}</testsuite>"))
    assert [(case.name, case.outcome.value) for case in result.cases] == [("t", outcome)]
    assert result.totals is not None
    assert result.totals.tests == 1


def test_problem_messages_carry_no_location_noise(tmp_path: Path) -> None:
    result = junit.read(_write(tmp_path, "<testsuite>\n<testcase name='a'/>\n<testcase"))
    [problem] = result.problems
    assert problem.line == 3
    assert re.search(r"line \d+, column", problem.message) is None
