"""checked_findings: Findings from values a reader checked are the Findings validation makes of them."""

from __future__ import annotations

from typing import Any

import pytest

from issueplan.model import Finding, FindingCategory, Severity, checked_findings

SET = {
    "tool": "CodeQL",
    "tool_version": None,
    "rule_id": "py/sql-injection",
    "rule_name": "SqlInjection",
    "severity": Severity.HIGH,
    "cwe": (89,),
    "message": "query built from user input",
    "path": "app/db.py",
    "line": 12,
    "fingerprint": "0" * 32,
    "advisory": "https://codeql.github.com/py/sql-injection",
    "category": FindingCategory.SECURITY,
    "rule_help": None,
}


def _row(**changes: Any) -> dict[str, object]:
    """Every field in the model's order: SET's values, the defaults elsewhere."""
    values = {**SET, **changes}
    return {name: values.get(name, field.default) for name, field in Finding.model_fields.items()}


def test_checked_findings_equal_validated_ones_to_the_fields_set() -> None:
    rows = [_row(), _row(line=None, path=None, cwe=(), severity=Severity.LOW, rule_help="Use parameters.")]
    for checked, row in zip(checked_findings(rows, SET), rows, strict=True):
        validated = Finding(**{name: row[name] for name in SET})
        assert checked == validated
        assert checked.model_fields_set == validated.model_fields_set
        assert list(checked.__dict__) == list(validated.__dict__)  # the same repr, field by field
        assert repr(checked) == repr(validated)
        assert checked.model_dump_json() == validated.model_dump_json()


def test_a_checked_finding_is_frozen_and_copies_like_a_validated_one() -> None:
    first, second = checked_findings([_row(), _row(line=3)], SET)
    with pytest.raises(ValueError, match="frozen"):
        first.line = 5  # type: ignore[misc]
    moved = first.model_copy(update={"package": "django"})
    assert (moved.package, moved.line) == ("django", 12)
    assert "package" in moved.model_fields_set
    assert "package" not in first.model_fields_set | second.model_fields_set  # the copy has its own set


@pytest.mark.parametrize(
    ("rows", "named"),
    [
        ([dict(reversed(_row().items()))], SET),  # every field, out of order
        ([{name: value for name, value in _row().items() if name != "path"}], SET),
        ([_row()], {*SET, "severity_score"}),
    ],
)
def test_a_row_that_is_not_a_findings_fields_is_refused(
    rows: list[dict[str, object]], named: set[str]
) -> None:
    with pytest.raises(ValueError, match="Finding"):
        checked_findings(rows, named)
