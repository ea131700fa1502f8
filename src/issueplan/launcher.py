"""The `issueplan` command's entry point: `--version` answered before typer and pydantic are imported.

Importing the CLI costs typer, click and (through the option types) enough of the package that `--version`
took five times a bare interpreter's start; a version check in a CI step or a shell prompt should not.
Everything else goes to `cli.main`, the one error boundary.

issueplan uses no pydantic plugin, and looking for one (pydantic reads every installed distribution's entry
points the first time it builds a validator) cost `plan` a twentieth of its start-up: the command turns the
search off unless the environment already says otherwise (PYDANTIC_DISABLE_PLUGINS, pydantic's own switch).

What a command imports (typer, pydantic, the models, the policy) lives until the process ends, yet while it
loads, the cyclic garbage collector runs every few hundred allocations and walks all of it again and again:
a tenth of `plan`'s start-up, finding nothing to free. So the collector is paused while a command loads and,
once its modules are in (`modules_loaded`, called by the command), what they built is frozen out of the
collector's sight (gc.freeze, the documented idiom for long-lived start-up objects) and the collector runs
again for the work itself, where reading a large report can make real garbage.
"""

from __future__ import annotations

import gc
import os
import sys

from issueplan import __version__

_paused = False  # whether `main` paused the collector and no command has resumed it yet


def main() -> None:
    global _paused  # noqa: PLW0603 - one flag of the process's one entry point
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"issueplan {__version__}\n")
        sys.exit(0)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    if gc.isenabled():
        gc.disable()
        _paused = True
    from issueplan.cli import main as run_cli  # noqa: PLC0415 - the point of this module

    run_cli()


def modules_loaded() -> None:
    """A command's modules are imported: freeze what they built and turn the collector back on. Does nothing
    when `main` did not pause it (the CLI called in-process, as the tests do) or it was resumed already."""
    global _paused  # noqa: PLW0603
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
