"""The triggers that look at the run as a whole and at the workspace: a kind of suite or a scanner missing,
files missing from the checkout, coverage (policy/triggers.py documents them all)."""

from __future__ import annotations

from issueplan.model import RunReport, SuiteKind
from issueplan.policy.describe import describe_coverage, describe_least_covered, describe_search
from issueplan.policy.trigger_spec import CoverageBelow, NoScannerOutput, NoSuiteOfKind, WorkspaceLacks
from issueplan.policy.verdict import Observation, Reason, TriggerResult, Verdict
from issueplan.policy.workspace import matches_any


def _scanned(report: RunReport) -> bool:
    return bool(report.scans or report.findings)


def _fact(fired: bool, fact: str, reason: Reason) -> TriggerResult:
    if fired:
        return TriggerResult(Verdict.FIRED, facts=(fact,), reasons=(reason,))
    return TriggerResult(Verdict.FINE)


def no_suite_of(run: Observation, kinds: tuple[SuiteKind, ...]) -> TriggerResult:
    """`no_suite_of_kind` over several kinds: `security_framework` asks it of its `kinds`."""
    if not run.saw_suites:
        return TriggerResult(Verdict.UNKNOWN)
    present = any(suite.kind in kinds for suite in run.report.suites)
    fact = f"this run has no {' or '.join(kind.value for kind in kinds)} suite"
    return _fact(not present, fact, Reason.NO_SUITE_OF_KIND)


def no_suite_of_kind(run: Observation, params: NoSuiteOfKind) -> TriggerResult:
    """Fires when the run saw suites and none of the kind; unknown on a run that saw no suite at all."""
    return no_suite_of(run, (params.kind,))


def no_scanner_output(run: Observation, params: NoScannerOutput) -> TriggerResult:
    """Fires when the run read result files and none was a scanner's; unknown when it read none."""
    del params  # no parameters; the signature matches every other trigger
    if _scanned(run.report):
        return TriggerResult(Verdict.FINE)
    if not run.read_results:
        return TriggerResult(Verdict.UNKNOWN)
    return _fact(True, "this run has no scanner output (no SARIF or audit JSON)", Reason.NO_SCANNER_OUTPUT)


def workspace_lacks(run: Observation, params: WorkspaceLacks) -> TriggerResult:
    """Fires when a read workspace has no path matching any glob and no content signal is found; unknown
    when no workspace was read. The fact lists every pattern and string looked for."""
    if run.workspace is None or not run.read_workspace:
        return TriggerResult(Verdict.UNKNOWN)
    found = {match.probe: match for match in run.workspace.contents}
    by_content = [found.get(signal.key) for signal in params.contents]
    lacking = not matches_any(run.workspace.paths, params.globs) and not any(
        match is not None and match.path is not None for match in by_content
    )
    return _fact(lacking, describe_search(params, by_content), Reason.WORKSPACE_LACKS)


def coverage_below(run: Observation, params: CoverageBelow) -> TriggerResult:
    """Fires when the line rate is below the threshold; unknown without a coverage report or a threshold."""
    coverage = run.report.coverage
    if params.line_rate is None or coverage is None or coverage.line_rate is None:
        return TriggerResult(Verdict.UNKNOWN)
    fact = f"{describe_coverage(coverage)}, below the {params.line_rate:.1%} threshold"
    result = _fact(coverage.line_rate < params.line_rate, fact, Reason.COVERAGE_BELOW)
    least = describe_least_covered(coverage.files)
    return result._replace(facts=(*result.facts, least)) if result.fired and least else result
