"""Every row of RELIABILITY.md (I1-I9, R1-R7, S1-S16) is proven by at least one test naming its id."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROWS = [f"I{n}" for n in range(1, 10)] + [f"R{n}" for n in range(1, 8)] + [f"S{n}" for n in range(1, 17)]


def _rows_in(reliability: Path) -> list[str]:
    return re.findall(r"^\| ([IRS]\d+) \|", reliability.read_text(encoding="utf-8"), flags=re.MULTILINE)


@cache
def _ids_named_by_tests() -> frozenset[str]:
    found: set[str] = set()
    pattern = re.compile(r"\b([IRS]\d{1,2})\b")
    for path in TESTS.rglob("test_*.py"):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        # only ids that appear in a test function's name or in a docstring/comment right after a def
        for block in re.findall(
            r"def (test_\w+)\([^)]*\)[^:]*:\s*(?:\"\"\"(.*?)\"\"\")?", text, flags=re.DOTALL
        ):
            name, doc = block
            found.update(m.upper() for m in re.findall(r"(?:^|_)([irs]\d{1,2})(?=_|$)", name))
            found.update(pattern.findall(doc or ""))
    return frozenset(found)


def test_the_matrix_lists_the_rows_we_check(shared_dir: Path) -> None:
    """The row list here is RELIABILITY.md's: a new row there must be proven here too."""
    assert _rows_in(shared_dir / "RELIABILITY.md") == ROWS


@pytest.mark.parametrize("row", ROWS)
def test_every_reliability_row_has_a_test(row: str) -> None:
    assert row in _ids_named_by_tests(), f"no test names RELIABILITY.md row {row} in its name or docstring"
