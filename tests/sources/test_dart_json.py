"""The Dart test JSON reader: golden files (ours and the shared corpus), the corpus' expected counts,
detection that claims nothing else, hidden tests, late errors, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import CaseOutcome, FileResult
from issueplan.sources import dart_json
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

FORMAT = "dart-json"
LABEL = "Dart test JSON (NDJSON)"
SAMPLES = inputs(FORMAT)
START = {"protocolVersion": "0.1.1", "runnerVersion": "1.25.0", "pid": 1, "type": "start", "time": 0}


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_read_as_recorded(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)  # goldens name the file relative to its folder
    assert dart_json.detect(path.read_bytes()[:8192])
    check_golden(dart_json.read(Path(path.name)), path.with_name(path.stem + GOLDEN_SUFFIX))


def test_corpus_files_read_as_recorded_and_counted_as_the_manifest_says(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = format_rows(corpus_dir, LABEL)
    assert len(rows) >= 3
    checked = 0
    for relative, cells in sorted(rows.items()):
        monkeypatch.chdir(corpus_dir / Path(relative).parent)
        result = dart_json.read(Path(Path(relative).name))
        check_golden(result, DATA / FORMAT / "corpus" / (Path(relative).name + GOLDEN_SUFFIX))
        expected = expected_counts(cells)
        if expected is not None:
            assert counts_of(result, expected) == expected, relative
            checked += 1
    assert checked == 2


def test_detect_claims_exactly_the_dart_streams(corpus_dir: Path) -> None:
    files = every_file(corpus_dir)
    regressions = set((Path(__file__).resolve().parents[1] / "data" / "regressions").glob(f"{FORMAT}-*"))
    ours = {corpus_dir / path for path in format_rows(corpus_dir, LABEL)} | set(SAMPLES) | regressions
    assert claimed_by(dart_json, files) == ours
    for name, reader in other_readers(FORMAT).items():
        assert not claimed_by(reader, sorted(ours)), name


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        (b'{"protocolVersion":"0.1.1","runnerVersion":null,"pid":5,"type":"start","time":0}\n', True),
        (b'\xef\xbb\xbf{"type":"start","protocolVersion":"0.1.0"}\n', True),
        (b'{"suite":{"id":0,"platform":"vm","path":"a_test.dart"},"type":"suite","time":0}\n', True),
        (b'{"type":"start","time":0}\n', False),
        (b'{"Action":"start","Package":"m"}\n', False),
        (b'{"type":"start","protocolVersion":"1"', True),
        (b'{"version":"3.13.0","examples":[]}', False),
    ],
)
def test_detect_reads_the_first_event(head: bytes, claimed: bool) -> None:
    assert dart_json.detect(head) is claimed


def _stream(*events: dict[str, Any]) -> str:
    return "".join(json.dumps(event) + "\n" for event in (START, *events))


def _start(test_id: int, name: str, **fields: Any) -> dict[str, Any]:
    test = {"id": test_id, "name": name, "suiteID": 0, "groupIDs": [], "metadata": {"skip": False}, **fields}
    return {"type": "testStart", "test": test, "time": 1}


def _done(test_id: int, result: str = "success", **fields: Any) -> dict[str, Any]:
    return {
        "type": "testDone",
        "testID": test_id,
        "result": result,
        "skipped": False,
        "hidden": False,
        **fields,
    }


def _read(tmp_path: Path, text: str | bytes) -> FileResult:
    path = tmp_path / "dart.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return dart_json.read(path)


def _totals(result: FileResult) -> tuple[int, int, int, int]:
    assert result.totals is not None, result.problems
    return (result.totals.tests, result.totals.failures, result.totals.errors, result.totals.skipped)


def test_hidden_tests_count_only_when_they_failed(tmp_path: Path) -> None:
    text = _stream(
        _start(1, "loading a_test.dart"),
        _done(1, hidden=True),
        _start(2, "(tearDownAll)"),
        {"type": "error", "testID": 2, "error": "Bad state: x", "stackTrace": "", "isFailure": False},
        _done(2, "error", hidden=True),
        _start(3, "works"),
        _done(3),
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (2, 0, 1, 0)
    assert [case.name for case in result.cases] == ["(tearDownAll)"]


def test_an_error_after_the_test_completed_fails_it(tmp_path: Path) -> None:
    text = _stream(
        _start(1, "async leak"),
        _done(1),
        {"type": "error", "testID": 1, "error": "Expected: true", "stackTrace": "x", "isFailure": True},
        {"type": "error", "testID": 1, "error": "StateError: later", "stackTrace": "y", "isFailure": False},
    )
    [case] = _read(tmp_path, text).cases
    assert (case.outcome, case.message, case.trace) == (
        CaseOutcome.ERROR,
        "Expected: true",
        "Expected: true\nx",
    )


def test_a_result_without_a_start_still_counts(tmp_path: Path) -> None:
    result = _read(tmp_path, _stream(_done(9, "failure")))
    assert _totals(result) == (1, 1, 0, 0)
    assert result.cases[0].name == "test 9"


# --- hostile input: each is a Problem, never an exception --------------------------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "the file is empty"),
        (bytes(range(256)) * 64, "not UTF-8 text"),
        (b'{"type":"start","protocolVersion":"0.1.1","x":' + b"[" * 100_000 + b"\n", "nested too deeply"),
        (b'[{"type": "start"}]\n"testDone"\n', "not a JSON object"),
        (
            b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x "y">]>\n<testsuites>&x;</testsuites>\n',
            "is not JSON",
        ),
    ],
    ids=["empty", "binary", "deep-nesting", "not-objects", "xml-with-dtd"],
)
def test_bad_files_give_a_problem_not_a_crash(tmp_path: Path, content: bytes, needle: str) -> None:
    result = _read(tmp_path, content)
    assert result.totals is None
    assert any(needle in problem.message for problem in result.problems), result.problems


def test_a_truncated_stream_keeps_what_came_before_the_cut(tmp_path: Path) -> None:
    text = _stream(_start(1, "a"), _done(1, "failure"), _start(2, "b")) + '{"testID":2,"res'
    result = _read(tmp_path, text)
    assert _totals(result) == (2, 1, 1, 0)
    assert [p.line for p in result.problems] == [5, None]
    assert "1 test started but never finished" in result.problems[1].message


def test_wrong_types_in_known_fields_are_read_as_absent(tmp_path: Path) -> None:
    text = _stream(
        {"type": "suite", "suite": [1, 2]},
        {"type": "testStart", "test": "x"},
        {"type": "testStart", "test": {"id": [1], "name": 3}},
        _start(1, "a", url=7, line="x", metadata=None),
        {"type": "testDone", "testID": 1, "result": 5, "hidden": "yes", "skipped": 1},
        {"type": "error", "testID": True, "error": 3},
        {"type": 4, "time": "later"},
    )
    result = _read(tmp_path, text)
    assert _totals(result) == (1, 0, 0, 0)
    assert result.problems == ()


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    assert "cannot read the file" in dart_json.read(tmp_path / "absent.json").problems[0].message
