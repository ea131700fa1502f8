"""The LCOV reader: DA/BRDA counting, LF/LH summaries when DA lines are missing, merged records, malformed
lines, and the corpus's LCOV files against the manifest and cargo-llvm-cov's expected summaries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from issueplan.sources import READERS, lcov
from report_checks import CorpusReport

TRACE = """TN:
SF:src\\a.c
DA:1,4
DA:2,0
DA:3,1
BRDA:2,0,0,1
BRDA:2,0,1,-
end_of_record
TN:second
SF:src/a.c
DA:2,5
end_of_record
SF:src/b.c
FNF:1
LF:10
LH:7
end_of_record
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lcov.info"
    path.write_text(text, encoding="utf-8")
    return path


def test_counts_lines_and_branches_and_merges_records_of_one_file(tmp_path: Path) -> None:
    path = _write(tmp_path, TRACE)
    assert [name for name, reader in READERS.items() if reader.detect(path.read_bytes())] == ["lcov"]
    coverage = lcov.read(path).coverage
    assert coverage is not None
    assert [
        (f.path, f.lines_covered, f.lines_valid, f.branches_covered, f.branches_valid) for f in coverage.files
    ] == [
        ("src/a.c", 3, 3, 1, 2),
        ("src/b.c", 7, 10, 0, 0),
    ]
    assert (coverage.lines_covered, coverage.lines_valid, coverage.line_rate) == (
        10,
        13,
        pytest.approx(10 / 13),
    )


def test_malformed_records_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    result = lcov.read(_write(tmp_path, "DA:1,1\nSF:x.c\nDA:one,1\nDA:2,1\nend_of_record\n"))
    assert [(p.line, p.message) for p in result.problems] == [
        (1, "'DA' outside an SF record"),
        (3, "unreadable 'DA' record"),
    ]
    assert result.coverage is not None
    assert result.coverage.lines_valid == 1


def test_garbage_gives_a_bounded_number_of_problems(tmp_path: Path) -> None:
    result = lcov.read(_write(tmp_path, "DA:x\n" * 10_000))
    assert result.coverage is None
    assert len(result.problems) <= lcov.MAX_PROBLEMS + 1


def test_corpus_sums_agree_with_the_manifest(corpus_dir: Path) -> None:
    """Manifest `LF=a LH=b`: the reader's totals for every LCOV file of the corpus."""
    manifest = (corpus_dir / "MANIFEST.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| coverage/(\S+) \|.*?(\d+) SF record\(s\), LF=(\d+) LH=(\d+)", manifest)
    assert len(rows) >= 10
    for name, records, valid, covered in rows:
        path = corpus_dir / "coverage" / name
        assert [n for n, reader in READERS.items() if reader.detect(path.read_bytes()[:8192])] == ["lcov"], (
            name
        )
        coverage = lcov.read(path).coverage
        assert coverage is not None
        assert (len(coverage.files), coverage.lines_valid, coverage.lines_covered) == (
            int(records),
            int(valid),
            int(covered),
        ), name


@pytest.mark.parametrize("case", ["instantiations_instantiations", "no_coverage_no_coverage", "real1_all"])
def test_cargo_llvm_cov_expected_line_totals(corpus_report: CorpusReport, case: str) -> None:
    """cargo-llvm-cov's own expected `llvm-cov report` table (kept beside the samples, in expected/)."""
    report = corpus_report("lcov", f"coverage/cargo-llvm-cov_{case}.lcov.info")
    summary = (report.parent / "expected" / f"cargo-llvm-cov_{case}.summary.txt").read_text(encoding="utf-8")
    total = next(line.split() for line in summary.splitlines() if line.startswith("TOTAL"))
    lines, missed = int(total[7]), int(total[8])  # the Lines and Missed Lines columns
    coverage = lcov.read(report).coverage
    assert coverage is not None
    assert (coverage.lines_valid, coverage.lines_valid - coverage.lines_covered) == (lines, missed)
