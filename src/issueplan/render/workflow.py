"""GitHub Actions workflow commands, built safely: the only place issueplan composes `::…::` lines.

The runner reads every line a step prints. A line whose text (after leading whitespace) starts with
`::name …::` is a command, and so is any line that contains `##[name]` anywhere (the older syntax, still
honoured). Test names and messages come from the code under test, so they are never printed raw (RELIABILITY
I9): inside our own commands they are percent-escaped, and free log lines are defused before they are printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import TextIO

# The runner splits its input into lines at any of these.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The runner trims leading whitespace before looking for `::`.
_COMMAND_START = re.compile(r"^(\s*):(?=:)")
_LEGACY_COMMAND = "##["
# A zero-width space is not whitespace to the runner (nor to Python's \s), so the defused text is inert yet
# reads the same.
_ZWSP = "\u200b"
_OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class WorkflowCommand(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"
    ADD_MASK = "add-mask"
    GROUP = "group"
    END_GROUP = "endgroup"


def escape_workflow_data(text: str) -> str:
    """The message part of `::error …::message`: it cannot end the line or start another command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_workflow_property(text: str) -> str:
    """A property value of `::error file=…,line=…::`: it cannot end the property list either."""
    return escape_workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def format_command(
    command: WorkflowCommand, message: str = "", properties: Mapping[str, str | int | None] | None = None
) -> str:
    """One command line, e.g. `::error file=a.py,line=3,title=t::message`; None-valued properties are omitted.

    Whatever `message` and the property values hold, the result is a single line the runner reads as exactly
    this command.
    """
    shown = {key: value for key, value in (properties or {}).items() if value is not None}
    props = ",".join(f"{key}={escape_workflow_property(str(value))}" for key, value in shown.items())
    head = f"{command.value} {props}" if props else command.value
    return f"::{head}::{escape_workflow_data(message)}"


def defuse_log(text: str) -> list[str]:
    """Free text as the lines the runner will see, none of which it can take for a command."""
    return [
        _COMMAND_START.sub(rf"\1:{_ZWSP}", line, count=1).replace(_LEGACY_COMMAND, f"##{_ZWSP}[")
        for line in _LINE_BREAK.split(text)
    ]


def format_output(name: str, value: str, delimiter: str) -> str:
    """A `$GITHUB_OUTPUT` entry in heredoc form (`name<<DELIM`), safe for multi-line values.

    The delimiter must be unguessable by whoever wrote `value` (it is random per run): a value containing it
    would end the entry early and inject outputs of its own, so that is refused rather than written.
    """
    if not _OUTPUT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid output name")
    if delimiter in value or "\n" in delimiter or not delimiter:
        raise ValueError(f"output {name!r}: the delimiter is unusable for this value")
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


class WorkflowLog:
    """The step's log: free text is defused line by line; commands are only ever built by format_command."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def line(self, text: str) -> None:
        """Print text that may hold anything (test names, messages, paths): it can run no command."""
        for line in defuse_log(text.rstrip("\n")):
            self._write(line)

    def command(self, command: WorkflowCommand, message: str = "", **properties: str | int | None) -> None:
        self._write(format_command(command, message, properties))

    def raw(self, command_line: str) -> None:
        """Print a line made by format_command (an annotation's) as it is."""
        self._write(command_line)

    def mask(self, secret: str) -> None:
        """Ask the runner to hide `secret` in every later log line (each line of a multi-line one)."""
        for part in secret.splitlines():
            if part.strip():
                self.command(WorkflowCommand.ADD_MASK, part)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        self.command(WorkflowCommand.GROUP, title)
        try:
            yield
        finally:
            self.command(WorkflowCommand.END_GROUP)

    def _write(self, line: str) -> None:
        self._stream.write(line + "\n")
        # Flushed per line so commands interleave correctly with anything a library prints.
        self._stream.flush()
