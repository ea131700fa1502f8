"""Every row of RELIABILITY.md (I1-I14, R1-R10, S1-S24) is proven by at least one test naming its id.

The rows are read from the project's copy, docs/RELIABILITY.md; where ../shared is present, that copy must
equal the original, so a row added there reaches this check."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
RELIABILITY = TESTS.parent / "docs" / "RELIABILITY.md"
ROWS = [f"I{n}" for n in range(1, 15)] + [f"R{n}" for n in range(1, 11)] + [f"S{n}" for n in range(1, 25)]


def _rows_in(reliability: Path) -> list[str]:
    return re.findall(r"^\| ([IRS]\d+) \|", reliability.read_text(encoding="utf-8"), flags=re.MULTILINE)


def ids_named_in(text: str) -> set[str]:
    """The row ids a test module's text proves: in a test function's name (`test_s17_…`) or in the docstring
    right after its `def`; an id anywhere else (a comment, a helper) proves nothing."""
    found: set[str] = set()
    for name, doc in re.findall(
        r"def (test_\w+)\([^)]*\)[^:]*:\s*(?:\"\"\"(.*?)\"\"\")?", text, flags=re.DOTALL
    ):
        found.update(m.upper() for m in re.findall(r"(?:^|_)([irs]\d{1,2})(?=_|$)", name))
        found.update(re.findall(r"\b([IRS]\d{1,2})\b", doc or ""))
    return found


@cache
def _ids_named_by_tests() -> frozenset[str]:
    found: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        if path.name != Path(__file__).name:
            found |= ids_named_in(path.read_text(encoding="utf-8"))
    return frozenset(found)


def test_the_matrix_lists_the_rows_we_check() -> None:
    """The row list here is RELIABILITY.md's: a new row there must be proven here too."""
    assert _rows_in(RELIABILITY) == ROWS


def test_the_projects_copy_of_reliability_md_is_the_shared_one(shared_dir: Path) -> None:
    assert RELIABILITY.read_text(encoding="utf-8") == (shared_dir / "RELIABILITY.md").read_text(
        encoding="utf-8"
    ), "docs/RELIABILITY.md differs from ../shared/RELIABILITY.md: copy it over"


def test_a_row_whose_test_is_removed_or_only_mentioned_is_unproven() -> None:
    module = '''
def test_s17_every_write_fails(fake_github: FakeGitHub) -> None:
    assert True


def test_budget_stop(tmp_path: Path) -> None:
    """S16: stops cleanly; I10 and R9 too."""


def helper() -> None:
    """S19 is not proven by a helper."""  # nor by a comment naming S20
'''
    assert ids_named_in(module) == {"S17", "S16", "I10", "R9"}
    without_s17 = module.replace("def test_s17_every_write_fails", "def test_every_write_fails")
    assert "S17" not in ids_named_in(without_s17)


@pytest.mark.parametrize("row", ROWS)
def test_every_reliability_row_has_a_test(row: str) -> None:
    assert row in _ids_named_by_tests(), f"no test names RELIABILITY.md row {row} in its name or docstring"
