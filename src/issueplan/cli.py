"""The `issueplan` command line: parse, plan, sync, schema. Thin wiring over the library; one error boundary."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from issueplan import __version__
from issueplan.errors import ExitCode, IssueplanError

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


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map every failure to a documented exit code (see errors.ExitCode)."""
    try:
        app(args=argv, standalone_mode=False)
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
    except Exception as error:  # noqa: BLE001 - the one boundary that turns a bug into a report
        import click  # noqa: PLC0415 - only on the error path

        if isinstance(error, click.exceptions.ClickException):
            error.show()
            sys.exit(ExitCode.USAGE)
        traceback.print_exc()
        typer.echo(
            "issueplan: this is a bug in issueplan; please report it with the traceback above.", err=True
        )
        sys.exit(ExitCode.BUG)
    sys.exit(ExitCode.OK)
