"""The `issueplan` command's entry point: `--version` answered before typer and pydantic are imported.

Importing the CLI costs typer, click and (through the option types) enough of the package that `--version`
took five times a bare interpreter's start; a version check in a CI step or a shell prompt should not.
Everything else goes to `cli.main`, the one error boundary.

issueplan uses no pydantic plugin, and looking for one (pydantic reads every installed distribution's entry
points the first time it builds a validator) cost `plan` a twentieth of its start-up: the command turns the
search off unless the environment already says otherwise (PYDANTIC_DISABLE_PLUGINS, pydantic's own switch).
"""

from __future__ import annotations

import os
import sys

from issueplan import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"issueplan {__version__}\n")
        sys.exit(0)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    from issueplan.cli import main as run_cli  # noqa: PLC0415 - the point of this module

    run_cli()
