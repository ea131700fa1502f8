"""load_json parses with orjson where it can and with Python's json elsewhere: every file reads to the value,
or the Problem, that Python's json gives (_json.py's docstring lists where the two parsers differ)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.model import Problem
from issueplan.sources._json import SCAN_PIECE, JsonValue, load_json, lost_integer, parse_fast


def _load(tmp_path: Path, data: bytes) -> JsonValue | Problem:
    path = tmp_path / "report.json"
    path.write_bytes(data)
    return load_json(path)


@pytest.mark.parametrize(
    "data",
    [
        b'{"line": 12345678901234567890123, "low": -9223372036854775809, "top": 18446744073709551615}',
        b'{"id": "1234567890123456789012345", "n": 1}',  # a long digit run in a string: json's way too
        b'{"a": 1, "b": 2, "a": 3}',  # a repeated key: the last value, at the first key's place
        b'{"x": [1.5e-320, -0.0, 0.1, 1e22, 123456789012345678, -1]}',
        b'{"s": "\\ud83d\\ude00 \\u00e9 \\u0000 caf\xc3\xa9"}',
        b"\xef\xbb\xbf[1, 2]",
        b' \r\n\t{"deep": ' + b"[" * 200 + b"]" * 200 + b"}",
    ],
)
def test_a_well_formed_file_reads_to_what_json_gives(tmp_path: Path, data: bytes) -> None:
    value = _load(tmp_path, data)
    expected = json.loads(data.decode("utf-8-sig"))
    assert value == expected
    assert repr(value) == repr(expected)  # ints stay ints (not floats), key order as json's


def test_json_reads_what_orjson_refuses_as_before(tmp_path: Path) -> None:
    """NaN and 1e999 are JSON Python reads (as_number refuses them where a number is expected)."""
    value = _load(tmp_path, b'{"a": NaN, "b": 1e999, "c": -Infinity}')
    assert isinstance(value, dict)
    assert math.isnan(value["a"])  # type: ignore[arg-type]
    assert value["b"] == math.inf
    assert value["c"] == -math.inf


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'["\\ud800"]', "unusable JSON: a string holds a lone UTF-16 surrogate"),
        (b'{"a": "\\udc00x"}', "unusable JSON: a string holds a lone UTF-16 surrogate"),
        (b"[" + b"1" * 5000 + b"]", "unusable JSON: a number has more than 4,300 digits"),
        (b"[" * 100_000 + b"]" * 100_000, "invalid JSON: nested too deeply to read"),
        (b'{"a": 1,}', "invalid JSON: Expecting property name enclosed in double quotes"),
        (b'["a\x01b"]', "invalid JSON: Invalid control character at"),
        (b"\xef\xbb\xbf\xef\xbb\xbf[1]", "invalid JSON: Unexpected UTF-8 BOM"),
        (b'["\xed\xa0\x80"]', "not UTF-8 text (byte 2)"),
        (b"", "invalid JSON: Expecting value"),
    ],
)
def test_refused_json_is_the_problem_pythons_json_gives(tmp_path: Path, data: bytes, message: str) -> None:
    problem = _load(tmp_path, data)
    assert isinstance(problem, Problem)
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("data", "fast"),
    [
        (b'{"results": [{"line": 3, "id": "a"}]}', True),
        (b'{"count": 1234567890123456789}', False),  # 19 digits: orjson might make a float of it
        (b'{"a": NaN}', False),
        (b'["\\ud800"]', False),
    ],
)
def test_orjson_reads_the_plain_files_and_leaves_the_others(data: bytes, fast: bool) -> None:
    parsed, value = parse_fast(data)
    assert parsed is fast
    if fast:
        assert value == json.loads(data)


@pytest.mark.parametrize("before", [0, 1, 2, 10, 18, 19, 20])
def test_a_long_integer_across_two_scanned_pieces_is_read_exactly(tmp_path: Path, before: int) -> None:
    """The 19-digit scan reads the file a piece at a time: an integer on the border of two pieces (`before`
    of its 21 digits in the first) is still seen, so json.loads reads it exactly (orjson: a float)."""
    number = 123_456_789_012_345_678_901
    head = b'{"line": '
    data = head.rjust(SCAN_PIECE - before) + b"%d}" % number
    assert data.index(b"1") == SCAN_PIECE - before
    assert orjson.loads(data) != {"line": number}
    assert not parse_fast(data)[0]
    assert _load(tmp_path, data) == {"line": number}


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(
    st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40),
        st.integers(min_value=2**62, max_value=2**65),
        st.integers(min_value=-(2**65), max_value=-(2**62)),
        st.floats(allow_nan=False, allow_infinity=False),
    )
)
def test_a_number_orjson_cannot_keep_is_a_lost_integer(number: float) -> None:
    """With exact_numbers=False the scan is skipped: orjson's value is json's, or a float lost_integer tells
    (so a reader checking the numbers it uses never takes a rounded integer for the file's)."""
    data = b'{"n": %s}' % json.dumps(number).encode()
    parsed, value = parse_fast(data, exact_numbers=False)
    assert parsed
    assert isinstance(value, dict)
    exact = json.loads(data)["n"]
    if repr(value["n"]) != repr(exact):
        assert isinstance(exact, int)
        assert lost_integer(value["n"])
        assert value["n"] == float(exact)
    assert not lost_integer(exact) or isinstance(exact, float)


def test_a_long_integer_is_read_exactly_by_default_and_as_orjson_reads_it_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(b'{"line": 123456789012345678901}')
    assert load_json(path) == {"line": 123456789012345678901}
    assert load_json(path, exact_numbers=False) == {"line": 1.2345678901234568e20}
