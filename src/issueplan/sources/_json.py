"""Loading a JSON result file as a value or a Problem: size-capped, depth-safe, BOM-tolerant.

Well-formed JSON Python cannot use is a Problem too (RELIABILITY I11): an integer longer than Python's
conversion limit (4,300 digits) makes `json.loads` raise ValueError, and a lone surrogate (`"\\ud800"`)
parses into a string no UTF-8 output can hold, so it would break the plan's files long after the read.
`1e999` and `NaN` parse into floats that `as_number` refuses where a number is expected.

orjson parses first (0.6 s where `json.loads` takes 0.8 on a 90 MB SARIF log, the collector paused for both,
and from the bytes, with no decoded copy); whatever it refuses goes to `json.loads`, so every Problem is the
one Python's decoder gives: invalid UTF-8, a BOM after the first, NaN, `1e999`, control characters, lone
surrogates (orjson refuses them all, joins escaped pairs as json does) and nesting past orjson's 1,024 levels
(a file nested between json's recursion limit, about 990 levels, and 1,024 now reads). The one value the two
parse apart is an integer beyond 64 bits, which orjson turns into a float (the float `float()` makes of it,
2**63 or more in size): a file with a run of 19 digits anywhere (in a string too: only slower) goes to
`json.loads` whole. A reader that checks each number it uses instead (`lost_integer`; the SARIF reader)
asks for `exact_numbers=False` and skips that scan, a tenth of the read of a large log.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

import orjson

from issueplan.collector import collector_paused
from issueplan.model import Problem

MAX_JSON_BYTES = 100 * 2**20
_BOM = b"\xef\xbb\xbf"
# Every digit to "0", every other byte to " ": 19 zeros in a row are a number orjson may not keep an integer.
_DIGITS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_NUMBER = b"0" * 19
# The file is scanned for such a run a piece at a time, each piece overlapping the next by 18 bytes (so a run
# across two pieces is in the first one whole): a translated piece stays in the cache, where one translated
# copy of a 90 MB file cost a third more (90 MB of fresh pages, written and freed).
SCAN_PIECE = 1 << 16

JsonValue: TypeAlias = "dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None"


def load_json(path: Path, *, limit: int = MAX_JSON_BYTES, exact_numbers: bool = True) -> JsonValue | Problem:
    """Parse `path` as JSON, or describe why it could not be parsed.

    json.loads builds the whole tree in memory, so the file is capped rather than streamed; deep nesting makes
    the C parser raise RecursionError (RELIABILITY I7), which is bad input like any other.

    With `exact_numbers=False` an integer beyond 64 bits may come back as a float: the caller checks each
    number it uses with `lost_integer` and, where one is, reads the file again with `exact_numbers=True`.
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
    parsed, fast = parse_fast(raw, exact_numbers=exact_numbers)
    if parsed:
        return fast
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Problem(file=file, message=f"not UTF-8 text (byte {error.start})")
    try:
        with json_refusals(), collector_paused():
            value: JsonValue = json.loads(text)
        refuse_surrogates(value, may_hold_surrogates(text))
    except JsonRefusedError as refused:
        return Problem(file=file, line=refused.line, column=refused.column, message=refused.message)
    return value


def parse_fast(raw: bytes, *, exact_numbers: bool = True) -> tuple[bool, JsonValue]:
    """(True, the value) when orjson parses `raw` (UTF-8, one BOM allowed) into what `json.loads` would give
    (but for integers beyond 64 bits, with `exact_numbers=False`); (False, None) when only `json.loads` can
    say what it is (see the module docstring)."""
    data = memoryview(raw)[3:] if raw.startswith(_BOM) else raw
    if exact_numbers and has_long_number(raw):
        return False, None
    try:
        with collector_paused():
            value: JsonValue = orjson.loads(data)
    except orjson.JSONDecodeError:
        return False, None
    return True, value


def has_long_number(raw: bytes) -> bool:
    """Whether `raw` holds a run of 19 digits or more (anywhere, in a string too)."""
    overlap = len(_LONG_NUMBER) - 1
    return any(
        _LONG_NUMBER in raw[start : start + SCAN_PIECE + overlap].translate(_DIGITS)
        for start in range(0, len(raw), SCAN_PIECE)
    )


_INT64 = float(2**63)


def lost_integer(value: object) -> bool:
    """Whether `value`, parsed with `exact_numbers=False`, may be an integer orjson could not keep: a float of
    2**63 or more in size (what orjson makes of an integer beyond 64 bits; json.loads would keep it exact)."""
    return type(value) is float and not -_INT64 < value < _INT64


class JsonRefusedError(ValueError):
    """JSON this run cannot use; `str()` says why, `line` and `column` where when known. `well_formed` tells
    JSON that Python cannot represent from JSON that is broken."""

    def __init__(
        self, why: str, *, well_formed: bool, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(why)
        self.well_formed = well_formed
        self.line = line
        self.column = column

    @property
    def message(self) -> str:
        return f"{'unusable' if self.well_formed else 'invalid'} JSON: {self}"


@contextmanager
def json_refusals() -> Iterator[None]:
    """Whatever Python's JSON decoder raises on bad input, as a JsonRefusedError."""
    try:
        yield
    except json.JSONDecodeError as error:
        raise JsonRefusedError(error.msg, well_formed=False, line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise JsonRefusedError("nested too deeply to read", well_formed=False) from None
    except ValueError as error:  # well-formed, yet refused: an integer past the conversion limit
        raise JsonRefusedError(_unusable_reason(error), well_formed=True) from None


def refuse_surrogates(value: JsonValue, possible: bool) -> None:
    """Raise JsonRefusedError when `value` holds a lone surrogate (checked only if `possible`)."""
    if possible and (surrogate := lone_surrogate(value)) is not None:
        raise JsonRefusedError(surrogate, well_formed=True)


def _unusable_reason(error: ValueError) -> str:
    """What the decoder refused in well-formed JSON, said without Python's advice to the programmer."""
    if "digits" in str(error):
        return f"a number has more than {sys.get_int_max_str_digits():,} digits, more than any count or line"
    return str(error)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def may_hold_surrogates(text: str) -> bool:
    """Only an escape can make a surrogate (UTF-8 input cannot): without one, no tree needs a walk."""
    return _ESCAPED_SURROGATE.search(text) is not None


def lone_surrogate(value: JsonValue) -> str | None:
    """Why `value` cannot be written as UTF-8 (json.loads joins escaped pairs, so any surrogate left is a
    lone one), or None. Walked without recursion: the tree may be deeply nested."""
    pending: list[JsonValue] = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and _SURROGATE.search(item):
            return "a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text"
    return None


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
