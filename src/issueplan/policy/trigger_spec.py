"""The parameters of each trigger: one small model per trigger type, a discriminated union on `type`.

The set is closed on purpose: a config names a trigger and fills in its parameters; it never writes an
expression.
What each trigger means is documented in `issueplan.policy.triggers`.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator

from issueplan.model import FindingCategory, Frozen, Severity, SuiteKind
from issueplan.naming import check_template

# The data-protection weaknesses (CWE ids): exposure, weak or missing crypto, cleartext or hard-coded secrets.
DATA_PROTECTION_CWES: tuple[int, ...] = (
    200, 209, 256, 259, 260, 311, 312, 313, 315, 319, 321, 326, 327, 328, 359, 522, 532, 798, 916,
)  # fmt: skip


class TriggerType(StrEnum):
    SUITE_FAILED = "suite_failed"
    SUITE_SKIPPED_OR_MISSING = "suite_skipped_or_missing"
    SUITE_WITHOUT_REPORT = "suite_without_report"
    FINDINGS_AT_LEAST = "findings_at_least"
    FINDINGS_WITH_CWE = "findings_with_cwe"
    NO_SUITE_OF_KIND = "no_suite_of_kind"
    NO_SCANNER_OUTPUT = "no_scanner_output"
    WORKSPACE_LACKS = "workspace_lacks"
    COVERAGE_BELOW = "coverage_below"
    SECURITY_PROGRAM = "security_program"
    SECURITY_FRAMEWORK = "security_framework"
    FLAKY_TESTS = "flaky_tests"
    ANY_OF = "any_of"
    ALL_OF = "all_of"


Kinds = Annotated[
    tuple[SuiteKind, ...], Field(description="Only suites of these kinds count; empty means every kind.")
]


class SuiteFailed(Frozen):
    type: Literal[TriggerType.SUITE_FAILED]
    kinds: Kinds = ()


class SuiteSkippedOrMissing(Frozen):
    type: Literal[TriggerType.SUITE_SKIPPED_OR_MISSING]
    kinds: Kinds = ()


class SuiteWithoutReport(Frozen):
    type: Literal[TriggerType.SUITE_WITHOUT_REPORT]
    kinds: Kinds = ()


class FindingsAtLeast(Frozen):
    type: Literal[TriggerType.FINDINGS_AT_LEAST]
    severity: Severity | None = Field(
        default=None, description="Threshold; unset means the config's min_severity."
    )
    category: FindingCategory = Field(
        default=FindingCategory.SECURITY,
        description="Which findings count: security ones (default) or code-quality ones (linters).",
    )


class FindingsWithCwe(Frozen):
    type: Literal[TriggerType.FINDINGS_WITH_CWE]
    cwes: tuple[int, ...] = Field(default=DATA_PROTECTION_CWES, min_length=1)
    what: str = Field(default="data-protection weakness", description="How facts name a matching CWE.")


class NoSuiteOfKind(Frozen):
    type: Literal[TriggerType.NO_SUITE_OF_KIND]
    kind: SuiteKind


class NoScannerOutput(Frozen):
    type: Literal[TriggerType.NO_SCANNER_OUTPUT]


class ContentSignal(Frozen):
    """A tool recognised by what its files say where their names do not tell, e.g. a k6 script is any
    `.js` file that imports `k6/http`. Only small files are read, and a bounded number of them
    (`issueplan.policy.workspace`); strings are matched as written (case matters), no expression."""

    what: str = Field(min_length=1, description="How facts name the tool, e.g. `k6 script`.")
    globs: tuple[str, ...] = Field(
        min_length=1, description="The files to look into, most telling first (manifests before code)."
    )
    contains: tuple[str, ...] = Field(
        min_length=1, description="The file shows the tool when it contains any of these strings."
    )

    @property
    def key(self) -> str:
        """The probe's identity in Workspace.contents: the same files and strings are the same probe."""
        return "\0".join(("globs", *self.globs, "contains", *self.contains))


class WorkspaceLacks(Frozen):
    type: Literal[TriggerType.WORKSPACE_LACKS]
    globs: tuple[str, ...] = Field(
        min_length=1, description="Patterns over checkout paths; `**/` spans folders."
    )
    what: str = Field(default="matching file", description="How facts name what is missing.")
    contents: tuple[ContentSignal, ...] = Field(
        default=(), description="Tools recognised by their files' content where their names do not tell."
    )


class CoverageBelow(Frozen):
    type: Literal[TriggerType.COVERAGE_BELOW]
    line_rate: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Fires when the line rate is below this (0.0-1.0); unset, the trigger never judges.",
    )


class SecurityProgram(Frozen):
    type: Literal[TriggerType.SECURITY_PROGRAM]
    kinds: Kinds = (SuiteKind.SECURITY,)
    severity: Severity = Severity.HIGH


class SecurityFramework(Frozen):
    type: Literal[TriggerType.SECURITY_FRAMEWORK]
    kinds: Kinds = (SuiteKind.SECURITY,)


class FlakyTests(Frozen):
    """One item per test that failed and then passed when run again (`issueplan.policy.flaky`)."""

    type: Literal[TriggerType.FLAKY_TESTS]
    kinds: Kinds = ()
    group_title: str = Field(
        default="Flaky: tests of the {suite} suite",
        min_length=1,
        description="The title of a suite's grouped item (more than the config's `group_flaky_over` flaky "
        "tests); may use {suite}, {suite_title} and {kind}.",
    )
    infrastructure_share: float = Field(
        default=0.8,
        gt=0.0,
        le=1.0,
        description="A suite in which more than this share of the tests failed or errored is an "
        "infrastructure failure: none of its tests counts as flaky in that run.",
    )

    @field_validator("group_title")
    @classmethod
    def _group_title(cls, value: str) -> str:
        check_template(value, ("suite", "suite_title", "kind"), "group_title")
        return value


class AnyOf(Frozen):
    type: Literal[TriggerType.ANY_OF]
    triggers: "tuple[TriggerSpec, ...]" = Field(min_length=1)


class AllOf(Frozen):
    type: Literal[TriggerType.ALL_OF]
    triggers: "tuple[TriggerSpec, ...]" = Field(min_length=1)


TriggerSpec = Annotated[
    SuiteFailed
    | SuiteSkippedOrMissing
    | SuiteWithoutReport
    | FindingsAtLeast
    | FindingsWithCwe
    | NoSuiteOfKind
    | NoScannerOutput
    | WorkspaceLacks
    | CoverageBelow
    | SecurityProgram
    | SecurityFramework
    | FlakyTests
    | AnyOf
    | AllOf,
    Field(discriminator="type"),
]

# Triggers that judge each suite on its own, so a rule with an `id_prefix` can make one item per suite.
PER_SUITE: frozenset[TriggerType] = frozenset(
    {TriggerType.SUITE_FAILED, TriggerType.SUITE_SKIPPED_OR_MISSING, TriggerType.SUITE_WITHOUT_REPORT}
)

# Triggers that judge subjects smaller than a suite (each flaky test), so a rule with an `id_prefix` and a
# `key` makes one item per subject, keyed `<key>/<subject>`.
PER_SUBJECT: frozenset[TriggerType] = frozenset({TriggerType.FLAKY_TESTS})
