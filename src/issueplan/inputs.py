"""What a run's options must be, as the pydantic types both front ends' models use (JobOptions, ActionInputs),
and the one place a ValidationError about them becomes a UsageError naming the option, the value and the fix.

A bad value is refused here, at the edge, before anything is read or written: an empty or marker-breaking
scope, a label GitHub would refuse, an `ftp://` API URL, a file where a directory belongs (RELIABILITY S24).
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

import re
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from issueplan.errors import UsageError
from issueplan.limits import (
    MAX_WRITES_MAX,
    REPOSITORY_SHAPE,
    SCOPE_CHARACTERS,
    SCOPE_MAX,
    SCOPE_SHAPE,
    WRITE_INTERVAL_MAX,
)
from issueplan.naming import label_problem

_Model = TypeVar("_Model", bound=BaseModel)
_CREDENTIALS = r"://[^/@\s]*@"  # matched with `re.sub`, compiled on first use: only a refused value needs it
SHOWN_CHARS = 200  # a path shown whole; a huge value (all input is untrusted) cut


def _api_url(value: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or not _has_valid_port(value)
        or parts.username  # credentials belong in the token, never in a URL that is logged
        or parts.query
        or any(character.isspace() for character in value)
    ):
        raise ValueError(
            "is not an http(s) URL with a host, e.g. https://api.github.com "
            "(GitHub Enterprise Server: https://HOST/api/v3)"
        )
    return value.rstrip("/")


def _has_valid_port(url: str) -> bool:
    try:
        urlsplit(url).port  # noqa: B018 - reading it is the check: ValueError for a port that is no number
    except ValueError:
        return False
    return True


def _repository(value: str) -> str:
    if not re.fullmatch(REPOSITORY_SHAPE, value):
        raise ValueError(
            "is not OWNER/NAME, e.g. octo-org/octo-repo (GitHub's names: letters, digits, '-', '_', '.')"
        )
    return value


def _scope(value: str) -> str:
    if not (len(value) <= SCOPE_MAX and SCOPE_SHAPE.fullmatch(value)):
        raise ValueError(
            f"is not a scope: 1 to {SCOPE_MAX} {SCOPE_CHARACTERS} (it goes into the hidden marker of every "
            "issue and into milestone titles), e.g. nightly"
        )
    return value


def _label(value: str) -> str:
    problem = label_problem(value)
    if problem is not None:
        raise ValueError(f"{problem}; e.g. issueplan")
    return value


def _directory(value: Path) -> Path:
    if value.exists() and not value.is_dir():
        raise ValueError("is a file, not a directory; name a directory (a missing one is created)")
    return value


def _existing_directory(value: Path) -> Path:
    if not value.is_dir():
        what = "is a file" if value.exists() else "does not exist"
        raise ValueError(f"{what}; name the directory of the checkout")
    return value


def _existing_file(value: Path) -> Path:
    if not value.is_file():
        what = "is a directory, not a file" if value.exists() else "is not found"
        raise ValueError(f"{what}; check the path, or leave it out for the defaults")
    return value


ApiUrl = Annotated[str, AfterValidator(_api_url)]
Repository = Annotated[str, AfterValidator(_repository)]
Scope = Annotated[str, AfterValidator(_scope)]
LabelName = Annotated[str, AfterValidator(_label)]
WriteBudget = Annotated[int, Field(ge=0, le=MAX_WRITES_MAX)]
NewIssueBudget = Annotated[int, Field(ge=0, le=MAX_WRITES_MAX)]
WriteInterval = Annotated[float, Field(ge=0, le=WRITE_INTERVAL_MAX)]
Directory = Annotated[Path, AfterValidator(_directory)]
ExistingDirectory = Annotated[Path, AfterValidator(_existing_directory)]
ExistingFile = Annotated[Path, AfterValidator(_existing_file)]

# What a number must be, for the errors pydantic words itself (parsing, bounds).
EXPECTED: dict[str, str] = {
    "max_writes": f"a whole number from 0 to {MAX_WRITES_MAX}; leave it out for no limit",
    "max_new_issues": f"a whole number from 0 to {MAX_WRITES_MAX}, e.g. 50",
    "write_interval": f"a number of seconds from 0 to {WRITE_INTERVAL_MAX:g}, e.g. 0.8 (75 a minute)",
}
_SECRET_FIELDS = frozenset({"token"})


class FrontEnd(StrEnum):
    """Who asked: how an option is spelt in a message (`--max-writes`, input `max-writes`)."""

    CLI = "cli"
    ACTION = "action"

    def spell(self, field: str) -> str:
        if self is FrontEnd.CLI:
            return _CLI_NAMES.get(field, "--" + field.replace("_", "-"))
        return _ACTION_NAMES.get(field, f"input `{field.replace('_', '-')}`")


_CLI_NAMES = {  # a value that may come from the environment says so
    "results": "RESULTS",
    "token": "the token",  # nosec B105 - how a message names it, no secret
    "repo": "--repo (or $GITHUB_REPOSITORY)",
    "api_url": "--api-url (or $GITHUB_API_URL)",
    "workspace": "--workspace (or $GITHUB_WORKSPACE)",
}
_ACTION_NAMES = {
    "repo": "input `repository`",
    "token": "input `github-token`",  # nosec B105 - how a message names it, no secret
    "workspace": "$GITHUB_WORKSPACE",
    "output_dir": "the output directory (issueplan-output in the workspace)",
}


def validated(model: type[_Model], front_end: FrontEnd, /, **values: object) -> _Model:
    """`model` built from `values`; a bad value is a UsageError naming the option as `front_end` spells it."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise UsageError(explain_options(error, front_end)) from None


def explain_options(error: ValidationError, front_end: FrontEnd) -> str:
    lines = []
    for detail in error.errors(include_url=False):
        field = str(detail["loc"][0]) if detail["loc"] else ""
        name = front_end.spell(field)
        shown = "" if field in _SECRET_FIELDS else f"{_shown(detail.get('input'))} "
        if detail["type"] == "value_error":
            lines.append(f"{name}: {shown}{detail['msg'].removeprefix('Value error, ')}")
        elif field in EXPECTED:
            lines.append(f"{name}: {shown}is not {EXPECTED[field]}")
        else:
            lines.append(f"{name}: {shown}{detail['msg'][:1].lower()}{detail['msg'][1:]}")
    return "\n".join(lines)


def _shown(value: object) -> str:
    text = repr(str(value) if isinstance(value, PurePath) else value)
    text = re.sub(_CREDENTIALS, "://…@", text)  # a URL's user:password is never echoed into a log
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
