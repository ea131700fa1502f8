"""The main job, shared by the CLI's `sync` and the action: read results, build the plan, sync, render.

Both front ends build a JobOptions and call run_job(); neither makes a decision of its own (thin twins). The
read/plan half, which `issueplan plan` runs alone, is job_plan.py; the sync's stages are here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from issueplan.collector import collector_paused
from issueplan.errors import GitHubError, IssueplanError, SafetyStopError, UsageError
from issueplan.inputs import (
    ApiUrl,
    Directory,
    LabelName,
    NewIssueBudget,
    Repository,
    WriteBudget,
    WriteInterval,
)
from issueplan.job_plan import DEFAULT_CONFIG, PlanOptions, config_path, read_evidence
from issueplan.limits import DEFAULT_WRITE_INTERVAL
from issueplan.model import KnownItem, Plan, RunMark, RunReport
from issueplan.modes import MilestoneMode
from issueplan.outcome import Failure, RunOutcome
from issueplan.policy import Config
from issueplan.policy.assignees import read_codeowners
from issueplan.render.json import render_json
from issueplan.render.links import SourceLinks
from issueplan.render.markdown import render_markdown
from issueplan.render.summary import render_summary
from issueplan.render.summary_issues import issues_url
from issueplan.tracker.assignees import Owners
from issueplan.tracker.options import DEFAULT_MAX_NEW_ISSUES, GitHubTarget, SyncOptions
from issueplan.workspace_files import hand_to_workspace_owner

if TYPE_CHECKING:
    from issueplan.tracker.project_sync import ProjectTarget

SANDBOX_REPO = "sandbox/demo"
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105 - the embedded sandbox accepts any token; this one is not a secret


class JobOptions(PlanOptions):
    """What a run was asked to do, validated once for both front ends (inputs.validated names a bad one):
    the read/plan half's options, and the sync's."""

    sync: bool = True
    repo: Repository | None = None
    token: SecretStr | None = None
    api_url: ApiUrl = "https://api.github.com"
    sandbox: Directory | None = None
    label: LabelName | None = None  # None: the config's managed label (default `issueplan`)
    milestones: MilestoneMode | None = None  # None: the config's grouping (default by priority)
    dry_run: bool = False
    dry_run_reason: str | None = None
    max_writes: WriteBudget | None = None
    allow_mass_close: bool = False
    max_new_issues: NewIssueBudget = DEFAULT_MAX_NEW_ISSUES
    allow_mass_create: bool = False
    dashboard: bool = False
    project: str | None = None  # a Projects (v2) URL: every managed issue goes on that board
    project_token: SecretStr | None = None
    close_comment: bool = True
    write_interval: WriteInterval = DEFAULT_WRITE_INTERVAL
    output_dir: Directory | None = None
    run_url: str | None = None
    # The server, repository, commit and run the bodies link to (render/links.py); None: no such links.
    source_links: SourceLinks | None = None


def held_secrets(options: JobOptions) -> tuple[str, ...]:
    """The values of every secret the run holds, for the clean pass."""
    held = (options.token, *options.secrets) if options.token is not None else options.secrets
    if options.project_token is not None:
        held = (*held, options.project_token)
    return tuple(secret.get_secret_value() for secret in held)


def run_job(options: JobOptions, *, log: Callable[[str], None] = print) -> RunOutcome:
    """Read, plan, render and (unless told not to) sync: read state -> plan -> diff -> apply.

    Raises IssueplanError subclasses only for what is wrong before the sync (usage, config). Whatever GitHub
    answers later is part of the outcome: a failed read or a refused guard is its `failure` (the plan is still
    built), and every write's fate is in `sync`; nothing done is lost to an exception.
    """
    config, report, make_plan = read_evidence(options, held_secrets(options), log)

    notes: list[str] = []
    if not options.sync:
        outcome = RunOutcome(report=report, plan=make_plan({}, RunMark()))
    else:
        with collector_paused():  # collector.py: a third of a no-op's CPU otherwise
            outcome = _sync(options, config, report, make_plan, log)
        if options.dry_run_reason:
            notes.append(options.dry_run_reason)

    plan = outcome.plan
    # A sandbox run keeps its plan beside the sandbox's issues unless told otherwise.
    json_path, md_path = _write_outputs(
        plan, options.output_dir or (options.sandbox if options.sync else None), options.source_links
    )
    hand_to_workspace_owner(options.workspace, json_path, md_path)
    return outcome.model_copy(
        update={
            "summary_markdown": render_summary(
                plan,
                report,
                # A sync that never got to write lists no issues (the summary's preface says why).
                sync=outcome.sync if outcome.synced and outcome.failure is None else None,
                issues_url=None
                if options.sandbox
                else issues_url(options.api_url, options.repo, options.run_url),
                links=options.source_links,
            ),
            "plan_json_path": json_path,
            "plan_markdown_path": md_path,
            "notes": (*outcome.notes, *notes),
        }
    )


def _owners(options: JobOptions, config: Config) -> Owners:
    """Who is assigned what: the config's team map and, when it asks, the workspace's CODEOWNERS file."""
    source = str(config_path(options) or DEFAULT_CONFIG)
    found = read_codeowners(config.codeowners, options.workspace, source=source)
    roots = (str(options.workspace.absolute()), *(options.source_links.roots if options.source_links else ()))
    return Owners(
        teams=config.teams,
        codeowners=found.text if found else None,
        codeowners_path=found.path if found else None,
        roots=tuple(dict.fromkeys(roots)),
    )


def _sync_options(options: JobOptions, config: Config, *, write_interval: float) -> SyncOptions:
    """The options a sync runs with: the command line's or the action's where given, else the config's."""
    return SyncOptions(
        owners=_owners(options, config),
        scope=options.scope,
        label=options.label or config.labels.managed,
        milestones=options.milestones or config.milestones.group_by,
        label_names=config.labels,
        milestone_names=config.milestones,
        lifecycle=config.lifecycle,
        close_comment=options.close_comment,
        dashboard=options.dashboard,
        issue_types=config.issue_types.mapping(),
        write_interval=write_interval,
        max_writes=options.max_writes,
        allow_mass_close=options.allow_mass_close,
        max_new_issues=options.max_new_issues,
        allow_mass_create=options.allow_mass_create,
        dry_run=options.dry_run or options.dry_run_reason is not None,
        run_url=options.run_url or (options.source_links.run_url if options.source_links else None),
        source_links=options.source_links,
        secrets=(options.token, *options.secrets) if options.token else options.secrets,
    )


def _sync(
    options: JobOptions,
    config: Config,
    report: RunReport,
    make_plan: Callable[[Mapping[str, KnownItem], RunMark], Plan],
    log: Callable[[str], None],
) -> RunOutcome:
    """The sync's stages against the sandbox or GitHub: they differ only in where the target comes from."""
    forced = options.dry_run_reason is not None
    if options.sandbox is None:
        target = _github_target(options)
        log(f"Syncing to {options.repo} via {options.api_url}")
        settings = _sync_options(options, config, write_interval=options.write_interval)
        from issueplan.tracker.project_target import github_project  # noqa: PLC0415 - a sync only

        board = github_project(
            options.project,
            api_url=options.api_url,
            token=options.project_token,
            mapping=config.project,
            forced_dry_run=forced,
        )
        return _sync_stages(target, settings, report, make_plan, log, forced_dry_run=forced, project=board)

    from issueplan.tracker.sandbox import FakeGitHub  # noqa: PLC0415 - only the sandbox needs the server
    from issueplan.tracker.sandbox.board import render_board  # noqa: PLC0415

    options.sandbox.mkdir(parents=True, exist_ok=True)
    with FakeGitHub(state_dir=options.sandbox, owner="sandbox", repo="demo") as hub:
        log(f"Syncing to the sandbox GitHub in {options.sandbox} ({hub.base_url})")
        target = GitHubTarget(api_url=hub.base_url, repo=SANDBOX_REPO, token=SecretStr(SANDBOX_TOKEN))
        settings = _sync_options(options, config, write_interval=0.0)
        from issueplan.tracker.project_target import sandbox_project  # noqa: PLC0415 - a sync only

        token = SecretStr(SANDBOX_TOKEN)
        board = sandbox_project(options.project, hub, token=token, mapping=config.project)
        outcome = _sync_stages(target, settings, report, make_plan, log, forced_dry_run=forced, project=board)
        # The sandbox has no web UI: this file is where a user watches the issues change across runs.
        (options.sandbox / "issues.md").write_text(render_board(hub), encoding="utf-8")
    return outcome


def _github_target(options: JobOptions) -> GitHubTarget:
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
    return GitHubTarget(api_url=options.api_url, repo=options.repo, token=options.token)


def _sync_stages(
    target: GitHubTarget,
    settings: SyncOptions,
    report: RunReport,
    make_plan: Callable[[Mapping[str, KnownItem], RunMark], Plan],
    log: Callable[[str], None],
    *,
    forced_dry_run: bool,
    project: ProjectTarget | None = None,
) -> RunOutcome:
    # Only a sync talks to GitHub: PyGithub, requests, jwt and cryptography load here, not for `parse`/`plan`.
    from issueplan.progress import report_progress  # noqa: PLC0415
    from issueplan.tracker.assignability import AssigneeCheck, diff_assigning  # noqa: PLC0415
    from issueplan.tracker.github import connect  # noqa: PLC0415
    from issueplan.tracker.lifecycle import run_mark  # noqa: PLC0415
    from issueplan.tracker.project_sync import ProjectSync, rest_only  # noqa: PLC0415
    from issueplan.tracker.sync import apply_or_plan, read_tracker, remembered, summarise  # noqa: PLC0415

    def outcome(plan: Plan, **fields: object) -> RunOutcome:
        return RunOutcome.model_validate(
            {"report": report, "plan": plan, "synced": True, "dry_run": settings.dry_run, **fields}
        )

    repo = connect(target, settings)
    board_sync = None if project is None else ProjectSync(project, target.repo)
    try:
        state = read_tracker(repo, settings)
        board = None if board_sync is None else board_sync.read()
    except GitHubError as error:
        # Nothing is known of the tracker, so nothing is decided; the plan from the evidence alone is shown.
        return outcome(make_plan({}, RunMark()), failure=_failure(error, forced_dry_run))
    plan = make_plan(remembered(state, settings), run_mark(settings))
    try:
        changes, owners = diff_assigning(plan, state, settings, AssigneeCheck(repo))
    except SafetyStopError as error:
        return outcome(plan, failure=_failure(error, forced_dry_run))

    if board_sync is not None and board is not None:  # a missing field or option raises here: no write yet
        changes = board_sync.diff(plan, state, changes, board, settings.scope, log)
    try:
        result = apply_or_plan(
            changes if settings.dry_run else rest_only(changes), repo, settings, progress=report_progress(log)
        )
    except GitHubError as error:  # the repository's permissions could not be read: before any write
        return outcome(
            plan,
            changes=changes,
            failure=_failure(error, forced_dry_run),
            notes=owners.notes,
            warnings=owners.warnings,
        )
    if board_sync is not None and not settings.dry_run:
        result = board_sync.apply(
            changes, result, write_interval=settings.write_interval, max_writes=settings.max_writes
        )
    return outcome(
        plan,
        changes=changes,
        sync=summarise(plan, state, changes, result),
        notes=owners.notes,
        warnings=owners.warnings,
    )


def _failure(error: IssueplanError, forced_dry_run: bool) -> Failure:
    """A failed read in a run that could not write anyway (a fork's dry run) is a warning, not a failure."""
    if forced_dry_run and isinstance(error, GitHubError):
        message = f"could not read the issues for the dry run: {error}"
        return Failure(message=message, exit_code=error.exit_code, warning=True)
    return Failure(message=str(error), exit_code=error.exit_code)


def _write_outputs(
    plan: Plan, output_dir: Path | None, source_links: SourceLinks | None
) -> tuple[Path | None, Path | None]:
    if output_dir is None:
        return None, None
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "plan.json"
    md_path = output_dir / "plan.md"
    json_path.write_text(render_json(plan), encoding="utf-8")
    md_path.write_text(render_markdown(plan, source_links=source_links), encoding="utf-8")
    return json_path, md_path
