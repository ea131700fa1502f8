"""Turn a pydantic ValidationError into the finished ConfigError text: file, key path, what is wrong, the fix.

issueplan.yml: rules[2].priority: 'critcal' is not one of critical, high, medium, low
(did you mean 'critical'?)   <- one line in the real message
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

import re
from collections.abc import Sequence
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from issueplan.errors import did_you_mean

MAX_SHOWN = 10
INPUT_CHARS = 60


def explain(
    error: ValidationError, *, source: str, root: type[BaseModel], rule_origin: Sequence[int | None] = ()
) -> str:
    """All of `error`'s problems, one line each. `rule_origin[i]` is the user's index of merged rule `i`
    (None for a rule that only the shipped default defines), so paths point into the user's own file."""
    lines = [_line(detail, source, root, rule_origin) for detail in error.errors(include_url=False)]
    if len(lines) > MAX_SHOWN:
        lines = [*lines[:MAX_SHOWN], f"{source}: … and {len(lines) - MAX_SHOWN} more problems"]
    return "\n".join(lines)


def _line(detail: ErrorDetails, source: str, root: type[BaseModel], rule_origin: Sequence[int | None]) -> str:
    loc = tuple(detail["loc"])
    path, parent = _locate(root, loc[:-1]) if detail["type"] == "extra_forbidden" else _locate(root, loc)
    if len(loc) > 1 and loc[0] == "rules" and isinstance(loc[1], int) and loc[1] < len(rule_origin):
        user_index = rule_origin[loc[1]]
        shown = f"rules[{user_index}]" if user_index is not None else f"rules[{loc[1]}] (shipped default)"
        path = path.replace(f"rules[{loc[1]}]", shown, 1)
    message = _message(detail, parent)
    return f"{source}: {path}: {message}" if path else f"{source}: {message}"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= INPUT_CHARS else text[: INPUT_CHARS - 1] + "…"


def _message(detail: ErrorDetails, parent: type[BaseModel] | None) -> str:  # noqa: PLR0911 - a return per error kind
    kind, given, ctx = detail["type"], detail.get("input"), detail.get("ctx") or {}
    if kind in {"enum", "literal_error"}:
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{_short(given)} is not one of {', '.join(choices)}{did_you_mean(given, choices)}"
    if kind == "union_tag_invalid":
        expected = str(ctx.get("expected_tags", ""))
        # Enum tags print as <TriggerType.X: 'x'>; plain tags as 'x'.
        tags = re.findall(r"'([^']*)'>", expected) or re.findall(r"'([^']*)'", expected)
        tag = ctx.get("tag")
        return f"unknown type {tag!r}; one of {', '.join(tags)}{did_you_mean(tag, tags)}"
    if kind == "union_tag_not_found":
        return "missing key 'type' (which trigger this is)"
    if kind == "extra_forbidden":
        key = detail["loc"][-1]
        known = sorted(parent.model_fields) if parent else []
        hint = did_you_mean(key, known) or (f"; known keys: {', '.join(known)}" if known else "")
        return f"unknown key {key!r}{hint}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"should be a mapping of keys to values (got {_short(given)})"
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        return detail["msg"].removeprefix("Value error, ")
    text = detail["msg"].replace("a valid tuple", "a list").replace("a valid dictionary", "a mapping")
    return f"{text[:1].lower()}{text[1:]} (got {_short(given)})"


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in {Union, UnionType} and len(members := _members(annotation)) == 1:
            annotation = members[0]
        else:
            return annotation


def _members(annotation: Any) -> list[Any]:
    return [member for member in get_args(annotation) if member is not NoneType]


def _tagged_member(annotation: Any, tag: object) -> Any:
    for member in _members(annotation):
        field = member.model_fields.get("type") if _is_model(member) else None
        tags = get_args(field.annotation) if field and get_origin(field.annotation) is Literal else ()
        if str(tag) in {str(value) for value in tags}:
            return member
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _locate(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, type[BaseModel] | None]:
    """The user-facing path of `loc` (tags of tagged unions dropped) and the model found there, if any."""
    path = ""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            path += f"[{part}]"
            args = get_args(current)
            current = args[0] if args else None
        elif part == "[key]":
            current = None
        elif _is_model(current):
            field = current.model_fields.get(part)
            path += f".{part}" if path else part
            current = field.annotation if field else None
        elif get_origin(current) in {Union, UnionType}:
            current = _tagged_member(current, part)
        else:
            path += f".{part}" if path else part
            current = get_args(current)[1] if get_origin(current) is dict else None
    current = _unwrap(current)
    return path, current if _is_model(current) else None
