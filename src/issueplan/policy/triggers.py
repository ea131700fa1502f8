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
| `flaky_tests` | `kinds`, `group_title`, `infrastructure_share` (0.8) | a test failed, then passed when run again, or flipped between runs of one commit (`issueplan.policy.flips`): one item per test, one per suite with more than `group_flaky_over` of them (`issueplan.policy.flaky`) | a known flaky test's suite reported without it failing, flaking or being cut from the report |
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

from typing import assert_never

from issueplan.policy.describe import finding_sort_key
from issueplan.policy.finding_triggers import findings_at_least, findings_with_cwe
from issueplan.policy.flaky import flaky_tests
from issueplan.policy.suite_triggers import suite_failed, suite_skipped_or_missing, suite_without_report
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
from issueplan.policy.verdict import Observation, Reason, TriggerResult, Verdict
from issueplan.policy.workspace_triggers import (
    coverage_below,
    no_scanner_output,
    no_suite_of,
    no_suite_of_kind,
    workspace_lacks,
)


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
        reasons=Reason.in_order(reason for part in fired for reason in part.reasons),
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
    untested = all_of((no_suite_of(run, params.kinds), no_scanner_output(run, no_scans)))
    if untested.fired:  # one reason for the whole case, so a rule can rank it apart from a failing suite
        untested = untested._replace(reasons=(Reason.NO_SECURITY_TESTING,))
    return any_of(
        (
            suite_failed(run, SuiteFailed(type=TriggerType.SUITE_FAILED, kinds=params.kinds)),
            suite_skipped_or_missing(run, missing),
            untested,
        )
    )
