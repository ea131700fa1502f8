"""What the flaky-test triggers (policy/flaky.py, policy/flips.py) share about a suite's cases: the test
key, the infrastructure rule, whether a report lists every non-passing test, a case's failure in words."""

from __future__ import annotations

import hashlib

from issueplan.model import Case, CaseOutcome, Suite
from issueplan.policy.describe import case_label

TEST_KEY_CHARS = 200  # longer test names are cut, with a digest of the whole name, in the key
FACT_CHARS = 160  # of a message in a fact; the evidence shows it in full


def test_key(case: Case) -> str:
    """The test's part of the key: `pkg.Class.test_name`, cut (with a digest) when very long."""
    label = case_label(case)
    if len(label) <= TEST_KEY_CHARS:
        return label
    digest = hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{label[: TEST_KEY_CHARS - 18]}…{digest}"


def too_many_failed(failed: int, tests: int, share: float) -> bool:
    """More than `share` of `tests` failed or errored: the run, not a test, is what broke."""
    return tests > 0 and failed > share * tests


def infrastructure_failure(suite: Suite, share: float) -> bool:
    """More than `share` of the suite's tests failed or errored (an infrastructure failure)."""
    return too_many_failed(suite.failures + suite.errors, suite.tests, share)


def lists_every_case(suite: Suite) -> bool:
    """The report lists every test that did not pass (no case cap cut some): the others passed."""
    not_passing = suite.failures + suite.errors + suite.skipped + suite.flaky
    return len(suite.cases) >= not_passing


def failing_cases(suite: Suite) -> dict[str, Case]:
    """The suite's failed or erroring cases by test key, in key order (one per test)."""
    found: dict[str, Case] = {}
    for case in suite.cases:
        if case.outcome in {CaseOutcome.FAILED, CaseOutcome.ERROR}:
            found.setdefault(test_key(case), case)
    return dict(sorted(found.items()))


def what_failed(case: Case) -> str:
    """`: the message's first line (file:line)`, each part where the report has it, for a fact."""
    message = case.message.strip().splitlines()[0] if case.message.strip() else case.type
    if len(message) > FACT_CHARS:
        message = message[: FACT_CHARS - 1] + "…"
    where = f" ({case.file}{f':{case.line}' if case.line else ''})" if case.file else ""
    said = f": {message}" if message else ""
    return f"{said}{where}"
