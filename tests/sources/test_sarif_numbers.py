"""The SARIF reader parses with orjson without scanning the log for long digit runs first: orjson makes a
float of an integer beyond 64 bits, so the reader checks each number it uses and reads a log that holds such
a float there again as json.loads parses it. Every log reads to what it reads to from json.loads's tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issueplan.model import FileResult
from issueplan.sources import sarif

SAMPLES = sorted(
    path
    for path in (Path(__file__).resolve().parent.parent / "data" / "sarif").rglob("*.sarif")
    if path.stat().st_size < 64 * 1024
)
BIG = 123_456_789_012_345_678_901  # orjson: 1.2345678901234568e+20


def _expected(path: Path) -> FileResult:
    """What the reader makes of the log json.loads parsed: every number exact."""
    return sarif.read_parsed(str(path), json.loads(path.read_text(encoding="utf-8")))


def _same(path: Path) -> FileResult:
    read = sarif.read(path)
    expected = _expected(path)
    assert read == expected
    assert read.model_dump_json() == expected.model_dump_json()
    return read


def _log(result: dict[str, Any], extensions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    driver: dict[str, Any] = {
        "name": "Scanner",
        "rules": [{"id": "R1", "name": "one", "messageStrings": {"m": {"text": "bad {0} at {1}"}}}],
    }
    tool = {"driver": driver, **({"extensions": extensions} if extensions else {})}
    return {"version": "2.1.0", "runs": [{"tool": tool, "results": [result]}]}


def _located(line: object) -> dict[str, Any]:
    location = {"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": line}}}
    return {"ruleId": "R1", "message": {"text": "bad"}, "locations": [location]}


@pytest.mark.parametrize("line", [BIG, -BIG, 2**64, -(2**63) - 1, 2**64 - 1, -(2**63)])
def test_a_line_beyond_64_bits_is_the_exact_integer(tmp_path: Path, line: int) -> None:
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps(_log(_located(line))), encoding="utf-8")
    (finding,) = _same(path).findings
    assert finding.line == line


@pytest.mark.parametrize(
    "result",
    [
        {"ruleId": "R1", "ruleIndex": BIG, "message": {"text": "x"}},
        {"ruleId": "X", "rule": {"index": BIG}, "message": {"text": "x"}},
        # an index beyond 64 bits names no rule; read as None, the reference's index would name one
        {"ruleId": "X", "ruleIndex": BIG, "rule": {"index": 0}, "message": {"text": "x"}},
        {"ruleId": "X", "rule": {"index": 0, "toolComponent": {"index": BIG}}, "message": {"text": "x"}},
        {"ruleId": "R1", "message": {"id": "m", "arguments": [BIG, 2**64]}},
        {"ruleId": "R1", "message": {"text": "bad {0}", "arguments": [-BIG]}},
    ],
)
def test_a_rule_index_or_message_argument_beyond_64_bits_reads_as_json_reads_it(
    tmp_path: Path, result: dict[str, Any]
) -> None:
    path = tmp_path / "scan.sarif"
    log = _log(result, extensions=[{"name": "pack", "rules": [{"id": "E1", "name": "extended"}]}])
    path.write_text(json.dumps(log), encoding="utf-8")
    (finding,) = _same(path).findings
    if "arguments" in result["message"]:
        assert str(result["message"]["arguments"][0]) in finding.message  # digits, not 1.23e+20


def test_a_float_of_that_size_in_the_log_is_still_a_float(tmp_path: Path) -> None:
    """1e20 is a float to json.loads too: the log read again gives the same, a line of no integer."""
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps(_log(_located(1e20))), encoding="utf-8")
    (finding,) = _same(path).findings
    assert finding.line is None


NUMBERS = st.sampled_from(
    [BIG, -BIG, 2**63, -(2**63) - 1, 2**64, 2**64 - 1, 10**30, 1e20, -1e19, 12345678901234567890.5, 7, 0]
)
PLACES = st.sampled_from(["startLine", "ruleIndex", "index", "arguments", "anywhere"])


def _numbers_placed(tree: Any, draw: st.DrawFn) -> Any:
    """`tree` with drawn big numbers where SARIF keeps numbers (and anywhere else), at a few drawn places."""
    places: list[tuple[Any, str | int]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                places.append((node, key))
                walk(value)
        elif isinstance(node, list):
            for position, value in enumerate(node):
                places.append((node, position))
                walk(value)

    walk(tree)
    for _ in range(draw(st.integers(1, 4))):
        place = draw(PLACES)
        number = draw(NUMBERS)
        if place == "anywhere" and places:
            node, key = draw(st.sampled_from(places))
            node[key] = number
            continue
        results = _objects(tree, "runs", "results")
        if not results:
            continue
        result = draw(st.sampled_from(results))
        if place == "startLine":
            for physical in _objects(result, "locations", "physicalLocation")[:1]:
                physical["region"] = {"startLine": number}
        elif place == "ruleIndex":
            result["ruleIndex"] = number
        elif place == "index":
            key = draw(st.sampled_from(["index", "toolComponent"]))
            result["rule"] = {"id": "x", key: number if key == "index" else {"index": number}}
        else:
            result["message"] = {"text": "found {0} and {1}", "arguments": [number, draw(NUMBERS)]}
    return tree


def _objects(node: Any, *keys: str) -> list[dict[str, Any]]:
    """The objects under `keys` in turn (a list's items each), whatever types a mutation left on the way."""
    found = [node]
    for key in keys:
        values = [item.get(key) for item in found if isinstance(item, dict)]
        found = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return [item for item in found if isinstance(item, dict)]


@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_logs_with_big_numbers_anywhere_read_as_json_reads_them(tmp_path: Path, data: st.DataObject) -> None:
    """Mutated real logs (tests/data): integers beyond 64 bits, floats of that size and small numbers where
    SARIF keeps line numbers, rule indexes and message arguments, and anywhere else, read field by field
    to what the reader makes of json.loads's tree."""
    seed = data.draw(st.sampled_from(SAMPLES))
    tree = _numbers_placed(json.loads(seed.read_text(encoding="utf-8-sig")), data.draw)
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps(tree), encoding="utf-8")
    _same(path)
