"""checked_case, checked_totals, checked_test_result: the models validation makes of the same values."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issueplan import model
from issueplan.model import (
    READ_CAP,
    Case,
    CaseOutcome,
    FileResult,
    Problem,
    checked_case,
    checked_test_result,
    checked_totals,
)

# What a report may hold: control characters, markup, paths, marks, long texts, any code point but the lone
# surrogates no XML parser gives.
texts = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "\x00\x1b[31m", "@everyone #123", "C:\\a\\r\\r\\x.cs", "a" * (READ_CAP + 5)]),
)
lines = st.one_of(st.none(), st.integers(1, 2**63))


def same(checked: Any, validated: Any) -> None:
    """Equal as the rest of issueplan sees models: value, fields set, field order, repr and JSON."""
    assert checked == validated
    assert checked.model_fields_set == validated.model_fields_set
    assert list(checked.__dict__) == list(validated.__dict__)
    assert repr(checked) == repr(validated)
    assert checked.model_dump_json() == validated.model_dump_json()
    assert checked.model_dump() == validated.model_dump()


@given(
    st.tuples(texts, texts, st.one_of(st.none(), texts), lines),
    st.sampled_from(CaseOutcome),
    st.tuples(texts, texts, texts),
    st.booleans(),
)
def test_a_checked_case_is_the_validated_case(
    names: tuple[str, str, str | None, int | None],
    outcome: CaseOutcome,
    texts_: tuple[str, str, str],
    path_known: bool,
) -> None:
    classname, name, file, line = names
    message, kind, trace = texts_
    validated = Case(
        classname=classname,
        name=name,
        file=file,
        line=line,
        outcome=outcome,
        message=message,
        type=kind,
        trace=trace,
        path_known=path_known,
    )
    same(checked_case(classname, name, file, line, outcome, message, kind, trace, path_known), validated)


@given(
    st.lists(st.integers(0, 2**40), min_size=5, max_size=5),
    st.floats(min_value=0, allow_infinity=False),
    st.lists(st.tuples(texts, st.sampled_from(CaseOutcome)), max_size=3),
    st.lists(st.tuples(texts, lines), max_size=2),
)
def test_checked_totals_and_results_are_the_validated_ones(
    counts: list[int],
    duration: float,
    cases: list[tuple[str, CaseOutcome]],
    problems: list[tuple[str, int | None]],
) -> None:
    tests, failures, errors, skipped, flaky = counts
    totals = model.TestTotals(
        tests=tests, failures=failures, errors=errors, skipped=skipped, flaky=flaky, duration=duration
    )
    same(checked_totals(tests, failures, errors, skipped, flaky, duration), totals)
    kept = tuple(Case(name=name, outcome=outcome) for name, outcome in cases)
    found = tuple(Problem(file="r.xml", line=line, message=message) for message, line in problems)
    validated = FileResult(file="r.xml", format="junit", totals=totals, cases=kept, problems=found)
    same(checked_test_result("r.xml", "junit", totals, kept, found), validated)


def test_a_checked_model_is_frozen_and_copies_like_a_validated_one() -> None:
    case = checked_case("pkg.A", "test_a", None, None, CaseOutcome.FAILED, "boom", "E", "trace", True)
    with pytest.raises(ValueError, match="frozen"):
        case.name = "other"  # type: ignore[misc]
    flaky = case.model_copy(update={"outcome": CaseOutcome.FLAKY})
    assert (flaky.outcome, flaky.name, case.outcome) == (CaseOutcome.FLAKY, "test_a", CaseOutcome.FAILED)
    result = checked_test_result("r.xml", "junit", checked_totals(1, 1, 0, 0, 0, 0.5), (case,), ())
    moved = result.model_copy(update={"cases": (flaky,)})
    assert moved.cases == (flaky,)
    assert result.cases == (case,)
    assert "source_roots" not in result.model_dump()  # the serializer of FileResult runs as for any other
