"""The triggers that judge suites one by one: failed, skipped or missing, without a report.

policy/triggers.py documents them all."""

from __future__ import annotations

from collections.abc import Callable

from issueplan.model import StepOutcome, Suite, SuiteKind, SuiteStatus
from issueplan.policy.describe import describe_suite
from issueplan.policy.trigger_spec import SuiteFailed, SuiteSkippedOrMissing, SuiteWithoutReport
from issueplan.policy.verdict import Observation, Reason, SuiteVerdict, TriggerResult, Verdict


def _did_not_run(suite: Suite, run: Observation) -> bool:
    # A required suite's absence is evidence only on a run that saw suites at all (I13).
    required = suite.name in run.required_suites and run.saw_suites
    ran = suite.has_report or suite.outcome is not None or suite.status is SuiteStatus.FAILED
    return not ran and not required


def _left_no_report(suite: Suite, run: Observation) -> bool:
    return not suite.has_report and suite.outcome is not StepOutcome.SKIPPED and not _did_not_run(suite, run)


def _was_skipped(suite: Suite) -> bool:
    return suite.status is SuiteStatus.SKIPPED or suite.outcome is StepOutcome.SKIPPED


def _per_suite(
    kinds: tuple[SuiteKind, ...],
    verdicts: tuple[SuiteVerdict, ...],
    reason_of: Callable[[Suite], Reason] = lambda _suite: Reason.SUITE_FAILED,
) -> TriggerResult:
    relevant = tuple(judged for judged in verdicts if not kinds or judged.suite.kind in kinds)
    # Evidence by name: reordering declared suites must not rewrite an item's text (no needless issue edit).
    fired = tuple(
        sorted((j.suite for j in relevant if j.verdict is Verdict.FIRED), key=lambda suite: suite.name)
    )
    if fired:
        verdict = Verdict.FIRED
    elif relevant and all(judged.verdict is Verdict.FINE for judged in relevant):
        verdict = Verdict.FINE
    else:
        verdict = Verdict.UNKNOWN
    return TriggerResult(
        verdict,
        relevant,
        fired,
        facts=tuple(describe_suite(suite) for suite in fired),
        reasons=Reason.in_order(reason_of(suite) for suite in fired),
    )


def suite_failed(run: Observation, params: SuiteFailed) -> TriggerResult:
    """Fires per suite whose status is failed; fine for a suite that wrote a report and passed."""

    def judge(suite: Suite) -> Verdict:
        if suite.status is SuiteStatus.FAILED:
            return Verdict.FIRED
        if suite.has_report and suite.status is SuiteStatus.PASSED:
            return Verdict.FINE
        return Verdict.UNKNOWN

    judged = tuple(SuiteVerdict(suite, judge(suite)) for suite in run.report.suites)
    return _per_suite(params.kinds, judged)


def suite_skipped_or_missing(run: Observation, params: SuiteSkippedOrMissing) -> TriggerResult:
    """Fires per suite that was entirely skipped or left no report; fine once it wrote a report that ran."""

    def judge(suite: Suite) -> Verdict:
        if _did_not_run(suite, run):
            return Verdict.UNKNOWN
        if _was_skipped(suite) or _left_no_report(suite, run):
            return Verdict.FIRED
        return Verdict.FINE

    def reason_of(suite: Suite) -> Reason:
        return Reason.SUITE_SKIPPED if _was_skipped(suite) else Reason.SUITE_WITHOUT_REPORT

    judged = tuple(SuiteVerdict(suite, judge(suite)) for suite in run.report.suites)
    return _per_suite(params.kinds, judged, reason_of)


def suite_without_report(run: Observation, params: SuiteWithoutReport) -> TriggerResult:
    """Fires per suite whose step ran but wrote no report; a skipped step is not judged here."""

    def judge(suite: Suite) -> Verdict:
        if suite.has_report:
            return Verdict.FINE
        return Verdict.FIRED if _left_no_report(suite, run) else Verdict.UNKNOWN

    judged = tuple(SuiteVerdict(suite, judge(suite)) for suite in run.report.suites)
    return _per_suite(params.kinds, judged, lambda _suite: Reason.SUITE_WITHOUT_REPORT)
