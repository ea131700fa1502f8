"""Inputs fuzzing once broke a reader with, replayed through every reader: each must now give a value.

Add a file to tests/data/regressions/ for every crash a fuzzer finds (name it `<format>-<what>.<ext>`); this
test picks it up without a code change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from issueplan.model import FileResult
from issueplan.sources import HEAD_BYTES, READERS

REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "regressions"
CASES = sorted(path for path in REGRESSIONS.iterdir() if path.is_file() and path.name != "README.md")


def test_the_regression_folder_is_not_empty() -> None:
    assert CASES, f"{REGRESSIONS} holds no input: the replay below would prove nothing"


@pytest.mark.parametrize("path", CASES, ids=[path.name for path in CASES])
@pytest.mark.parametrize("fmt", sorted(READERS))
def test_i7_a_former_crash_input_reads_as_a_value_in_every_reader(fmt: str, path: Path) -> None:
    """I7: bad input is a value: `detect` and `read` return, with Problems naming the file."""
    reader = READERS[fmt]
    assert isinstance(reader.detect(path.read_bytes()[:HEAD_BYTES]), bool)
    result = reader.read(path)
    assert isinstance(result, FileResult)
    assert all(problem.file == str(path) for problem in result.problems)


def test_lcov_counts_of_infinity_are_unreadable_records_not_a_crash() -> None:
    """Found by fuzzing: `DA:1,1e400` made int(float(...)) raise OverflowError out of the LCOV reader."""
    result = READERS["lcov"].read(REGRESSIONS / "lcov-infinite-counts.lcov")
    assert result.coverage is not None
    assert result.coverage.lines_valid == 2
    assert [problem.line for problem in result.problems] == [3, 4, 5, 6]
    assert all("unreadable" in problem.message for problem in result.problems)
