"""The few exceptions a user may see. `str(error)` is the finished message: what, where, how to fix.

Exit codes (documented in the README; a sync's is derived from its outcome by outcome.judge, which both
front ends call; errors raised before that are mapped by each front end's one boundary):
    0  success, or stopped cleanly by the write budget
    1  the run worked but asks to fail (`--strict` problems, `--fail-on` threshold, a refused guard)
    2  usage or configuration error
    3  a bug in issueplan (report it)
    4  GitHub refused or failed (any failed change, a failed read, permissions, rate limits); nothing
       half-done is hidden
  130  interrupted
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    USAGE = 2
    BUG = 3
    GITHUB = 4
    INTERRUPTED = 130


class IssueplanError(Exception):
    """Base of every expected failure. Its text is shown to the user as is."""

    exit_code: ExitCode = ExitCode.FAILED


class UsageError(IssueplanError):
    """A bad argument or input path."""

    exit_code = ExitCode.USAGE


class ConfigError(IssueplanError):
    """The config file is invalid; the message names the file, the key path and the fix."""

    exit_code = ExitCode.USAGE


class GitHubError(IssueplanError):
    """GitHub refused or failed; the message says which call and what to do."""

    exit_code = ExitCode.GITHUB


class PermissionDeniedError(GitHubError):
    """The token lacks a permission; the message names the permission to grant."""


class SafetyStopError(IssueplanError):
    """A guard refused to act (e.g. closing more than half of the open items) until explicitly allowed."""

    exit_code = ExitCode.FAILED


def did_you_mean(word: object, choices: Sequence[str]) -> str:
    """` (did you mean 'x'?)` for the closest choice, or nothing: how a "not one of" message ends."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def not_one_of(value: str, choices: Sequence[str]) -> str:
    return f"{value!r} is not one of {', '.join(choices)}{did_you_mean(value.lower(), choices)}"
