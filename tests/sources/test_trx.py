"""The TRX reader against golden files and the shared corpus, and the outcome rules users notice.

Golden files: tests/data/trx/<name>.trx beside <name>.json, the expected FileResult. After a deliberate
change, regenerate them with `ISSUEPLAN_REGEN_GOLDEN=1 .venv/bin/pytest tests/sources/test_trx.py` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from issueplan.model import CaseOutcome, FileResult
from issueplan.sources import HEAD_BYTES, READERS, trx
from report_checks import every_file, folder_rows, golden_text

TESTS = Path(__file__).resolve().parent.parent
DATA = TESTS / "data" / "trx"
GOLDEN = sorted(DATA.glob("*.trx"))
REGENERATE = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
NAMESPACE = 'xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"'


def _golden_json(result: FileResult, path: Path) -> str:
    return golden_text(result).replace(json.dumps(str(path))[1:-1], path.name)


@pytest.mark.parametrize("path", GOLDEN, ids=[path.stem for path in GOLDEN])
def test_golden_files_read_as_recorded(path: Path) -> None:
    assert trx.detect(path.read_bytes()[:HEAD_BYTES])
    actual = _golden_json(trx.read(path), path)
    expected_path = path.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def _manifest_rows(corpus_dir: Path) -> dict[str, list[str]]:
    return folder_rows(corpus_dir, "junit")


def test_corpus_counts_match_the_manifest(corpus_dir: Path) -> None:
    checked = 0
    for name, cells in sorted(_manifest_rows(corpus_dir).items()):
        if cells[1] != "TRX":
            continue
        path = corpus_dir / "junit" / name
        result = trx.read(path)
        tests, failures, errors, skipped = cells[8:12]
        if tests == "parse error":
            assert result.problems, name
            continue
        assert result.totals is not None, name
        assert result.problems == (), name
        if not tests:
            continue  # no published expectation: read without a problem is all that can be checked
        actual = (result.totals.tests, result.totals.failures, result.totals.errors, result.totals.skipped)
        if errors == "(in failures)":
            actual = (result.totals.tests, result.totals.failures + result.totals.errors, 0, actual[3])
            errors = "0"
        assert actual == (int(tests), int(failures), int(errors), int(skipped)), name
        checked += 1
    assert checked == 7, "the manifest lists 7 TRX files with expected counts"


def _is_trx(path: Path, corpus_rows: dict[str, list[str]]) -> bool:
    if path.parent == DATA:
        return path.suffix == ".trx"
    row = corpus_rows.get(path.name)
    return row is not None and path.parent.name == "junit" and row[1] == "TRX"


def test_detect_claims_trx_files_only_and_no_other_reader_claims_them(corpus_dir: Path) -> None:
    rows = _manifest_rows(corpus_dir)
    files = every_file(corpus_dir)
    claimed = 0
    for path in files:
        head = path.read_bytes()[:HEAD_BYTES]
        ours = _is_trx(path, rows)
        assert trx.detect(head) == ours, path
        others = [name for name, reader in READERS.items() if name != trx.FORMAT and reader.detect(head)]
        if ours:
            assert others == [], f"{path.name} is also claimed by {others}"
            claimed += 1
    assert claimed >= 10


@pytest.mark.parametrize(
    "head",
    [
        f'<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="1" {NAMESPACE}>'.encode(),
        f'\xef\xbb\xbf<!-- run 7 -->\n<TestRun {NAMESPACE} name="x">'.encode("latin-1"),
        b'<TestRun id="1">\n  <Results>',
        f'<?xml version="1.0" encoding="utf-16"?><TestRun {NAMESPACE}>'.encode("utf-16"),
    ],
)
def test_detect_accepts_a_testrun_root(head: bytes) -> None:
    assert trx.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b'<TestRun id="1"><testsuite>',
        b"<testsuites><TestRun " + NAMESPACE.encode() + b">",
        b"<!-- <TestRun " + NAMESPACE.encode() + b"> --><coverage>",
        b"<assemblies><assembly>",
        b'{"TestRun": {}}',
    ],
)
def test_detect_rejects_other_roots(head: bytes) -> None:
    assert not trx.detect(head)


def _write(tmp_path: Path, results: str, definitions: str = "") -> Path:
    path = tmp_path / "run.trx"
    path.write_text(
        f"<TestRun {NAMESPACE}><TestDefinitions>{definitions}</TestDefinitions>"
        f"<Results>{results}</Results></TestRun>",
        encoding="utf-8",
    )
    return path


def test_a_data_driven_row_decides_its_test_and_gives_the_message(tmp_path: Path) -> None:
    rows = (
        '<UnitTestResult testName="r1" outcome="Passed"/>'
        '<UnitTestResult testName="r2" outcome="Failed"><Output><ErrorInfo><Message>row 2 failed</Message>'
        "</ErrorInfo></Output></UnitTestResult>"
    )
    path = _write(
        tmp_path,
        f'<UnitTestResult testId="a" testName="T" outcome="Passed"><InnerResults>{rows}</InnerResults>'
        "</UnitTestResult>",
    )
    result = trx.read(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (1, 1)
    assert [(case.name, case.message) for case in result.cases] == [("T", "row 2 failed")]


def test_classes_come_from_definitions_written_before_or_after_the_results(tmp_path: Path) -> None:
    definition = '<UnitTest id="a"><TestMethod className="Ns.C, Asm, Version=1.0.0.0" name="M"/></UnitTest>'
    result_xml = '<UnitTestResult testId="a" testName="Ns.C.M" outcome="Failed"/>'
    before = trx.read(_write(tmp_path, result_xml, definition)).cases
    after_path = tmp_path / "after.trx"
    after_path.write_text(
        f"<TestRun {NAMESPACE}><Results>{result_xml}</Results><TestDefinitions>{definition}"
        "</TestDefinitions></TestRun>",
        encoding="utf-8",
    )
    after = trx.read(after_path).cases
    assert before == after
    assert [(case.classname, case.name) for case in after] == [("Ns.C", "M")]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("Timeout", CaseOutcome.ERROR),
        ("Aborted", CaseOutcome.ERROR),
        ("NotRunnable", CaseOutcome.ERROR),
        ("Inconclusive", CaseOutcome.SKIPPED),
        ("NotExecuted", CaseOutcome.SKIPPED),
        ("Pending", CaseOutcome.SKIPPED),
        ("PassedButRunAborted", None),
        ("Warning", None),
        ("Exploded", CaseOutcome.ERROR),
    ],
)
def test_vstest_outcomes(tmp_path: Path, outcome: str, expected: CaseOutcome | None) -> None:
    result = trx.read(_write(tmp_path, f'<UnitTestResult testName="t" outcome="{outcome}"/>'))
    assert result.totals is not None
    assert result.totals.tests == 1
    assert [case.outcome for case in result.cases] == ([expected] if expected else [])


def test_many_failures_keep_exact_counts_and_say_what_was_left_out(tmp_path: Path) -> None:
    results = "".join(f'<UnitTestResult testId="{n}" testName="t{n}" outcome="Failed"/>' for n in range(1100))
    result = trx.read(_write(tmp_path, results))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (1100, 1100)
    assert len(result.cases) == 1000
    [problem] = result.problems
    assert "100 more non-passing test cases are not listed" in problem.message
