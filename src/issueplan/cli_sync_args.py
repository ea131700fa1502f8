"""The options only `issueplan sync` takes (cli_args.py holds those the commands share): typer's `Annotated`
aliases, so the command's signature reads as a list of names and defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from issueplan.modes import FailOn, MilestoneMode

RepoOpt = Annotated[
    str | None, typer.Option(help="OWNER/NAME. Default: $GITHUB_REPOSITORY.", show_default=False)
]

TokenEnvOpt = Annotated[str, typer.Option(help="Environment variable that holds the token.")]

ApiUrlOpt = Annotated[
    str | None,
    typer.Option(
        help="REST API base URL, http(s) with a host (GitHub Enterprise Server: https://HOST/api/v3). "
        "Default: $GITHUB_API_URL, else https://api.github.com.",
        show_default=False,
    ),
]

SandboxOpt = Annotated[
    Path | None,
    typer.Option(
        metavar="DIR",
        help="Sync to an embedded local GitHub whose state lives in DIR (a directory; a missing one is "
        "created): try a policy offline, no token needed. Run again to watch issues being updated, "
        "closed and reopened.",
    ),
]

MilestonesOpt = Annotated[
    MilestoneMode | None,
    typer.Option(help="Milestones by priority, by due week, or none. Default: the config's (priority)."),
]

CloseCommentOpt = Annotated[
    bool, typer.Option(help="Comment when closing an item, naming the run and what passed.")
]

DashboardOpt = Annotated[bool, typer.Option(help="Keep one dashboard issue listing all open items.")]

ProjectOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        help="Keep every managed issue on this GitHub Project (v2), its fields set from the item, e.g. "
        "https://github.com/orgs/acme/projects/5. With --sandbox the sandbox seeds it.",
        show_default=False,
    ),
]

ProjectTokenEnvOpt = Annotated[
    str,
    typer.Option(
        help="Environment variable that holds the project token (GITHUB_TOKEN cannot access projects)."
    ),
]

AllowMassCloseOpt = Annotated[
    bool, typer.Option(help="Allow closing more than half of the open managed issues in one run.")
]

MaxNewIssuesOpt = Annotated[
    int,
    typer.Option(
        min=0,
        max=100_000,
        help="Refuse, without any write, a run that would open more new issues than this (0 to 100000; "
        "a broken runner?).",
    ),
]

AllowMassCreateOpt = Annotated[
    bool, typer.Option(help="Allow a run to open more than --max-new-issues new issues.")
]

DryRunOpt = Annotated[bool, typer.Option(help="Print the changes, one line each, and write nothing.")]

OutputDirOpt = Annotated[
    Path | None,
    typer.Option(metavar="DIR", help="Also write plan.md and plan.json into DIR (created when missing)."),
]

FailOnOpt = Annotated[
    FailOn,
    typer.Option(
        help="Exit 1 when the plan has items at or above this priority; the new modes count only items "
        "not tracked before this run (plan only: every item)."
    ),
]
