"""The jest JSON reader: golden files of two real jest runs (tests/data/jest-json/PROVENANCE.md), counts that
agree with jest's own summary, retries as flaky tests, detection that claims nothing else, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import READ_CAP, CaseOutcome, FileResult
from issueplan.sources import jest_json
from report_checks import DATA, GOLDEN_SUFFIX, check_golden, claimed_by, other_readers, own_files

FOLDER = DATA / "jest-json"
# Where the jest 29 run was made (PROVENANCE.md): a path outside any checkout, as written in the report.
OUTSIDE = "/tmp/jestgen/test"  # noqa: S108 - a path in the report's text, no file is made there
REPORTS = sorted(p for p in FOLDER.glob("*.json") if not p.name.endswith(GOLDEN_SUFFIX))
RETRIED = ("network", "reconnects after a dropped socket")


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_real_reports_read_as_recorded(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)  # goldens name the file relative to its folder
    assert jest_json.detect(path.read_bytes()[:8192])
    check_golden(jest_json.read(Path(path.name)), path.with_name(path.stem + GOLDEN_SUFFIX))


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_counts_agree_with_jests_own_summary(path: Path) -> None:
    """jest counts a test file that failed to load as a failed suite, not a test: here, one errored case."""
    summary = json.loads(path.read_text(encoding="utf-8"))
    broken = summary["numRuntimeErrorTestSuites"]
    totals = jest_json.read(path).totals
    assert totals is not None
    assert totals.tests == summary["numTotalTests"] + broken
    assert totals.failures + totals.errors == summary["numFailedTests"] + broken
    assert totals.skipped == summary["numPendingTests"] + summary["numTodoTests"]


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_a_test_that_passed_on_retry_is_flaky_and_one_that_failed_every_retry_is_not(path: Path) -> None:
    cases = {(case.classname, case.name): case for case in jest_json.read(path).cases}
    assert cases[RETRIED].outcome is CaseOutcome.FLAKY
    assert cases[("network", "times out")].outcome is CaseOutcome.ERROR  # a TypeError: no expectation
    assert cases[("cart total", "applies the discount")].outcome is CaseOutcome.FAILED  # an expect()
    assert [case.name for case in cases.values() if case.outcome is CaseOutcome.FLAKY] == [RETRIED[1]]


def test_retry_reasons_give_the_failed_attempts_message_and_invocations_alone_say_it_was_retried() -> None:
    with_reasons = {c.name: c for c in jest_json.read(FOLDER / "jest30-runner-checkout.json").cases}
    without = {c.name: c for c in jest_json.read(FOLDER / "jest29-outside-checkout.json").cases}
    assert with_reasons[RETRIED[1]].message.startswith("expect(received).toBeGreaterThan(expected)")
    assert "network.test.js:18:35" in with_reasons[RETRIED[1]].trace
    assert without[RETRIED[1]].message == "passed on retry 1 (the earlier attempts failed)"


def test_locations_come_from_the_report_else_from_the_trace_in_the_tests_file() -> None:
    runner = {c.name: c for c in jest_json.read(FOLDER / "jest30-runner-checkout.json").cases}
    tmp = {c.name: c for c in jest_json.read(FOLDER / "jest29-outside-checkout.json").cases}
    # In a runner's checkout the path is the repository's; elsewhere it is kept as written (not linked).
    assert (runner["times out"].file, runner["times out"].line) == ("test/network.test.js", 20)
    assert (tmp["times out"].file, tmp["times out"].line) == (f"{OUTSIDE}/network.test.js", 21)
    assert tmp["applies the discount"].line == 9


def test_a_test_file_that_failed_to_run_is_one_errored_case() -> None:
    result = jest_json.read(FOLDER / "jest29-outside-checkout.json")
    broken = [case for case in result.cases if case.file == f"{OUTSIDE}/broken.test.js"]
    assert len(broken) == 1
    assert broken[0].outcome is CaseOutcome.ERROR
    assert broken[0].name.endswith("Test suite failed to run")
    assert broken[0].message == "Cannot find module '../src/missing' from 'test/broken.test.js'"
    assert broken[0].line == 1


def test_detect_claims_exactly_the_jest_reports_and_no_other_reader_claims_them() -> None:
    assert claimed_by(jest_json, own_files()) == set(REPORTS)
    for name, reader in other_readers("jest-json").items():
        assert not claimed_by(reader, REPORTS), name


def test_other_json_reports_are_not_claimed() -> None:
    for head in (
        b'{"stats":{"suites":1,"tests":1,"passes":1,"pending":0,"failures":0},"tests":[',
        b'{"numFailedTestSuites":0,"numPassedTests":3,"testResults":[]}',
        b'[{"numTotalTests":1,"numTotalTestSuites":1}]',
        b'"numTotalTests": 1, "numTotalTestSuites": 1',
    ):
        assert not jest_json.detect(head), head
    assert jest_json.detect(b'\xef\xbb\xbf {"numTotalTestSuites":0,"numTotalTests":0,"testResults":[]}')


def _report(*files: Any, **extra: Any) -> dict[str, Any]:
    return {"numTotalTestSuites": len(files), "numTotalTests": 0, **extra, "testResults": list(files)}


def _file(*tests: Any, **extra: Any) -> dict[str, Any]:
    return {"name": "/repo/a.test.js", "status": "passed", "assertionResults": list(tests), **extra}


def _test(status: str, **extra: Any) -> dict[str, Any]:
    return {"ancestorTitles": ["a"], "title": "t", "status": status, "failureMessages": [], **extra}


def _read(tmp_path: Path, report: Any) -> FileResult:
    path = tmp_path / "jest.json"
    path.write_text(report if isinstance(report, str) else json.dumps(report), encoding="utf-8")
    return jest_json.read(path)


def test_a_failed_hook_fails_its_test_file_once(tmp_path: Path) -> None:
    headline = "  \x1b[1m\u25cf a \u203a t\x1b[22m\n\n"
    message = f"{headline}    Error: afterAll hook failed\n\n      at x (/repo/a.test.js:3:1)\n"
    result = _read(tmp_path, _report(_file(_test("passed"), status="failed", message=message)))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.errors) == (2, 1)
    (case,) = result.cases
    assert (case.message, case.type, case.line) == ("Error: afterAll hook failed", "Error", 3)
    assert "\x1b" not in case.trace


def test_colour_codes_are_stripped_from_messages(tmp_path: Path) -> None:
    failure = "\x1b[2mexpect(\x1b[22m\x1b[31mreceived\x1b[39m).toBe()\n    at t (/repo/a.test.js:2:3)"
    result = _read(tmp_path, _report(_file(_test("failed", failureMessages=[failure]))))
    (case,) = result.cases
    assert case.message == "expect(received).toBe()"
    assert case.line == 2


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ('{"numTotalTests": 1, "numTotalTestSuites": 1, "testResults": [', "line 1"),
        ('{"numTotalTests": 1, "numTotalTestSuites": 1, "testResults": {}}', "no `testResults` list"),
        ('{"numTotalTests": 1, "numTotalTestSuites": 1}', "no `testResults` list"),
        ("[1, 2]", "no `testResults` list"),
    ],
)
def test_broken_files_are_problems(tmp_path: Path, text: str, words: str) -> None:
    result = _read(tmp_path, text)
    assert result.totals is None
    assert len(result.problems) == 1
    assert words in result.problems[0].message or result.problems[0].line == 1


def test_wrong_types_are_problems_and_the_rest_is_counted(tmp_path: Path) -> None:
    report = _report(
        "not an object",
        _file(assertionResults={"not": "a list"}),
        _file(_test("failed", title=7, ancestorTitles="x", failureMessages="boom", location={"line": "9"})),
        _file(_test("exploded"), _test("exploded"), 3),
    )
    result = _read(tmp_path, report)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.errors) == (1, 1)
    messages = [problem.message for problem in result.problems]
    assert "1 entries of `testResults` are not objects; skipped" in messages
    assert "/repo/a.test.js: `assertionResults` is not a list; not counted" in messages
    assert "1 entries of `assertionResults` are not objects; skipped" in messages
    assert any("2 tests have the status 'exploded'" in message for message in messages)
    (case,) = result.cases
    assert (case.name, case.line, case.message) == ("", None, "")


def test_huge_strings_are_capped(tmp_path: Path) -> None:
    huge = "x" * (3 * READ_CAP)
    report = _report(_file(_test("failed", title=huge, failureMessages=[huge] * 50)))
    (case,) = _read(tmp_path, report).cases
    assert len(case.name) < READ_CAP + 100
    assert len(case.trace) < READ_CAP + 100
    assert len(case.message) < READ_CAP + 100
