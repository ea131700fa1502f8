"""Models made from values a reader has already checked, without validating them again.

pydantic validates every field of every model it makes; for values a reader took from a file and checked
itself (a str where a str goes, an int, the enum member), that second look finds nothing and costs as much as
reading them did: a report tree is thousands of small files, each one FileResult and TestTotals, and each
failing test one Case. What these functions make is what validation makes of the same values, to the fields
set (`model_fields_set`): tests/model/test_checked_models.py holds them equal, field by field, on hostile
values. `report.checked_findings` does the same for SARIF's findings.
"""

from __future__ import annotations

from typing import TypeVar

from issueplan.model.base import CaseOutcome, Frozen, set_dict, set_extra, set_fields_set, set_private
from issueplan.model.report import Case, FileResult, Problem, TestTotals

_Model = TypeVar("_Model", bound=Frozen)
_CASE_FIELDS = set(Case.model_fields)
_TOTALS_FIELDS = set(TestTotals.model_fields)
_TEST_RESULT_FIELDS = {"file", "format", "totals", "cases", "problems"}
_new = object.__new__


def _checked(model: type[_Model], row: dict[str, object], named: set[str]) -> _Model:
    """What pydantic's own model_construct sets, without its per-call work; `row` holds every field in the
    model's order, `named` is its fields set (shared: a frozen model's never changes, a copy gets its own)."""
    made = _new(model)
    # BaseModel's slots through their descriptors (model/base.py): object.__setattr__ would look each up
    # again, twice what the rest of a model costs (a tree makes two or three per file)
    set_dict(made, row)
    set_fields_set(made, named)
    set_extra(made, None)
    set_private(made, None)
    return made


def checked_case(
    classname: str,
    name: str,
    file: str | None,
    line: int | None,
    outcome: CaseOutcome,
    message: str,
    type_: str,
    trace: str,
    path_known: bool,
) -> Case:
    """The Case that `Case(...)` with every field named makes of these values."""
    row: dict[str, object] = {
        "classname": classname,
        "name": name,
        "file": file,
        "line": line,
        "outcome": outcome,
        "message": message,
        "type": type_,
        "trace": trace,
        "path_known": path_known,
    }
    return _checked(Case, row, _CASE_FIELDS)


def checked_totals(
    tests: int, failures: int, errors: int, skipped: int, flaky: int, duration: float
) -> TestTotals:
    """The TestTotals that validation makes of these counts and duration, every field named."""
    row: dict[str, object] = {
        "tests": tests,
        "failures": failures,
        "errors": errors,
        "skipped": skipped,
        "flaky": flaky,
        "duration": duration,
    }
    return _checked(TestTotals, row, _TOTALS_FIELDS)


def checked_test_result(
    file: str, fmt: str, totals: TestTotals, cases: tuple[Case, ...], problems: tuple[Problem, ...]
) -> FileResult:
    """The FileResult that `FileResult(file=, format=, totals=, cases=, problems=)` makes of a test report's
    values."""
    row: dict[str, object] = {
        "file": file,
        "format": fmt,
        "totals": totals,
        "cases": cases,
        "findings": (),
        "scans": (),
        "coverage": None,
        "problems": problems,
        "recognised": True,
        "source_roots": (),
    }
    return _checked(FileResult, row, _TEST_RESULT_FIELDS)
