"""How a long sync shows how far it got: one line rewritten in place on a terminal, a plain log line every
few changes in CI (where `\\r` would pile up in the log as one endless line).

A first import paces writes at one a second and may span an hour (FACTS §14), so silence would look hung.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from typing import TextIO

from issueplan.tracker.github import Progress

EVERY = 25
# Descriptions carry titles and label names; a terminal must not receive escape sequences from them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CLEAR_TO_END = "\x1b[K"


def report_progress(
    log: Callable[[str], None], *, stream: TextIO | None = None, env: Mapping[str, str] | None = None
) -> Progress:
    """In place on `stream` (stderr) when it is a terminal and CI is not set; otherwise through `log`."""
    stream = sys.stderr if stream is None else stream
    env = os.environ if env is None else env
    in_ci = env.get("CI", "").strip().lower() in {"true", "1"}
    if stream.isatty() and not in_ci:
        return TerminalProgress(stream)
    return LogProgress(log)


class TerminalProgress:
    """`writing 120/1015… create issue BUG-121: …`, rewritten in place; a newline once a pass is done."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, done: int, total: int, text: str) -> None:
        width = max(shutil.get_terminal_size().columns - 1, 20)
        line = f"writing {done}/{total}… {_CONTROL.sub(' ', text)}"
        self.stream.write(f"\r{line[:width]}{_CLEAR_TO_END}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class LogProgress:
    """`Tried 50 of 1015 changes` every `every` changes and at the end, without the (untrusted) titles."""

    def __init__(self, log: Callable[[str], None], every: int = EVERY) -> None:
        self.log = log
        self.every = every

    def __call__(self, done: int, total: int, text: str) -> None:
        if done % self.every == 0 or done >= total:
            self.log(f"Tried {done} of {total} changes")  # tried: whether each worked is told at the end
