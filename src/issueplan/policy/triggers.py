"""The closed set of triggers: plain functions of one run's observations and a trigger's parameters.

A trigger answers in three values: **fired** (the rule's item belongs in the plan), **fine** (its inputs were
observed this run and found healthy, so a sync may close the item) or **unknown** (its inputs were not
observed: absent is not fixed, so the item is left alone). Per-suite triggers also judge every suite on its
own, so a rule with an `id_prefix` makes one item per suite.

A suite *did not run* when it has no result files and no CI step outcome; every trigger treats it as unknown
unless the config declares it `required: true`, in which case its absence counts as "left no report" (on a
run that saw suites at all: see below).

**Absence needs an observation** (RELIABILITY I13). A trigger that fires because something is *missing* fires
only when the run observed the world that thing would live in; on a run that did not, it is unknown (neither
fired nor fine), so a mistyped results path can neither invent an item nor close one:

- *saw suites*: at least one result file yielded something (a test report, a scan, a finding, coverage) or
  a CI step outcome was given. `no_suite_of_kind`, a required suite's absence, and `security_framework`'s
  "no such suite" part need it.
- *read results*: at least one result file yielded something (step outcomes alone do not show which files
  a CI run produced). `no_scanner_output` and `security_framework`'s "no scanner output" part need it.
- *read a workspace*: a checkout was listed and held at least one file (`workspace_lacks`: CI config,
  monitoring, load-test scripts). An empty or absent folder is no checkout.

A file that could not be read (a Problem) yields nothing and is no observation.

**Unknown step outcomes are not success** (RELIABILITY S22). An item whose evidence rested on a CI step
outcome other than `success` (a suite failed because its step did, or was skipped or cancelled) records
those suites in its marker (`step_outcomes`, as `suite_digest`s); `build_plan` then counts the item as unknown, never fine, on
a run that was not told the outcome of each of them, whatever their reports say: a green report cannot tell
that the step itself now passes. An item filed from a report alone records nothing and closes on the report,
so runs without `--outcome` keep working.

| type | parameters | fires when | fine when |
| --- | --- | --- | --- |
| `suite_failed` | `kinds` | a suite's status is `failed` (a failing or erroring test, or step outcome `failure`) | each such suite wrote a report and passed |
| `suite_skipped_or_missing` | `kinds` | a suite was entirely skipped (or its step was), or it left no report | each such suite wrote a report that ran |
| `suite_without_report` | `kinds` | a suite's step ran (any outcome but `skipped`) and left no report | each such suite wrote a report |
| `findings_at_least` | `severity` (default: the config's `min_severity`), `category` (`security`, or `quality` for linters) | a scanner reports a finding of `category` at or above `severity` | a scanner looking for `category` ran and reports none |
| `findings_with_cwe` | `cwes` (default: the data-protection CWEs, `DATA_PROTECTION_CWES`), `what` | a security finding at or above `min_severity` has one of `cwes` | a security scanner ran and reports none |
| `no_suite_of_kind` | `kind` | the run saw suites and none of `kind` | it has one (unknown when it saw no suites) |
| `no_scanner_output` | | the run read results and no scanner (SARIF, audit JSON) ran | one did (unknown when it read no results) |
| `workspace_lacks` | `globs`, `what`, `contents` (each: `what`, `globs`, `contains`) | a workspace was read, no checkout path matches any glob, and no file of a content signal's globs contains one of its strings | one does (unknown when no workspace was read) |
| `coverage_below` | `line_rate` (0.0-1.0; unset: never judges) | the line rate is below `line_rate` | it is not (unknown without coverage or threshold) |
| `security_program` | `kinds` (security), `severity` (high) | any of: a suite of `kinds` failed or left no report; a finding at or above `severity` | all of those are fine |
| `security_framework` | `kinds` (security) | any of: a suite of `kinds` failed, was skipped or left no report; the run saw suites, read results, and has no such suite and no scanner output | all of those are fine |
| `flaky_tests` | `kinds`, `group_title`, `infrastructure_share` (0.8) | a test failed, then passed when run again: one item per test, one per suite with more than `group_flaky_over` of them (`issueplan.policy.flaky`) | a known flaky test's suite reported without it failing, flaking or being cut from the report |
| `any_of` | `triggers` | any listed trigger fires | every one is fine |
| `all_of` | `triggers` | every listed trigger fires | any one is fine (so it cannot fire) |

A per-suite trigger over no suite of its kinds is unknown: a suite that did not run may still exist. Globs
match relative POSIX paths, ignoring case: `*` and `?` stay within a folder, `**/` spans any number of them.

A fired result also says *why* (`Reason`): `suite_failed`, `suite_skipped`, `suite_without_report`,
`no_suite_of_kind`, `no_scanner_output`, `workspace_lacks`, `coverage_below`, one `finding_<severity>` per
severity among the matched findings, `no_security_testing` for `security_framework`'s "no security suite
and no scanner output", and `flaky_test` / `flaky_tests_grouped` for `flaky_tests`. Composites fire for the reasons of their parts that fired. A rule's
`priority_by_reason` maps reasons to priorities (README, Configuration).
"""  # noqa: E501 - a Markdown table's rows cannot wrap

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import assert_never

from issueplan.model import (
    Finding,
    FindingCategory,
    RunReport,
    Severity,
    StepOutcome,
    Suite,
    SuiteKind,
    SuiteStatus,
)
from issueplan.policy.describe import (
    describe_coverage,
    describe_findings,
    describe_least_covered,
    describe_search,
    describe_suite,
    finding_sort_key,
    list_findings,
    plural,
)
from issueplan.policy.flaky import flaky_tests
from issueplan.policy.trigger_spec import (
    AllOf,
    AnyOf,
    CoverageBelow,
    FindingsAtLeast,
    FindingsWithCwe,
    FlakyTests,
    NoScannerOutput,
    NoSuiteOfKind,
    SecurityFramework,
    SecurityProgram,
    SuiteFailed,
    SuiteSkippedOrMissing,
    SuiteWithoutReport,
    TriggerSpec,
    TriggerType,
    WorkspaceLacks,
)
from issueplan.policy.verdict import Observation, Reason, SuiteVerdict, TriggerResult, Verdict
from issueplan.policy.workspace import matches_any


def evaluate(spec: TriggerSpec, run: Observation, key: str = "") -> TriggerResult:  # noqa: PLR0911, PLR0912 - one case per type
    """Evaluate one trigger against one run; `key` is the rule's key, under which a per-subject trigger's
    subjects are keyed (and known to the tracker)."""
    match spec:
        case SuiteFailed():
            return suite_failed(run, spec)
        case SuiteSkippedOrMissing():
            return suite_skipped_or_missing(run, spec)
        case SuiteWithoutReport():
            return suite_without_report(run, spec)
        case FindingsAtLeast():
            return findings_at_least(run, spec)
        case FindingsWithCwe():
            return findings_with_cwe(run, spec)
        case NoSuiteOfKind():
            return no_suite_of_kind(run, spec)
        case NoScannerOutput():
            return no_scanner_output(run, spec)
        case WorkspaceLacks():
            return workspace_lacks(run, spec)
        case CoverageBelow():
            return coverage_below(run, spec)
        case SecurityProgram():
            return security_program(run, spec)
        case SecurityFramework():
            return security_framework(run, spec)
        case FlakyTests():
            return flaky_tests(run, spec, key)
        case AnyOf():
            return any_of(tuple(evaluate(child, run) for child in spec.triggers))
        case AllOf():
            return all_of(tuple(evaluate(child, run) for child in spec.triggers))
        case _:
            assert_never(spec)


# --- suites ------------------------------------------------------------------------------------------------


def _did_not_run(suite: Suite, run: Observation) -> bool:
    # A required suite's absence is evidence only on a run that saw suites at all (I13).
    required = suite.name in run.required_suites and run.saw_suites
    ran = suite.has_report or suite.outcome is not None or suite.status is SuiteStatus.FAILED
    return not ran and not required


def _left_no_report(suite: Suite, run: Observation) -> bool:
    return not suite.has_report and suite.outcome is not StepOutcome.SKIPPED and not _did_not_run(suite, run)


def _was_skipped(suite: Suite) -> bool:
    return suite.status is SuiteStatus.SKIPPED or suite.outcome is StepOutcome.SKIPPED


def _ordered(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    wanted = set(reasons)
    return tuple(reason for reason in Reason if reason in wanted)


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
        reasons=_ordered(reason_of(suite) for suite in fired),
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


# --- findings ----------------------------------------------------------------------------------------------


def _scanned(report: RunReport) -> bool:
    return bool(report.scans or report.findings)


def _scanned_for(report: RunReport, category: FindingCategory) -> bool:
    """Whether a scanner that looks for `category` ran: a clean linter run says nothing about security."""
    return any(category in scan.categories for scan in report.scans) or any(
        finding.category is category for finding in report.findings
    )


def _findings_result(
    run: Observation, matched: list[Finding], facts: list[str], category: FindingCategory
) -> TriggerResult:
    ordered = tuple(sorted(matched, key=finding_sort_key))
    if ordered:
        reasons = _ordered(Reason.of_severity(finding.severity) for finding in ordered)
        return TriggerResult(Verdict.FIRED, findings=ordered, facts=tuple(facts), reasons=reasons)
    return TriggerResult(Verdict.FINE if _scanned_for(run.report, category) else Verdict.UNKNOWN)


def findings_at_least(run: Observation, params: FindingsAtLeast) -> TriggerResult:
    """Fires when any finding of the category is at or above the threshold; one item for all of them."""
    threshold = params.severity or run.min_severity
    counted = [finding for finding in run.report.findings if finding.category is params.category]
    matched = [finding for finding in counted if finding.severity.at_least(threshold)]
    qualifier = (
        "" if threshold in {Severity.LOW, Severity.INFO} else f" of {threshold.value} severity or above"
    )
    if params.category is FindingCategory.QUALITY:
        qualifier = f" of code quality{qualifier}"
    facts = [describe_findings(tuple(matched), qualifier), f"most severe: {list_findings(tuple(matched))}"]
    below = len(counted) - len(matched)
    if below and qualifier == "":
        facts.append(f"{below} more below the minimum severity ({threshold.value}) are not counted")
    return _findings_result(run, matched, facts, params.category)


def findings_with_cwe(run: Observation, params: FindingsWithCwe) -> TriggerResult:
    """Fires when a security finding at or above the config's min_severity carries one of the listed CWEs."""
    wanted = set(params.cwes)
    matched = [
        finding
        for finding in run.report.findings
        if finding.category is FindingCategory.SECURITY
        and finding.severity.at_least(run.min_severity)
        and wanted.intersection(finding.cwe)
    ]
    cwes = sorted({cwe for finding in matched for cwe in finding.cwe if cwe in wanted})
    names = ", ".join(f"CWE-{cwe}" for cwe in cwes)
    facts = [
        f"{plural(len(matched), 'finding')} with a {params.what} ({names}): {list_findings(tuple(matched))}"
    ]
    return _findings_result(run, matched, facts, FindingCategory.SECURITY)


# --- the run and the workspace -----------------------------------------------------------------------------


def _fact(fired: bool, fact: str, reason: Reason) -> TriggerResult:
    if fired:
        return TriggerResult(Verdict.FIRED, facts=(fact,), reasons=(reason,))
    return TriggerResult(Verdict.FINE)


def _no_suite_of(run: Observation, kinds: tuple[SuiteKind, ...]) -> TriggerResult:
    if not run.saw_suites:
        return TriggerResult(Verdict.UNKNOWN)
    present = any(suite.kind in kinds for suite in run.report.suites)
    fact = f"this run has no {' or '.join(kind.value for kind in kinds)} suite"
    return _fact(not present, fact, Reason.NO_SUITE_OF_KIND)


def no_suite_of_kind(run: Observation, params: NoSuiteOfKind) -> TriggerResult:
    """Fires when the run saw suites and none of the kind; unknown on a run that saw no suite at all."""
    return _no_suite_of(run, (params.kind,))


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
    return replace(result, facts=(*result.facts, least)) if result.fired and least else result


# --- composites --------------------------------------------------------------------------------------------


def _merge(verdict: Verdict, parts: tuple[TriggerResult, ...]) -> TriggerResult:
    if verdict is not Verdict.FIRED:
        return TriggerResult(verdict)
    fired = [part for part in parts if part.fired]
    suites = dict(sorted({suite.name: suite for part in fired for suite in part.suites}.items()))
    findings = {finding.fingerprint: finding for part in fired for finding in part.findings}
    return TriggerResult(
        verdict,
        suites=tuple(suites.values()),
        findings=tuple(sorted(findings.values(), key=finding_sort_key)),
        facts=tuple(dict.fromkeys(fact for part in fired for fact in part.facts)),
        reasons=_ordered(reason for part in fired for reason in part.reasons),
    )


def any_of(parts: tuple[TriggerResult, ...]) -> TriggerResult:
    """Fires if any part fires; fine only if every part is fine."""
    if any(part.fired for part in parts):
        return _merge(Verdict.FIRED, parts)
    return TriggerResult(Verdict.FINE if all(p.verdict is Verdict.FINE for p in parts) else Verdict.UNKNOWN)


def all_of(parts: tuple[TriggerResult, ...]) -> TriggerResult:
    """Fires if every part fires; fine as soon as one part is fine (it cannot fire then)."""
    if all(part.fired for part in parts):
        return _merge(Verdict.FIRED, parts)
    return TriggerResult(Verdict.FINE if any(p.verdict is Verdict.FINE for p in parts) else Verdict.UNKNOWN)


def security_program(run: Observation, params: SecurityProgram) -> TriggerResult:
    """A security suite failed or left no report, or a finding is at or above `severity` (high)."""
    return any_of(
        (
            suite_failed(run, SuiteFailed(type=TriggerType.SUITE_FAILED, kinds=params.kinds)),
            suite_without_report(
                run, SuiteWithoutReport(type=TriggerType.SUITE_WITHOUT_REPORT, kinds=params.kinds)
            ),
            findings_at_least(
                run, FindingsAtLeast(type=TriggerType.FINDINGS_AT_LEAST, severity=params.severity)
            ),
        )
    )


def security_framework(run: Observation, params: SecurityFramework) -> TriggerResult:
    """A security suite failed, was skipped or left no report; or no such suite and no scanner output."""
    missing = SuiteSkippedOrMissing(type=TriggerType.SUITE_SKIPPED_OR_MISSING, kinds=params.kinds)
    no_scans = NoScannerOutput(type=TriggerType.NO_SCANNER_OUTPUT)
    untested = all_of((_no_suite_of(run, params.kinds), no_scanner_output(run, no_scans)))
    if untested.fired:  # one reason for the whole case, so a rule can rank it apart from a failing suite
        untested = replace(untested, reasons=(Reason.NO_SECURITY_TESTING,))
    return any_of(
        (
            suite_failed(run, SuiteFailed(type=TriggerType.SUITE_FAILED, kinds=params.kinds)),
            suite_skipped_or_missing(run, missing),
            untested,
        )
    )
