"""The `issueplan` command line: parse, plan, sync, schema. Thin wiring; one error boundary."""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Annotated

import typer

# typer >= 0.29 vendors click; its exception base is what a usage error raises with standalone_mode=False
from typer._click.exceptions import ClickException

from issueplan import __version__
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
    PlanFormat,
    PlanFormatOpt,
    PlanOutputOpt,
    ReportFormat,
    ReportFormatOpt,
    ResultsArg,
    RunUrlOpt,
    ScopeOpt,
    StrictOpt,
    WorkspaceOpt,
    WriteIntervalOpt,
    emit,
    env_secrets,
    plan_format,
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
from issueplan.errors import ExitCode, IssueplanError, UsageError
from issueplan.limits import DEFAULT_WRITE_INTERVAL
from issueplan.modes import DEFAULT_MAX_READ_BYTES, FailOn, IfNoResults

app = typer.Typer(
    name="issueplan",
    help="Turn CI results (JUnit, SARIF, coverage, audit JSON) into a prioritised action plan, "
    "and keep it alive as GitHub issues, labels and milestones.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"issueplan {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """issueplan: CI results in, a prioritised action plan out."""


@app.command()
def parse(
    results: ResultsArg,
    outcome: OutcomeOpt = None,
    outcomes: OutcomesFileOpt = None,
    output_format: ReportFormatOpt = ReportFormat.TABLE,
    strict: StrictOpt = False,
    workspace: WorkspaceOpt = None,
    if_no_results: IfNoResultsOpt = IfNoResults.ERROR,
    max_read_bytes: MaxReadBytesOpt = DEFAULT_MAX_READ_BYTES,
) -> None:
    """Read result files and show what they say: suites, findings, coverage, problems.

    Exit 0 when the files were read (even with problems), 1 with --strict and problems, 2 on usage errors.
    """
    from issueplan.render.clean import clean_report  # noqa: PLC0415 - fast --help
    from issueplan.render.report import render_report_json, render_report_table  # noqa: PLC0415
    from issueplan.sources import load_results  # noqa: PLC0415

    report = load_results(
        results,
        outcomes=read_outcomes(outcome, outcomes),
        workspace=read_workspace_option(workspace),
        max_run_bytes=max_read_bytes,
        if_no_results=if_no_results,
    )
    report = clean_report(report, (secret.get_secret_value() for secret in env_secrets()))
    text = render_report_json(report) if output_format is ReportFormat.JSON else render_report_table(report)
    emit(text, None)
    if strict and report.problems:
        raise typer.Exit(ExitCode.FAILED)


@app.command()
def plan(
    results: ResultsArg,
    config: ConfigOpt = None,
    outcome: OutcomeOpt = None,
    outcomes: OutcomesFileOpt = None,
    workspace: WorkspaceOpt = None,
    now: NowOpt = None,
    scope: ScopeOpt = "default",
    if_no_results: IfNoResultsOpt = IfNoResults.ERROR,
    max_read_bytes: MaxReadBytesOpt = DEFAULT_MAX_READ_BYTES,
    output_format: PlanFormatOpt = None,
    output: PlanOutputOpt = None,
) -> None:
    """Build the prioritised action plan from CI results, without touching GitHub.

    Example: issueplan plan test-results/ --outcome e2e_tests=failure --now 2025-08-20T10:05:39Z
    """
    from issueplan.inputs import FrontEnd, validated  # noqa: PLC0415 - keep --help and --version fast
    from issueplan.job_plan import PlanOptions, plan_job  # noqa: PLC0415 - the read/plan half: no tracker
    from issueplan.render.json import render_json  # noqa: PLC0415
    from issueplan.render.markdown import render_markdown  # noqa: PLC0415

    chosen = plan_format(output_format, output)
    options = validated(
        PlanOptions,
        FrontEnd.CLI,
        results=tuple(results),
        config=config,
        outcomes=read_outcomes(outcome, outcomes),
        if_no_results=if_no_results,
        max_read_bytes=max_read_bytes,
        workspace=read_workspace_option(workspace),
        now=read_now(now),
        scope=scope,
        secrets=env_secrets(),
    )
    result = plan_job(options, log=_log)
    if chosen is PlanFormat.JSON:
        text = render_json(result.plan)
    elif chosen is PlanFormat.SUMMARY:
        text = result.summary_markdown
    else:
        text = render_markdown(result.plan)
    emit(text, output)


def _log(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
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
    result = run_job(options, log=_log)
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


@app.command()
def schema(
    plan_schema: Annotated[
        bool, typer.Option("--plan", help="The JSON plan's schema instead of the config file's.")
    ] = False,
) -> None:
    """Print a JSON Schema: of the config file (for editor completion), or with --plan of the JSON plan."""
    if plan_schema:
        from issueplan.render.json import plan_json_schema  # noqa: PLC0415

        data = plan_json_schema()
    else:
        from issueplan.policy import config_json_schema  # noqa: PLC0415

        data = config_json_schema()
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map every failure to a documented exit code (see errors.ExitCode)."""
    try:
        # standalone_mode=False hands errors to the boundary below; typer.Exit(code) comes back as the value
        code = app(args=argv, standalone_mode=False)
    except IssueplanError as error:
        typer.echo(f"issueplan: error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        typer.echo("issueplan: interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, EOFError):
        sys.exit(ExitCode.INTERRUPTED)
    except ClickException as error:  # a usage error: click's own message names the option and the fix
        error.show()
        sys.exit(ExitCode.USAGE)
    except Exception:  # noqa: BLE001 - the one boundary that turns a bug into a report
        traceback.print_exc()
        typer.echo(
            "issueplan: this is a bug in issueplan; please report it with the traceback above.", err=True
        )
        sys.exit(ExitCode.BUG)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
