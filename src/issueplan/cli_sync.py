"""`issueplan sync`: the command that keeps the plan alive as GitHub issues, labels and milestones (its
options in cli_sync_args.py); cli.py registers it beside the other commands."""

# Real annotations, not strings: typer reads them faster (see model/report.py's docstring).

import os

import typer

from issueplan.cli_args import (
    CommitOpt,
    ConfigOpt,
    IfNoResultsOpt,
    LabelOpt,
    MaxReadBytesOpt,
    MaxWritesOpt,
    NowOpt,
    OutcomeOpt,
    OutcomesFileOpt,
    ResultsArg,
    RunUrlOpt,
    ScopeOpt,
    WorkspaceOpt,
    WriteIntervalOpt,
    env_secrets,
    log_line,
    read_now,
    read_outcomes,
    read_workspace_option,
)
from issueplan.cli_sync_args import (
    AllowMassCloseOpt,
    AllowMassCreateOpt,
    ApiUrlOpt,
    CloseCommentOpt,
    DashboardOpt,
    DryRunOpt,
    FailOnOpt,
    MaxNewIssuesOpt,
    MilestonesOpt,
    OutputDirOpt,
    ProjectOpt,
    ProjectTokenEnvOpt,
    RepoOpt,
    SandboxOpt,
    TokenEnvOpt,
)
from issueplan.errors import UsageError
from issueplan.limits import DEFAULT_WRITE_INTERVAL
from issueplan.modes import DEFAULT_MAX_READ_BYTES, FailOn, IfNoResults


def sync(
    results: ResultsArg,
    config: ConfigOpt = None,
    outcome: OutcomeOpt = None,
    outcomes: OutcomesFileOpt = None,
    workspace: WorkspaceOpt = None,
    now: NowOpt = None,
    scope: ScopeOpt = "default",
    if_no_results: IfNoResultsOpt = IfNoResults.ERROR,
    max_read_bytes: MaxReadBytesOpt = DEFAULT_MAX_READ_BYTES,
    repo: RepoOpt = None,
    token_env: TokenEnvOpt = "GITHUB_TOKEN",  # noqa: S107 - the name of a variable, not a secret
    api_url: ApiUrlOpt = None,
    sandbox: SandboxOpt = None,
    label: LabelOpt = None,
    milestones: MilestonesOpt = None,
    close_comment: CloseCommentOpt = True,
    dashboard: DashboardOpt = False,
    project: ProjectOpt = None,
    project_token_env: ProjectTokenEnvOpt = "PROJECT_TOKEN",  # noqa: S107 - the name of a variable, not a secret
    write_interval: WriteIntervalOpt = None,
    max_writes: MaxWritesOpt = None,
    allow_mass_close: AllowMassCloseOpt = False,
    max_new_issues: MaxNewIssuesOpt = 50,
    allow_mass_create: AllowMassCreateOpt = False,
    dry_run: DryRunOpt = False,
    output_dir: OutputDirOpt = None,
    fail_on: FailOnOpt = FailOn.NEVER,
    commit: CommitOpt = None,
    run_url: RunUrlOpt = None,
) -> None:
    """Build the plan and keep it alive as GitHub issues, labels and milestones.

    Creates, updates, closes and reopens issues so each item has exactly one; a re-run with the same
    results makes no write. Token from $GITHUB_TOKEN (or --token-env). Try it offline with --sandbox DIR.
    """
    from issueplan.inputs import FrontEnd, validated  # noqa: PLC0415 - fast --help
    from issueplan.job import JobOptions, run_job  # noqa: PLC0415
    from issueplan.outcome import change_lines, judge, stop_line, summary_line  # noqa: PLC0415
    from issueplan.render.links import read_source_links  # noqa: PLC0415
    from issueplan.render.report import render_plan_table  # noqa: PLC0415

    token = next(iter(env_secrets(token_env, with_github_token=False)), None)
    project_token = next(iter(env_secrets(project_token_env, with_github_token=False)), None)
    # $GITHUB_TOKEN too when the token comes from another variable: the run holds it all the same.
    secrets = tuple(s for s in env_secrets() if token is None or s != token)
    if sandbox is None and not dry_run and token is None:
        raise UsageError(
            f"${token_env} is not set: export a token with `issues: write` (or pass --token-env NAME), "
            "or try it offline with --sandbox DIR"
        )
    checkout = read_workspace_option(workspace)
    repository = repo or os.environ.get("GITHUB_REPOSITORY")
    options = validated(
        JobOptions,
        FrontEnd.CLI,
        results=tuple(results),
        config=config,
        outcomes=read_outcomes(outcome, outcomes),
        if_no_results=if_no_results,
        max_read_bytes=max_read_bytes,
        workspace=checkout,
        now=read_now(now),
        repo=repository,
        token=token,
        secrets=secrets,
        api_url=api_url or os.environ.get("GITHUB_API_URL") or "https://api.github.com",
        sandbox=sandbox,
        scope=scope,
        label=label,
        milestones=milestones,
        dry_run=dry_run,
        max_writes=max_writes,
        allow_mass_close=allow_mass_close,
        max_new_issues=max_new_issues,
        allow_mass_create=allow_mass_create,
        dashboard=dashboard,
        project=project,
        project_token=project_token if project else None,
        close_comment=close_comment,
        write_interval=write_interval
        if write_interval is not None
        else (0.0 if sandbox else DEFAULT_WRITE_INTERVAL),
        output_dir=output_dir,
        # The code and the run are the workflow's repository's, even when issues go to another one.
        source_links=read_source_links(
            os.environ,
            repo=os.environ.get("GITHUB_REPOSITORY") or repository,
            commit=commit,
            run_url=run_url,
            workspace=str(checkout.absolute()),
        ),
    )
    result = run_job(options, log=log_line)
    typer.echo(render_plan_table(result.plan, result.issues) + "\n")
    for line in change_lines(result):
        typer.echo(line)
    typer.echo(summary_line(result))
    stopped = stop_line(result)
    if stopped is not None:
        typer.echo(stopped)
    for note in result.notes:
        typer.echo(note)
    if sandbox is not None:
        typer.echo(f"The sandbox's issues: {sandbox / 'issues.md'}; the plan: {sandbox / 'plan.md'}")
    verdict = judge(result, fail_on)
    for warning in verdict.warnings:
        typer.echo(f"issueplan: warning: {warning}", err=True)
    for error in verdict.errors:
        typer.echo(f"issueplan: error: {error}", err=True)
    if verdict.exit_code:
        raise typer.Exit(verdict.exit_code)
