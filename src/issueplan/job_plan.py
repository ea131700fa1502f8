"""The read/plan half of the main job: read the results, build the plan, render the job summary.

`issueplan plan` runs this half alone (`plan_job`), so it loads nothing of the tracker; job.py's `run_job`
(the CLI's `sync` and the action) runs the same stages and adds the sync between the plan and the summary.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from pydantic import Field, SecretStr

from issueplan.errors import UsageError, not_one_of
from issueplan.inputs import ExistingDirectory, ExistingFile, Scope
from issueplan.model import Frozen, KnownItem, Plan, RunMark, RunReport, StepOutcome
from issueplan.modes import DEFAULT_MAX_READ_BYTES, IfNoResults
from issueplan.policy import Config, build_plan, content_probes, load_config, read_workspace
from issueplan.render.clean import clean_report
from issueplan.render.report import unrecognised_note
from issueplan.render.summary import render_summary
from issueplan.sources import load_results

DEFAULT_CONFIG = Path(".github/issueplan.yml")


def parse_step_outcomes(raw: Mapping[str, object], *, source: str) -> dict[str, StepOutcome]:
    """Suite -> CI step outcome, as both front ends receive it (`--outcome`, `--outcomes FILE`, the
    `outcomes` input); `source` names where it came from in the error message."""
    allowed = [outcome.value for outcome in StepOutcome]
    outcomes: dict[str, StepOutcome] = {}
    for suite, outcome in raw.items():
        if not isinstance(outcome, str):
            raise UsageError(
                f"{source}: the outcome of {suite!r} must be a string, one of {', '.join(allowed)}"
            )
        try:
            outcomes[suite] = StepOutcome(outcome.strip().lower())
        except ValueError:
            raise UsageError(f"{source}: outcome of {suite!r}: {not_one_of(outcome, allowed)}") from None
    return outcomes


class PlanOptions(Frozen):
    """What the read/plan half was asked to do, validated once (inputs.validated names a bad one); a sync's
    options (job.JobOptions) are these and more."""

    results: tuple[str, ...]
    config: ExistingFile | None = None
    outcomes: Mapping[str, StepOutcome] = Field(default_factory=dict)
    if_no_results: IfNoResults = IfNoResults.ERROR
    max_read_bytes: int = Field(default=DEFAULT_MAX_READ_BYTES, ge=1)
    workspace: ExistingDirectory = Path()
    now: datetime | None = None
    # Every secret the run holds (a plan run's $GITHUB_TOKEN): removed from the report.
    secrets: tuple[SecretStr, ...] = ()
    scope: Scope = "default"


class Evidence(NamedTuple):
    """What a run read before it decides anything: its config, the cleaned report, the workspace's look."""

    config: Config
    report: RunReport
    make_plan: Callable[[Mapping[str, KnownItem], RunMark], Plan]


class PlanRun(NamedTuple):
    """What `plan_job` made: the report, the plan and the job summary."""

    report: RunReport
    plan: Plan
    summary_markdown: str


def config_path(options: PlanOptions) -> Path | None:
    if options.config is not None:
        return options.config
    default = options.workspace / DEFAULT_CONFIG
    return default if default.is_file() else None


def read_evidence(options: PlanOptions, held: Iterable[str], log: Callable[[str], None]) -> Evidence:
    """Load the config, read and clean the results (removing every `held` secret), look at the workspace;
    the plan is built from them once the tracker's known items are known (none without a sync)."""
    config = load_config(config_path(options))
    log(f"Reading results from {', '.join(options.results) or '(none)'}")
    report = load_results(
        options.results,
        outcomes=options.outcomes,
        suites=config.suites,
        workspace=options.workspace,
        max_run_bytes=options.max_read_bytes,
        if_no_results=options.if_no_results,
    )
    report = clean_report(report, held)
    note = unrecognised_note(report)
    if note:
        log(note)
    workspace = read_workspace(options.workspace, probes=content_probes(config.rules))
    now = options.now or datetime.now(UTC)

    def make_plan(known: Mapping[str, KnownItem], mark: RunMark) -> Plan:
        return build_plan(
            report, config, now=now, known=known, workspace=workspace, scope=options.scope, mark=mark
        )

    return Evidence(config, report, make_plan)


def plan_job(options: PlanOptions, *, log: Callable[[str], None] = print) -> PlanRun:
    """Read and plan without a tracker, as `run_job` does with `sync=False` and no output directory."""
    _, report, make_plan = read_evidence(
        options, (secret.get_secret_value() for secret in options.secrets), log
    )
    plan = make_plan({}, RunMark())
    return PlanRun(report, plan, render_summary(plan, report, sync=None, issues_url=None, links=None))
