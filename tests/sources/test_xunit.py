"""The xUnit.net XML reader (v1 and v2/v3) against golden files and the shared corpus, and its counting rules.

Golden files: tests/data/xunit/<name>.xml beside <name>.json, the expected FileResult. After a deliberate
change, regenerate them with `ISSUEPLAN_REGEN_GOLDEN=1 .venv/bin/pytest tests/sources/test_xunit.py` and
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from issueplan.model import CaseOutcome, FileResult
from issueplan.sources import HEAD_BYTES, READERS, xunit
from report_checks import every_file, folder_rows, golden_text

TESTS = Path(__file__).resolve().parent.parent
DATA = TESTS / "data" / "xunit"
GOLDEN = sorted(DATA.glob("*.xml"))
REGENERATE = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
XUNIT_FORMATS = ("xUnit.net v1 XML", "xUnit.net v2 XML")


def _golden_json(result: FileResult, path: Path) -> str:
    return golden_text(result).replace(json.dumps(str(path))[1:-1], path.name)


@pytest.mark.parametrize("path", GOLDEN, ids=[path.stem for path in GOLDEN])
def test_golden_files_read_as_recorded(path: Path) -> None:
    assert xunit.detect(path.read_bytes()[:HEAD_BYTES])
    actual = _golden_json(xunit.read(path), path)
    expected_path = path.with_suffix(".json")
    if REGENERATE:
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def _manifest_rows(corpus_dir: Path) -> dict[str, list[str]]:
    return folder_rows(corpus_dir, "junit")


def test_corpus_counts_match_the_manifest(corpus_dir: Path) -> None:
    """The v1 pickles file has 4 <test> rows and expects 3 tests: two rows are one theory (`AddingSeveral
    Numbers`, one method with two data rows)."""
    checked = 0
    for name, cells in sorted(_manifest_rows(corpus_dir).items()):
        if cells[1] not in XUNIT_FORMATS:
            continue
        result = xunit.read(corpus_dir / "junit" / name)
        tests, failures, errors, skipped = cells[8:12]
        if tests == "parse error":
            assert result.problems, name
            continue
        assert result.totals is not None, name
        assert result.problems == (), name
        actual = (result.totals.tests, result.totals.failures, result.totals.errors, result.totals.skipped)
        if errors == "(in failures)":
            actual = (result.totals.tests, result.totals.failures + result.totals.errors, 0, actual[3])
            errors = "0"
        assert actual == (int(tests), int(failures), int(errors), int(skipped)), name
        checked += 1
    assert checked == 5, "the manifest lists 5 xUnit.net files with expected counts"


def _is_xunit(path: Path, corpus_rows: dict[str, list[str]]) -> bool:
    if path.parent == DATA:
        return path.suffix == ".xml"
    row = corpus_rows.get(path.name)
    return row is not None and path.parent.name == "junit" and row[1] in XUNIT_FORMATS


def test_detect_claims_xunit_files_only_and_no_other_reader_claims_them(corpus_dir: Path) -> None:
    rows = _manifest_rows(corpus_dir)
    files = every_file(corpus_dir)
    claimed = 0
    for path in files:
        head = path.read_bytes()[:HEAD_BYTES]
        ours = _is_xunit(path, rows)
        assert xunit.detect(head) == ours, path
        others = [name for name, reader in READERS.items() if name != xunit.FORMAT and reader.detect(head)]
        if ours:
            assert others == [], f"{path.name} is also claimed by {others}"
            claimed += 1
    assert claimed >= 7


@pytest.mark.parametrize(
    "head",
    [
        b"<assemblies/>",
        b'<?xml version="1.0"?>\n<assemblies timestamp="x">\n  <assembly name="a.dll" total="1">',
        b'<!-- pickles -->\n<assembly name="a.dll" run-date="2012-01-14" test-framework="xUnit.net 1.9">',
        b'\xef\xbb\xbf<assembly name="a.dll">\n  <class name="C">',
        '<?xml version="1.0" encoding="utf-16"?><assemblies>'.encode("utf-16"),
    ],
)
def test_detect_accepts_xunit_roots(head: bytes) -> None:
    assert xunit.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b'<assembly xmlns="http://maven.apache.org/ASSEMBLY/2.1.0"><id>bin</id><formats>',
        b'<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0"><assemblyIdentity/>',
        b"<testsuites><testsuite><testcase/>",
        b"<!-- <assemblies> --><testsuites>",
        b"<assemblyx>",
    ],
)
def test_detect_rejects_other_roots(head: bytes) -> None:
    assert not xunit.detect(head)


def _write(tmp_path: Path, tests: str) -> Path:
    path = tmp_path / "xunit.xml"
    path.write_text(
        f'<assemblies><assembly name="a.dll"><collection name="c">{tests}</collection></assembly>'
        "</assemblies>",
        encoding="utf-8",
    )
    return path


def _row(method: str, result: str, name: str = "") -> str:
    return f'<test name="{name or "N.C." + method}" type="N.C" method="{method}" result="{result}"/>'


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        (("Pass", "Fail", "Pass"), CaseOutcome.FAILED),
        (("Pass", "Skip"), None),
        (("Skip", "NotRun"), CaseOutcome.SKIPPED),
        (("Skip", "Fail"), CaseOutcome.FAILED),
    ],
)
def test_theory_rows_are_one_test_the_worst_row_decides(
    tmp_path: Path, results: tuple[str, ...], expected: CaseOutcome | None
) -> None:
    rows = "".join(_row("M", result, name=f"N.C.M(x: {n})") for n, result in enumerate(results))
    result = xunit.read(_write(tmp_path, rows))
    assert result.totals is not None
    assert result.totals.tests == 1
    assert [case.outcome for case in result.cases] == ([expected] if expected else [])


def test_methods_apart_or_missing_are_separate_tests(tmp_path: Path) -> None:
    rows = _row("A", "Pass") + _row("B", "Fail") + _row("A", "Fail") + '<test name="x" result="Pass"/>' * 2
    result = xunit.read(_write(tmp_path, rows))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (5, 2)


def test_many_failures_keep_exact_counts_and_say_what_was_left_out(tmp_path: Path) -> None:
    result = xunit.read(_write(tmp_path, "".join(_row(f"m{n}", "Fail") for n in range(1100))))
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (1100, 1100)
    assert len(result.cases) == 1000
    [problem] = result.problems
    assert "100 more non-passing test cases are not listed" in problem.message
