"""The `issueplan` command line: parse, plan, sync, schema. Thin wiring; one error boundary."""

# Real annotations, not strings: typer reads them faster (see model/report.py's docstring).

import json
import sys
import traceback
from typing import Annotated

import typer

# typer >= 0.29 vendors click; its exception base is what a usage error raises with standalone_mode=False
from typer._click.exceptions import ClickException

from issueplan import __version__
from issueplan.cli_args import (
    ConfigOpt,
    IfNoResultsOpt,
    MaxReadBytesOpt,
    NowOpt,
    OutcomeOpt,
    OutcomesFileOpt,
    PlanFormat,
    PlanFormatOpt,
    PlanOutputOpt,
    ReportFormat,
    ReportFormatOpt,
    ResultsArg,
    ScopeOpt,
    StrictOpt,
    WorkspaceOpt,
    emit,
    env_secrets,
    log_line,
    plan_format,
    read_now,
    read_outcomes,
    read_workspace_option,
)
from issueplan.cli_sync import sync
from issueplan.errors import ExitCode, IssueplanError
from issueplan.launcher import modules_loaded
from issueplan.modes import DEFAULT_MAX_READ_BYTES, IfNoResults

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


# They call launcher.modules_loaded themselves, once their imports (most of their start-up) are in.
_RESUME_LATER = frozenset({"parse", "plan"})


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """issueplan: CI results in, a prioritised action plan out."""
    if ctx.invoked_subcommand not in _RESUME_LATER:
        modules_loaded()


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

    modules_loaded()
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

    modules_loaded()
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
    result = plan_job(options, log=log_line)
    if chosen is PlanFormat.JSON:
        text = render_json(result.plan)
    elif chosen is PlanFormat.SUMMARY:
        text = result.summary_markdown
    else:
        text = render_markdown(result.plan)
    emit(text, output)


app.command()(sync)  # cli_sync.py: the one command that talks to GitHub


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
