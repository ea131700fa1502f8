"""JSON text as issueplan writes it: sorted keys, 2-space indent, UTF-8 kept, trailing newline; fast.

The bytes are those of `json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\\n"` (the golden
files prove it), made by orjson: Python's encoder falls back to pure Python as soon as it indents, which cost
3.8 s on a 100k-result SARIF report. orjson and Python agree on every token but two:
- floats below 1e-4 (durations of fast tests): Python writes `1e-05` and `2.5e-07`, orjson `0.00001` and
  `2.5e-7`; such numbers are rewritten to Python's spelling, found on their own line (with indentation every
  number is a whole line's value, and a JSON string cannot hold a raw newline, so the match cannot be inside
  one);
- values orjson refuses (integers beyond 64 bits, lone surrogates): those documents go to `json.dumps`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


# A line whose value is a number orjson spells unlike Python: a small decimal or an exponent. Compiled on
# first use: most documents hold no such number.
@cache
def _odd_float() -> re.Pattern[str]:
    return re.compile(
        r'^( *(?:"(?:[^"\\\n]|\\.)*": )?)(-?(?:0\.0000\d+|\d+(?:\.\d+)?e-\d+))(,?)$', re.MULTILINE
    )


def dumps_sorted(value: Any) -> str:
    """`value` (plain JSON data: dicts with str keys, lists, str, int, float, bool, None) as sorted,
    indented JSON text with a trailing newline."""
    try:
        text = orjson.dumps(value, option=_OPTIONS).decode()
    except (orjson.JSONEncodeError, TypeError):  # refused by orjson, never by json: see the docstring
        return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    if "0.0000" in text or _has_small_exponent(text):  # most documents hold no such number
        text = _odd_float().sub(_python_float, text)
    return text + "\n"


def _python_float(found: re.Match[str]) -> str:
    return f"{found.group(1)}{float(found.group(2))!r}{found.group(3)}"


def _has_small_exponent(text: str) -> bool:
    """True when `text` may hold a number like `2.5e-7`: a digit, "e-", a digit. str.find runs at memchr
    speed where a regex starting with a digit class tries every position (ten times slower on 100 MB)."""
    at = text.find("e-")
    while at != -1:
        if at and text[at - 1].isdigit() and text[at + 2 : at + 3].isdigit():
            return True
        at = text.find("e-", at + 2)
    return False
