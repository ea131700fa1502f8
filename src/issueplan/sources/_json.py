"""Loading a JSON result file as a value or a Problem: size-capped, depth-safe, BOM-tolerant."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TypeAlias

from issueplan.model import Problem

MAX_JSON_BYTES = 100 * 2**20

JsonValue: TypeAlias = "dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None"


def load_json(path: Path, *, limit: int = MAX_JSON_BYTES) -> JsonValue | Problem:
    """Parse `path` as JSON, or describe why it could not be parsed.

    json.loads builds the whole tree in memory, so the file is capped rather than streamed; deep nesting makes
    the C parser raise RecursionError (RELIABILITY I7), which is bad input like any other.
    """
    file = str(path)
    try:
        with path.open("rb") as stream:
            # checked before reading: a huge file costs nothing; read(limit + 1) still bounds a growing one
            too_big = os.fstat(stream.fileno()).st_size > limit
            raw = b"" if too_big else stream.read(limit + 1)
    except OSError as error:
        return Problem(file=file, message=f"cannot read: {error.strerror or error}")
    if too_big or len(raw) > limit:
        return Problem(file=file, message=f"not read: larger than {limit // 2**20} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Problem(file=file, message=f"not UTF-8 text (byte {error.start})")
    try:
        value: JsonValue = json.loads(text)
    except json.JSONDecodeError as error:
        return Problem(file=file, line=error.lineno, column=error.colno, message=f"invalid JSON: {error.msg}")
    except RecursionError:
        return Problem(file=file, message="invalid JSON: nested too deeply to read")
    return value


def as_dict(value: JsonValue) -> dict[str, JsonValue]:
    """`value` when it is an object, else an empty one: wrong types read as absent data."""
    return value if isinstance(value, dict) else {}


def as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def as_str(value: JsonValue) -> str | None:
    return value if isinstance(value, str) else None


def as_int(value: JsonValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_number(value: JsonValue) -> float | None:
    """A finite JSON number, or a string holding one (scanners write scores both ways); None otherwise.

    Huge integers (beyond a float) and infinities are refused: a count or a duration of that size is garbage,
    and a non-finite float would not survive the trip to JSON."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def as_strs(value: JsonValue) -> tuple[str, ...]:
    return tuple(item for item in as_list(value) if isinstance(item, str))
