"""Who is assigned an item's issue, as the config says: `teams` maps a team to people, `codeowners` reads the
repository's CODEOWNERS file.

Teams stay labels (`team: <team>`): the map names people by GitHub login, never `@org/team`, because an issue
is assigned to users only and a team mention written by issueplan would notify nobody (GITHUB_TOKEN) or
everyone (a personal token). CODEOWNERS is looked for where GitHub looks, in GitHub's order, inside the
workspace only; the tracker turns both into each item's assignees (tracker/assignees.py).
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

import os
import re
import stat
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Annotated

from pydantic import AfterValidator

from issueplan.errors import ConfigError
from issueplan.model import Frozen

CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")  # GitHub's order
CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a larger CODEOWNERS file


@cache
def _login() -> re.Pattern[str]:
    """GitHub's login syntax: letters, digits and single hyphens, neither first nor last, at most 39
    characters. Compiled on first use: a config without teams checks no login."""
    return re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


def is_login(value: str) -> bool:
    return _login().fullmatch(value) is not None


def _checked_login(value: str) -> str:
    if value.startswith("@") or "/" in value:
        raise ValueError(
            f"{value!r} is a team or a mention, not a person: list the GitHub logins of the people to "
            "assign, without '@' (teams stay labels)"
        )
    if not is_login(value):
        raise ValueError(
            f"{value!r} is not a GitHub login (letters, digits and single hyphens, at most 39 characters, "
            "not starting or ending with a hyphen)"
        )
    return value


def _checked_location(value: bool | str) -> bool | str:
    if isinstance(value, bool):
        return value
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if not value.strip() or value.startswith(("/", "\\")) or ".." in parts or ":" in value:
        raise ValueError(
            f"{value!r} must be a path inside the workspace, relative to it and without '..' "
            f"(or true to look where GitHub does: {', '.join(CODEOWNERS_LOCATIONS)})"
        )
    return value


Login = Annotated[str, AfterValidator(_checked_login)]
CodeownersSetting = Annotated[bool | str, AfterValidator(_checked_location)]


class CodeownersFile(Frozen):
    """The CODEOWNERS file a run uses: its path relative to the workspace and its text."""

    path: str
    text: str


def read_codeowners(setting: bool | str, workspace: Path, *, source: str) -> CodeownersFile | None:
    """The CODEOWNERS file the `codeowners` setting names: None when off, or when `true` finds none at
    GitHub's locations. A path the config names must exist; no file is read outside the workspace (a
    symlink that leads out is refused) nor larger than GitHub reads. Raises ConfigError naming the key."""
    if setting is False:
        return None
    candidates = CODEOWNERS_LOCATIONS if setting is True else (str(setting),)
    for relative in candidates:
        path = workspace / relative
        if setting is True and not path.is_file():
            continue
        return CodeownersFile(path=relative, text=_read_inside(workspace, path, relative, source=source))
    return None


def _read_inside(workspace: Path, path: Path, relative: str, *, source: str) -> str:
    where = f"{source}: codeowners: {relative!r}"
    try:
        inside = path.resolve(strict=True).is_relative_to(workspace.resolve(strict=True))
    except OSError:
        raise ConfigError(f"{where} is not a file in the workspace; check the path, or set true") from None
    if not inside:
        raise ConfigError(f"{where} leads outside the workspace (a symlink?); name a file in the repository")
    # O_NOFOLLOW and O_NONBLOCK: a path swapped for a symlink or a FIFO since the check is neither followed
    # nor waited on.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise ConfigError(f"{where} cannot be read ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{where} is not a regular file")
        if info.st_size > CODEOWNERS_MAX_BYTES:
            raise ConfigError(
                f"{where} is {info.st_size:,} bytes; GitHub ignores a CODEOWNERS file over 3 MB, and so "
                "does issueplan"
            )
        data = stream.read(CODEOWNERS_MAX_BYTES + 1)
    return data.decode("utf-8", errors="replace")
