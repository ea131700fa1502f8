"""Every test report of the shared corpus with published expected counts, read the way a run reads it: the
first reader in READERS that recognises the file's content reads it, and its counts match MANIFEST.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from issueplan.sources import HEAD_BYTES, READERS
from report_checks import folder_rows

# publish-unit-test-result-action counts a *test* once per distinct class and name (101); we count test
# cases, as test-reporter's expectations for jest do (tests/sources/test_junit.py explains the conflict).
COUNTS_OF_CASES = {"publish-unit-test-result-action_latex-utensils.xml": (109, 0, 0, 0)}


# The MANIFEST's format names that issueplan reads; a format added to READERS joins this set.
READ_FORMATS = {
    "JUnit XML",
    "TRX",
    "xUnit.net v1 XML",
    "xUnit.net v2 XML",
    "NUnit 2 XML",
    "NUnit 3 XML",
    "Mocha JSON",
    "Go test JSON (NDJSON)",
    "Dart test JSON (NDJSON)",
}


def _rows(corpus_dir: Path) -> list[list[str]]:
    """The junit/ rows that publish expected counts."""
    return [cells for cells in folder_rows(corpus_dir, "junit").values() if cells[8]]


def _reader_for(path: Path) -> str | None:
    head = path.read_bytes()[:HEAD_BYTES]
    return next((name for name, reader in READERS.items() if reader.detect(head)), None)


def test_the_manifest_publishes_counts_for_many_formats(corpus_dir: Path) -> None:
    formats = {cells[1] for cells in _rows(corpus_dir)}
    assert len(formats) >= 5, formats


def test_every_report_with_expected_counts_is_recognised_and_counted_exactly(corpus_dir: Path) -> None:
    mismatches = []
    rows = [cells for cells in _rows(corpus_dir) if cells[1] in READ_FORMATS]
    assert rows
    for cells in rows:
        name = cells[0].removeprefix("junit/")
        path = corpus_dir / "junit" / name
        fmt = _reader_for(path)
        tests, failures, errors, skipped = cells[8:12]
        if tests == "parse error" or "upstream parse errors" in cells[-1]:
            # The producer's own parser rejects it: no reader may claim it, or the claim ends in a Problem.
            if fmt is not None:
                result = READERS[fmt].read(path)
                assert result.problems, f"{name}: expected a parse error, got {result.totals}"
            continue
        if fmt is None:
            mismatches.append(f"{name} ({cells[1]}): no reader recognises it")
            continue
        totals = READERS[fmt].read(path).totals
        if totals is None:
            mismatches.append(f"{name} ({cells[1]}): read by {fmt} without totals")
            continue
        actual = (totals.tests, totals.failures, totals.errors, totals.skipped)
        if errors == "(in failures)":
            actual = (totals.tests, totals.failures + totals.errors, 0, totals.skipped)
            expected = (int(tests), int(failures), 0, int(skipped))
        else:
            expected = COUNTS_OF_CASES.get(name, (int(tests), int(failures), int(errors), int(skipped)))
        if actual != expected:
            mismatches.append(f"{name} ({cells[1]}, read by {fmt}): {actual} != expected {expected}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("kind", ["junit", "sarif", "coverage", "audit"])
def test_no_corpus_file_makes_two_readers_disagree_about_who_reads_it(corpus_dir: Path, kind: str) -> None:
    """Detection is by content and specific: at most one reader claims any file (order is only a tie-break
    for formats that nest, and none should need it)."""
    for path in sorted((corpus_dir / kind).glob("*")):
        if not path.is_file():
            continue
        head = path.read_bytes()[:HEAD_BYTES]
        claimed = [name for name, reader in READERS.items() if reader.detect(head)]
        assert len(claimed) <= 1, f"{path.name} is claimed by {claimed}"
