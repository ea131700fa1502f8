"""UpdateIssue.describe() says what changed: labels added and removed, the body's headline facts."""

from __future__ import annotations

from issueplan.render.body_change import describe_body_change
from issueplan.tracker.changes import UpdateIssue


def test_an_update_names_the_labels_it_adds_and_removes_and_what_the_body_now_says() -> None:
    update = UpdateIssue(
        number=6,
        key="suite-failed/unit_tests",
        id="BUG-003",
        body="new",
        labels=("issueplan", "priority: high"),
        old_labels=("issueplan", "priority: critical"),
        body_change="3 → 1 failing tests",
    )
    assert update.describe() == (
        "update issue #6 (BUG-003): labels +priority: high \u2212priority: critical; "
        "body: 3 → 1 failing tests"
    )
    plain = UpdateIssue(number=6, key="k", id="BUG-003", body="new", milestone="High priority action items")
    assert plain.describe() == "update issue #6 (BUG-003): body; milestone → 'High priority action items'"


def test_the_body_change_is_read_from_the_headlines_of_both_bodies() -> None:
    old = (
        "- **Due date**: 2025-08-23\n\n"
        "**Suite `unit_tests`** (unit): failed; 128 tests: 3 failures, 1 error, 4 skipped, 0 flaky.\n"
        "**Findings**: 81 findings in 1 group (code scanners by tool and rule).\n"
    )
    new = (
        "- **Due date**: 2025-08-30\n\n"
        "**Suite `unit_tests`** (unit): failed; 128 tests: 1 failure, 0 errors, 4 skipped, 0 flaky.\n"
        "_These 2 findings are listed in full in BUG-005: see that issue._\n"
    )
    assert (
        describe_body_change(old, new) == "4 → 1 failing tests; 81 → 2 findings; due 2025-08-23 → 2025-08-30"
    )
    assert describe_body_change(old, old.replace("unit)", "unit) ")) is None
