"""The main job, shared by the CLI's `sync`/`plan` and the action: read results, build the plan, render, sync.

Both front ends build a JobOptions and call run_job(); neither makes a decision of its own (STYLE.md 7).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from pydantic import Field, SecretStr

from issueplan.errors import UsageError, not_one_of
from issueplan.model import Frozen, KnownItem, Plan, Priority, RunReport, StepOutcome
from issueplan.modes import FailOn, MilestoneMode
from issueplan.policy import Config, build_plan, load_config, read_workspace
from issueplan.progress import report_progress
from issueplan.render.clean import clean_report
from issueplan.render.json import render_json
from issueplan.render.markdown import render_markdown
from issueplan.render.summary import render_summary
from issueplan.sources import load_results
from issueplan.tracker import GitHubTarget, SyncOptions, SyncResult, sync_plan

DEFAULT_CONFIG = Path(".github/issueplan.yml")
SANDBOX_REPO = "sandbox/demo"
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105 - the embedded sandbox accepts any token; this one is not a secret


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


def fails_threshold(plan: Plan, fail_on: FailOn) -> bool:
    if fail_on is FailOn.NEVER:
        return False
    if fail_on is FailOn.ANY:
        return bool(plan.items)
    threshold = Priority(fail_on.value)
    return any(item.priority.rank <= threshold.rank for item in plan.items)


class JobOptions(Frozen):
    results: tuple[str, ...]
    config: Path | None = None
    outcomes: Mapping[str, StepOutcome] = Field(default_factory=dict)
    workspace: Path = Path()
    now: datetime | None = None
    sync: bool = True
    repo: str | None = None
    token: SecretStr | None = None
    # Every other secret the run holds (a plan run's $GITHUB_TOKEN): removed from the report like the token.
    secrets: tuple[SecretStr, ...] = ()
    api_url: str = "https://api.github.com"
    sandbox: Path | None = None
    scope: str = "default"
    label: str | None = None  # None: the config's managed label (default `issueplan`)
    milestones: MilestoneMode | None = None  # None: the config's grouping (default by priority)
    dry_run: bool = False
    dry_run_reason: str | None = None
    max_writes: int | None = None
    allow_mass_close: bool = False
    dashboard: bool = False
    close_comment: bool = True
    write_interval: float = 1.0
    output_dir: Path | None = None
    run_url: str | None = None


class JobResult(Frozen):
    report: RunReport
    plan: Plan
    changes_text: tuple[str, ...] = ()
    created: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0
    unchanged: int = 0
    issues: Mapping[str, int] = Field(default_factory=dict)
    plan_json_path: Path | None = None
    plan_markdown_path: Path | None = None
    summary_markdown: str = ""
    notes: tuple[str, ...] = ()


def held_secrets(options: JobOptions) -> tuple[str, ...]:
    """The values of every secret the run holds, for the clean pass."""
    held = (options.token, *options.secrets) if options.token is not None else options.secrets
    return tuple(secret.get_secret_value() for secret in held)


def _config_path(options: JobOptions) -> Path | None:
    if options.config is not None:
        return options.config
    default = options.workspace / DEFAULT_CONFIG
    return default if default.is_file() else None


def run_job(options: JobOptions, *, log: Callable[[str], None] = print) -> JobResult:
    """Read, plan, render and (unless told not to) sync. Raises IssueplanError subclasses only."""
    config = load_config(_config_path(options))
    log(f"Reading results from {', '.join(options.results) or '(none)'}")
    report = load_results(
        options.results, outcomes=options.outcomes, suites=config.suites, workspace=options.workspace
    )
    report = clean_report(report, held_secrets(options))
    workspace = read_workspace(options.workspace)
    now = options.now or datetime.now(UTC)

    def make_plan(known: Mapping[str, KnownItem]) -> Plan:
        return build_plan(report, config, now=now, known=known, workspace=workspace, scope=options.scope)

    notes: list[str] = []
    sync_result: SyncResult | None = None
    changes_text: tuple[str, ...] = ()
    if not options.sync:
        plan = make_plan({})
    else:
        plan, changes_text, sync_result = _sync(options, config, make_plan, log)
        if options.dry_run_reason:
            notes.append(options.dry_run_reason)

    summary = render_summary(plan, report)
    # A sandbox run keeps its plan beside the sandbox's issues unless told otherwise.
    json_path, md_path = _write_outputs(
        plan, options.output_dir or (options.sandbox if options.sync else None)
    )
    result = JobResult(
        report=report,
        plan=plan,
        changes_text=changes_text,
        summary_markdown=summary,
        plan_json_path=json_path,
        plan_markdown_path=md_path,
        notes=tuple(notes),
    )
    if sync_result is None:
        return result
    return result.model_copy(
        update={
            "created": sync_result.created,
            "updated": sync_result.updated,
            "closed": sync_result.closed,
            "reopened": sync_result.reopened,
            "unchanged": sync_result.unchanged,
            "issues": dict(sync_result.issues),
        }
    )


def _sync_options(options: JobOptions, config: Config, *, write_interval: float) -> SyncOptions:
    """The options a sync runs with: the command line's or the action's where given, else the config's."""
    return SyncOptions(
        scope=options.scope,
        label=options.label or config.labels.managed,
        milestones=options.milestones or config.milestones.group_by,
        label_names=config.labels,
        milestone_names=config.milestones,
        close_comment=options.close_comment,
        dashboard=options.dashboard,
        write_interval=write_interval,
        max_writes=options.max_writes,
        allow_mass_close=options.allow_mass_close,
        dry_run=options.dry_run or options.dry_run_reason is not None,
        run_url=options.run_url,
        secrets=(options.token, *options.secrets) if options.token else options.secrets,
    )


def _sync(
    options: JobOptions,
    config: Config,
    make_plan: Callable[[Mapping[str, KnownItem]], Plan],
    log: Callable[[str], None],
) -> tuple[Plan, tuple[str, ...], SyncResult]:
    if options.sandbox is not None:
        from issueplan.tracker.sandbox import FakeGitHub  # noqa: PLC0415 - only the sandbox needs the server
        from issueplan.tracker.sandbox.board import render_board  # noqa: PLC0415

        options.sandbox.mkdir(parents=True, exist_ok=True)
        with FakeGitHub(state_dir=options.sandbox, owner="sandbox", repo="demo") as hub:
            log(f"Syncing to the sandbox GitHub in {options.sandbox} ({hub.base_url})")
            target = GitHubTarget(api_url=hub.base_url, repo=SANDBOX_REPO, token=SecretStr(SANDBOX_TOKEN))
            plan, changes, result = sync_plan(
                make_plan,
                target,
                _sync_options(options, config, write_interval=0.0),
                progress=report_progress(log),
            )
            # The sandbox has no web UI: this file is where a user watches the issues change across runs.
            (options.sandbox / "issues.md").write_text(render_board(hub), encoding="utf-8")
    else:
        if not options.repo:
            raise UsageError(
                "no repository to sync to: pass --repo OWNER/NAME (or set GITHUB_REPOSITORY), "
                "or --sandbox DIR to try it offline, or use `issueplan plan` to only build the plan"
            )
        if options.token is None or not options.token.get_secret_value():
            raise UsageError(
                "no GitHub token: set GITHUB_TOKEN (or name another variable with --token-env), "
                "or pass --dry-run ... with --sandbox DIR to try it offline"
            )
        log(f"Syncing to {options.repo} via {options.api_url}")
        target = GitHubTarget(api_url=options.api_url, repo=options.repo, token=options.token)
        plan, changes, result = sync_plan(
            make_plan,
            target,
            _sync_options(options, config, write_interval=options.write_interval),
            progress=report_progress(log),
        )
    return plan, tuple(op.describe() for op in changes.operations), result


def _write_outputs(plan: Plan, output_dir: Path | None) -> tuple[Path | None, Path | None]:
    if output_dir is None:
        return None, None
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "plan.json"
    md_path = output_dir / "plan.md"
    json_path.write_text(render_json(plan), encoding="utf-8")
    md_path.write_text(render_markdown(plan), encoding="utf-8")
    return json_path, md_path
