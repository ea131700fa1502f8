"""The `go test -json` reader: golden files (ours and the shared corpus), the corpus' expected counts,
detection that claims nothing else, reruns, crashes and build failures, streaming in bounded memory, and
hostile input."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import TRACE_CAP, CaseOutcome, FileResult
from issueplan.render.clean import clean_model
from issueplan.sources import _ndjson, go_test_json
from report_checks import (
    DATA,
    GOLDEN_SUFFIX,
    CorpusReport,
    check_golden,
    claimed_by,
    counts_of,
    every_file,
    expected_counts,
    format_rows,
    inputs,
    other_readers,
)

FORMAT = "go-test-json"
LABEL = "Go test JSON (NDJSON)"
SAMPLES = inputs(FORMAT)
PKG = "example.com/m"


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_read_as_recorded(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)  # goldens name the file relative to its folder
    assert go_test_json.detect(path.read_bytes()[:8192])
    check_golden(go_test_json.read(Path(path.name)), path.with_name(path.stem + GOLDEN_SUFFIX))


def test_corpus_files_read_as_recorded_and_counted_as_the_manifest_says(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = format_rows(corpus_dir, LABEL)
    assert len(rows) >= 2
    checked = 0
    for relative, cells in sorted(rows.items()):
        monkeypatch.chdir(corpus_dir / Path(relative).parent)
        result = go_test_json.read(Path(Path(relative).name))
        check_golden(result, DATA / FORMAT / "corpus" / (Path(relative).name + GOLDEN_SUFFIX))
        expected = expected_counts(cells)
        if expected is not None:
            assert counts_of(result, expected) == expected, relative
            checked += 1
    assert checked == 1


def test_the_skip_sample_agrees_with_the_junit_report_go_junit_report_made_of_it(
    corpus_report: CorpusReport,
) -> None:
    result = go_test_json.read(corpus_report("go-test-json", "junit/go-junit-report_107-skip.gojson.txt"))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.skipped) == (2, 2)


def test_detect_claims_exactly_the_go_test_streams(corpus_dir: Path) -> None:
    files = every_file(corpus_dir)
    ours = {corpus_dir / path for path in format_rows(corpus_dir, LABEL)} | set(SAMPLES)
    assert claimed_by(go_test_json, files) == ours
    for name, reader in other_readers(FORMAT).items():
        assert not claimed_by(reader, sorted(ours)), name


@pytest.mark.parametrize(
    "head",
    [
        b'{"Time":"2024-01-01T00:00:00Z","Action":"run","Package":"m","Test":"TestA"}\n',
        b'\xef\xbb\xbf{"Action":"start","Package":"m"}\n',
        b'{"ImportPath":"m [m.test]","Action":"build-output","Output":"# m\\n"}\n',
    ],
)
def test_detect_accepts_the_first_event_in_any_field_order(head: bytes) -> None:
    assert go_test_json.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        b'{"Action":"run"}\n',
        b'{"type":"start","protocolVersion":"0.1.1"}\n',
        b"=== RUN   TestA\n--- PASS: TestA (0.00s)\n",
        b'{"Package":"m","Action":"dance"}\n',
        b'[{"Action":"run","Package":"m"}]\n',
    ],
)
def test_detect_rejects_what_is_not_a_go_test_event(head: bytes) -> None:
    assert not go_test_json.detect(head)


def _events(*events: dict[str, Any]) -> str:
    return "".join(json.dumps({"Package": PKG, **event}) + "\n" for event in events)


def _read(tmp_path: Path, text: str | bytes) -> FileResult:
    path = tmp_path / "go-test.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return go_test_json.read(path)


def _totals(result: FileResult) -> tuple[int, int, int, int, int]:
    assert result.totals is not None, result.problems
    t = result.totals
    return (t.tests, t.failures, t.errors, t.skipped, t.flaky)


def test_a_tests_result_is_its_last_result_event(tmp_path: Path) -> None:
    text = _events(
        {"Action": "run", "Test": "TestA"},
        {"Action": "skip", "Test": "TestA"},
        {"Action": "run", "Test": "TestA"},
        {"Action": "pass", "Test": "TestA"},
        {"Action": "run", "Test": "TestB"},
        {"Action": "pass", "Test": "TestB"},
        {"Action": "run", "Test": "TestB"},
        {"Action": "fail", "Test": "TestB"},
        {"Action": "fail"},
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (2, 1, 0, 0, 0)
    assert [(case.name, case.outcome) for case in result.cases] == [("TestB", CaseOutcome.FAILED)]


def test_a_package_failing_without_a_failing_test_is_one_errored_case(tmp_path: Path) -> None:
    text = _events(
        {"Action": "run", "Test": "TestA"},
        {"Action": "pass", "Test": "TestA"},
        {"Action": "output", "Output": "FAIL\n"},
        {"Action": "output", "Output": "goleak: found unexpected goroutines\n"},
        {"Action": "fail", "Elapsed": 1.5},
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (2, 0, 1, 0, 0)
    [case] = result.cases
    assert (case.classname, case.name, case.message) == (PKG, PKG, "goleak: found unexpected goroutines")
    assert result.totals is not None
    assert result.totals.duration == 1.5


def test_output_of_a_test_is_its_trace_capped(tmp_path: Path) -> None:
    lines = [
        {"Action": "output", "Test": "TestA", "Output": f"    a_test.go:{n}: {'x' * 1000}\n"}
        for n in range(40)
    ]
    result = _read(
        tmp_path, _events({"Action": "run", "Test": "TestA"}, *lines, {"Action": "fail", "Test": "TestA"})
    )
    [case] = result.cases
    assert (case.file, case.line) == ("a_test.go", 1)  # line 0 is no line
    assert case.trace.startswith("a_test.go:0: xxx")  # Go's indentation is dropped
    shown = clean_model(case).trace  # the display cap comes after redaction, in the clean pass
    assert "more characters]" in shown
    assert len(shown) < TRACE_CAP + 100


def test_benchmark_output_without_a_run_event_is_not_a_test(tmp_path: Path) -> None:
    text = _events(
        {"Action": "output", "Test": "BenchmarkX", "Output": "BenchmarkX-8  1000  12 ns/op\n"},
        {"Action": "pass"},
    )
    assert _totals(_read(tmp_path, text)) == (0, 0, 0, 0, 0)


def test_a_malformed_line_is_a_problem_naming_it_and_the_others_are_used(tmp_path: Path) -> None:
    good = _events({"Action": "run", "Test": "TestA"}, {"Action": "fail", "Test": "TestA"})
    text = (
        good
        + "# example.com/m\n"
        + _events({"Action": "run", "Test": "TestB"}, {"Action": "pass", "Test": "TestB"})
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (2, 1, 0, 0, 0)
    [problem] = result.problems
    assert problem.line == 3
    assert problem.message.startswith("line 3 is not JSON")


def test_many_malformed_lines_give_a_bounded_number_of_problems(tmp_path: Path) -> None:
    text = (
        _events({"Action": "run", "Test": "TestA"})
        + "garbage\n" * 500
        + _events({"Action": "pass", "Test": "TestA"})
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (1, 0, 0, 0, 0)
    assert len(result.problems) == _ndjson.PROBLEM_CAP + 1
    assert result.problems[-1].message == "490 more lines are not JSON objects; skipped"


def test_a_line_longer_than_the_limit_is_skipped_without_being_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_ndjson, "MAX_LINE_BYTES", 1000)
    huge = json.dumps({"Package": PKG, "Action": "output", "Test": "TestA", "Output": "y" * 5000})
    text = (
        _events({"Action": "run", "Test": "TestA"})
        + huge
        + "\n"
        + _events({"Action": "pass", "Test": "TestA"})
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (1, 0, 0, 0, 0)
    assert [p.line for p in result.problems] == [2]


@pytest.mark.slow
def test_memory_does_not_grow_with_the_stream(tmp_path: Path) -> None:
    """120 000 output lines (~15 MB) of a few long-running tests: the peak stays a small fraction of it."""
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as stream:
        for test in ("TestA", "TestB", "TestC", "TestD"):
            stream.write(_events({"Action": "run", "Test": test}))
            line = _events(
                {"Action": "output", "Test": test, "Output": "    a_test.go:1: " + "z" * 80 + "\n"}
            )
            stream.write(line * 30_000)
            stream.write(_events({"Action": "fail" if test == "TestD" else "pass", "Test": test}))
    tracemalloc.start()
    try:
        result = go_test_json.read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _totals(result) == (4, 1, 0, 0, 0)
    assert path.stat().st_size > 12 * 2**20
    assert peak < 2 * 2**20


# --- hostile input: each is a Problem, never an exception --------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "the file is empty"),
        (bytes(range(256)) * 64, "not UTF-8 text"),
        (b'{"Action":"run","Package":"m","Test":' + b"[" * 100_000 + b"\n", "nested too deeply"),
        (
            b'{"Action": 3, "Package": ["m"], "Test": {"a": 1}, "Elapsed": "x"}\n[1, 2]\n"run"\n',
            "not a JSON object",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x "y">]>\n<testsuites>&x;</testsuites>\n',
            "is not JSON",
        ),
    ],
    ids=["empty", "binary", "deep-nesting", "wrong-types", "xml-with-dtd"],
)
def test_bad_files_give_a_problem_not_a_crash(tmp_path: Path, content: bytes, needle: str) -> None:
    result = _read(tmp_path, content)
    assert result.totals is None
    assert any(needle in problem.message for problem in result.problems), result.problems
    assert result.problems[-1].message in {
        "the file is empty: no go test -json events in it",
        "not a go test -json stream: no test event in it",
    }


def test_a_truncated_stream_keeps_what_came_before_the_cut(tmp_path: Path) -> None:
    text = _events(
        {"Action": "run", "Test": "TestA"},
        {"Action": "pass", "Test": "TestA"},
        {"Action": "run", "Test": "TestB"},
    )
    result = _read(tmp_path, text + '{"Package":"m","Act')
    assert _totals(result) == (2, 0, 1, 0, 0)
    assert [p.line for p in result.problems] == [4, None]
    assert "ends before these packages finished: example.com/m" in result.problems[1].message


def test_wrong_types_in_known_fields_are_read_as_absent(tmp_path: Path) -> None:
    text = _events(
        {"Action": "run", "Test": "TestA"},
        {"Action": "output", "Test": "TestA", "Output": ["not", "text"]},
        {"Action": "fail", "Test": "TestA", "Elapsed": "slow"},
        {"Action": "pass", "Test": 7},
        {"Action": "fail", "Elapsed": None},
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (1, 1, 0, 0, 0)
    assert result.totals is not None
    assert result.totals.duration == 0


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    assert "cannot read the file" in go_test_json.read(tmp_path / "absent.json").problems[0].message
