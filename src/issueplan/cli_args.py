"""The arguments the commands share, and how their values are read: typer declarations plus the parsers that
turn `--outcome`, `--workspace` and `--now` into values, with errors that name the option and the fix."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from issueplan.errors import UsageError
from issueplan.limits import LABEL_NAME_MAX, MAX_WRITES_MAX, SCOPE_CHARACTERS, SCOPE_MAX, WRITE_INTERVAL_MAX
from issueplan.modes import IfNoResults

if TYPE_CHECKING:
    from pydantic import SecretStr

    from issueplan.model import StepOutcome


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class PlanFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"
    SUMMARY = "summary"


ResultsArg = Annotated[
    list[str],
    typer.Argument(
        help="Result files, directories or globs. A directory is a root: each subdirectory is one suite "
        "named after it; findings, coverage and audits are collected wherever they lie.",
        show_default=False,
    ),
]
OutcomeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--outcome",
        metavar="SUITE=OUTCOME",
        help="A CI step's outcome (success, failure, cancelled, skipped); repeatable. A suite whose step "
        "failed before writing a report still counts as failed.",
    ),
]
OutcomesFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--outcomes",
        metavar="FILE",
        dir_okay=False,
        help="A JSON object of suite -> step outcome (like --outcome).",
    ),
]
IfNoResultsOpt = Annotated[
    IfNoResults,
    typer.Option(
        help="A results argument that matches no file: error (exit 2, unless step outcomes were given), "
        "warn, or ignore. A run that read nothing decides nothing either way.",
    ),
]
MaxReadBytesOpt = Annotated[
    int,
    typer.Option(
        min=1,
        metavar="BYTES",
        help="Read at most this many bytes of result files per run; files beyond it are reported, not read.",
    ),
]
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        help="The checkout the workspace rules look at (CI config, monitoring, load tests): an existing "
        "directory. Default: $GITHUB_WORKSPACE, else the current directory."
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(help="Config file. Default: .github/issueplan.yml in the workspace, when present."),
]
NowOpt = Annotated[
    str | None,
    typer.Option(help="The clock, ISO 8601 (e.g. 2025-08-20T10:05:39Z), for reproducible plans."),
]
ScopeOpt = Annotated[
    str,
    typer.Option(
        help="Namespace of this run's items: one workflow never closes another's. "
        f"1 to {SCOPE_MAX} {SCOPE_CHARACTERS}."
    ),
]
LabelOpt = Annotated[
    str | None,
    typer.Option(
        help="The managed label that marks issueplan's issues: "
        f"at most {LABEL_NAME_MAX} characters, no comma. Default: the config's (issueplan).",
        show_default=False,
    ),
]
WriteIntervalOpt = Annotated[
    float | None,
    typer.Option(
        min=0,
        max=WRITE_INTERVAL_MAX,
        help=f"Seconds from one write's start to the next, 0 to {WRITE_INTERVAL_MAX:g}. "
        "Default 0.8 (75 a minute, under GitHub's ~80), 0 with --sandbox.",
        show_default=False,
    ),
]
MaxWritesOpt = Annotated[
    int | None,
    typer.Option(
        min=0,
        max=MAX_WRITES_MAX,
        help=f"Stop cleanly after N writes, 0 to {MAX_WRITES_MAX}; the next run finishes the job. "
        "Default: no limit.",
        show_default=False,
    ),
]
CommitOpt = Annotated[
    str | None,
    typer.Option(
        metavar="SHA",
        help="The commit the results are from: issue bodies link each location to its line there. "
        "Default: $GITHUB_SHA.",
        show_default=False,
    ),
]
RunUrlOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        help="The run that produced the results, linked from every issue (last seen in) and comment. "
        "Default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID.",
        show_default=False,
    ),
]
PlanOutputOpt = Annotated[
    Path | None,
    typer.Option(
        dir_okay=False,
        help="Write to FILE instead of standard output; its extension (.json, .md) picks the format.",
    ),
]


ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", help="table or json.")]

StrictOpt = Annotated[bool, typer.Option(help="Exit 1 when any file could not be read cleanly.")]

PlanFormatOpt = Annotated[
    PlanFormat | None,
    typer.Option(
        "--format",
        help="markdown, json, or summary (job summary). Default: from the --output file's extension "
        "(.json, .md), else markdown.",
        show_default=False,
    ),
]


def plan_format(chosen: PlanFormat | None, output: Path | None) -> PlanFormat:
    """--format, else the --output file's extension, else markdown: never whether stdout is a terminal, so
    `plan > plan.md` and `plan | less` read the same."""
    if chosen is not None:
        return chosen
    suffix = output.suffix.lower() if output is not None else ""
    return PlanFormat.JSON if suffix == ".json" else PlanFormat.MARKDOWN


def read_outcomes(pairs: list[str] | None, file: Path | None) -> dict[str, StepOutcome]:
    if not pairs and file is None:
        return {}  # `parse` without outcomes never imports the job (policy, tracker, renderers): start-up
    from issueplan.job_plan import parse_step_outcomes  # noqa: PLC0415 - pydantic costs ~130 ms; keep --help fast

    raw: dict[str, object] = {}
    if file is not None:
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UsageError(f"--outcomes {file}: cannot read a JSON object ({error})") from error
        if not isinstance(loaded, dict):
            raise UsageError(f'--outcomes {file}: expected a JSON object like {{"unit_tests": "failure"}}')
        raw.update(loaded)
    for pair in pairs or []:
        suite, sep, outcome = pair.partition("=")
        if not sep or not suite:
            raise UsageError(f"--outcome {pair!r}: expected SUITE=OUTCOME, e.g. --outcome unit_tests=failure")
        raw[suite] = outcome
    return parse_step_outcomes(raw, source="--outcome" if not file else f"--outcome/--outcomes {file}")


def read_workspace_option(value: Path | None) -> Path:
    if value is not None:
        return value
    return Path(os.environ.get("GITHUB_WORKSPACE") or ".")


def read_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now {value!r}: not an ISO 8601 time, e.g. 2025-08-20T10:05:39Z") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


def env_secrets(*names: str, with_github_token: bool = True) -> tuple[SecretStr, ...]:
    """The tokens the environment hands this run ($GITHUB_TOKEN in every workflow step, and `names`):
    the clean pass removes them from the report even when the command does not use them."""
    from pydantic import SecretStr  # noqa: PLC0415 - fast --help

    chosen = dict.fromkeys((*(("GITHUB_TOKEN",) if with_github_token else ()), *names))
    return tuple(SecretStr(os.environ[name]) for name in chosen if os.environ.get(name))


def log_line(message: str) -> None:
    """A progress line of a command, on stderr: stdout holds only what the command prints (a plan)."""
    typer.echo(message, err=True)
