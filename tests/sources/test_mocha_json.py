"""The Mocha JSON reader: golden files (ours and the shared corpus), the corpus' expected counts, detection
that claims nothing else, failure-versus-error, hooks and retries, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import CaseOutcome, FileResult
from issueplan.sources import mocha_json
from report_checks import (
    DATA,
    GOLDEN_SUFFIX,
    check_golden,
    claimed_by,
    counts_of,
    every_file,
    expected_counts,
    format_rows,
    inputs,
    other_readers,
)

FORMAT = "mocha-json"
LABEL = "Mocha JSON"
SAMPLES = inputs(FORMAT)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_read_as_recorded(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)  # goldens name the file relative to its folder
    assert mocha_json.detect(path.read_bytes()[:8192])
    check_golden(mocha_json.read(Path(path.name)), path.with_name(path.stem + GOLDEN_SUFFIX))


def test_corpus_files_read_as_recorded_and_counted_as_the_manifest_says(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = format_rows(corpus_dir, LABEL)
    assert len(rows) >= 3
    checked = 0
    for relative, cells in sorted(rows.items()):
        monkeypatch.chdir(corpus_dir / Path(relative).parent)
        result = mocha_json.read(Path(Path(relative).name))
        check_golden(result, DATA / FORMAT / "corpus" / (Path(relative).name + GOLDEN_SUFFIX))
        expected = expected_counts(cells)
        if expected is not None:
            assert counts_of(result, expected) == expected, relative
            checked += 1
    assert checked == 2


def test_detect_claims_exactly_the_mocha_reports(corpus_dir: Path) -> None:
    files = every_file(corpus_dir)
    ours = {corpus_dir / path for path in format_rows(corpus_dir, LABEL)} | set(SAMPLES)
    assert claimed_by(mocha_json, files) == ours
    for name, reader in other_readers(FORMAT).items():
        assert not claimed_by(reader, sorted(ours)), name


def test_rspec_and_other_json_reports_are_not_claimed() -> None:
    for head in (
        b'{"version":"3.13.0","examples":[],"summary":{"example_count":0}}',
        b'{"stats":{"suites":1,"tests":1,"passes":1,"pending":0,"failures":0,"passPercent":100},"results":{',
        b'{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[]}',
        b'{"numFailedTestSuites":0,"numPassedTests":3,"testResults":[]}',
        b'{"auditReportVersion":2,"vulnerabilities":{}}',
    ):
        assert not mocha_json.detect(head), head


def _report(**lists: list[Any]) -> dict[str, Any]:
    stats = {"suites": 1, "tests": 0, "passes": 0, "pending": 0, "failures": 0, "duration": 5}
    return {"stats": stats, **lists}


def _read(tmp_path: Path, report: Any) -> FileResult:
    path = tmp_path / "mocha.json"
    path.write_text(report if isinstance(report, str) else json.dumps(report), encoding="utf-8")
    return mocha_json.read(path)


def _test(title: str, err: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    return {"title": title, "fullTitle": f"suite {title}", "file": "/r/t.spec.js", "err": err or {}, **fields}


@pytest.mark.parametrize(
    ("err", "outcome"),
    [
        ({"stack": "AssertionError [ERR_ASSERTION]: 1 == 2\n    at x (t.spec.js:3:1)"}, CaseOutcome.FAILED),
        ({"name": "AssertionError", "message": "expected 1 to equal 2"}, CaseOutcome.FAILED),
        ({"message": "expected 1 to be 2", "actual": 1, "expected": 2}, CaseOutcome.FAILED),
        ({"message": "no", "stack": "JestAssertionError: no"}, CaseOutcome.FAILED),
        (
            {"message": "x is undefined", "stack": "TypeError: x is undefined\n    at y (t.spec.js:9:2)"},
            CaseOutcome.ERROR,
        ),
        ({"message": "Timeout of 2000ms exceeded.", "code": "ERR_MOCHA_TIMEOUT"}, CaseOutcome.ERROR),
    ],
)
def test_assertions_fail_and_anything_else_thrown_errs(
    tmp_path: Path, err: dict[str, Any], outcome: CaseOutcome
) -> None:
    failing = _test("a", err)
    [case] = _read(tmp_path, _report(tests=[failing], failures=[failing])).cases
    assert case.outcome is outcome


def test_a_failed_hook_is_one_errored_case_and_a_retried_pass_is_flaky(tmp_path: Path) -> None:
    hook = _test('"before all" hook for "a"', {"message": "db down", "stack": "Error: db down"})
    retried = _test("b", currentRetry=1)
    result = _read(tmp_path, _report(tests=[_test("a"), retried], failures=[hook], passes=[retried]))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.errors, result.totals.flaky) == (3, 1, 1)
    assert [case.name for case in result.cases] == ['"before all" hook for "a"', "b"]


def test_the_failing_line_is_taken_from_the_frame_in_the_test_file(tmp_path: Path) -> None:
    stack = "Error: boom\n    at lib (src/lib.js:1:1)\n    at Context.<anonymous> (t.spec.js:42:7)"
    failing = _test("a", {"message": "boom", "stack": stack})
    [case] = _read(tmp_path, _report(tests=[failing], failures=[failing])).cases
    assert (case.file, case.line, case.type, case.message) == ("/r/t.spec.js", 42, "Error", "boom")


# --- hostile input: each is a Problem, never an exception --------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "the file is empty"),
        (
            b'{"stats": {"tests": 1, "passes": 1, "pending": 0, "failures": 0}, "tests": [{"title": "a", "er',
            "invalid JSON",
        ),
        (bytes(range(256)) * 8, "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"stats": 3, "tests": {"a": 1}, "pending": "x"}', "not a Mocha JSON report"),
        (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x "y">]><testsuites>&x;</testsuites>', "invalid JSON"),
    ],
    ids=["empty", "truncated", "binary", "deep-nesting", "wrong-types", "xml-with-dtd"],
)
def test_bad_files_give_a_problem_not_a_crash(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = mocha_json.read(path)
    assert result.totals is None
    assert needle in result.problems[0].message
    assert result.problems[0].file == str(path)


def test_wrong_types_inside_the_lists_are_skipped_with_a_problem(tmp_path: Path) -> None:
    report = _report(tests=[_test("a"), "b", 3, None, {"title": 7, "err": "x", "currentRetry": "y"}])
    result = _read(tmp_path, report)
    assert result.totals is not None
    assert result.totals.tests == 2
    assert [p.message for p in result.problems] == ["3 entries of `tests` are not objects; skipped"]


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    result = mocha_json.read(tmp_path / "absent.json")
    assert "cannot read" in result.problems[0].message
