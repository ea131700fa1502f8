"""Inputs fuzzing once broke issueplan with, replayed: each must now give a value and keep the invariants.

Every file of tests/data/regressions/ goes through every reader (none may raise). A `render-*.json` file is
also an item's hostile title and facts, rendered and checked against the R-invariants. Add a file for every
finding of a fuzzer (name it `<format>-<what>.<ext>` or `render-<what>.json`); no code change is needed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fuzz_render_checks import check_body, check_title_and_comments
from render_factory import make_case, make_item, make_suite

from issueplan.model import Evidence, FileResult
from issueplan.sources import HEAD_BYTES, READERS

REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "regressions"
CASES = sorted(path for path in REGRESSIONS.iterdir() if path.is_file() and path.name != "README.md")
RENDER_CASES = [path for path in CASES if path.name.startswith("render-")]


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


@pytest.mark.parametrize("path", RENDER_CASES, ids=[path.name for path in RENDER_CASES])
def test_r1_r6_s1_a_former_render_finding_keeps_every_invariant(path: Path) -> None:
    """R1, R6, S1 (found by fuzzing): a labelled AWS key followed by `=` leaked, then the URL password after
    it; a title cut at 256 characters revived a mention; a `- [x]` line quoted in a message ticked a box.
    Each, and later findings, replayed with every R-check and a re-render that must change nothing."""
    case = json.loads(path.read_text(encoding="utf-8"))
    suites = (make_suite(cases=(make_case(message=case["message"]),)),) if "message" in case else ()
    item = make_item(title=case["title"], evidence=Evidence(suites=suites, facts=tuple(case["facts"])))
    check_body(item)
    check_title_and_comments(item)
