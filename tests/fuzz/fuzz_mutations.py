"""Seeds and mutations for the reader fuzz tests: real reports (the shared corpus, tests/data) bent the ways
hostile or broken CI output is bent — flipped bytes, cuts, splices, DTDs and entities, deep nesting, huge
numbers, wrong JSON types.

Imported by the test modules of this folder (pytest puts the folder on sys.path: it has no __init__.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from issueplan.sources import HEAD_BYTES, READERS

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "tests" / "data"
# Big seeds make every example slow and add little that a small one of the same format does not.
MAX_SEED_BYTES = 64 * 1024


def shared_corpus() -> Path:
    shared = Path(os.environ.get("ISSUEPLAN_SHARED", REPO_ROOT.parent / "shared"))
    return shared.resolve() / "corpus"


# Minimal valid documents, so every reader has seeds even without the shared corpus.
BUILTIN_SEEDS: dict[str, tuple[bytes, ...]] = {
    "junit": (
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n'
            b'<testsuites><testsuite name="unit" tests="2" failures="1" '
            b'errors="0" skipped="0" time="0.5"><testcase classname="t.a" name="test_ok" time="0.1"/>'
            b'<testcase classname="t.a" name="test_bad" file="t/a.py" line="4"><failure message="boom" '
            b'type="AssertionError">trace @octocat #12</failure><system-out>out</system-out></testcase>'
            b"</testsuite></testsuites>\n"
        ),
    ),
    "sarif": (
        json.dumps(
            {
                "version": "2.1.0",
                "runs": [
                    {
                        "tool": {"driver": {"name": "Bandit", "rules": [{"id": "B105", "properties": {}}]}},
                        "results": [
                            {
                                "ruleId": "B105",
                                "level": "error",
                                "message": {"text": "hardcoded password @bob #3"},
                                "locations": [
                                    {
                                        "physicalLocation": {
                                            "artifactLocation": {"uri": "app/a.py"},
                                            "region": {"startLine": 3},
                                        }
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ).encode(),
    ),
    "pip-audit": (
        (
            b'{"dependencies": [{"name": "requests", "version": "2.19.1", "vulns": [{"id": "PYSEC-2018-28", '
            b'"fix_versions": ["2.20.0"], "aliases": ["CVE-2018-18074"], "description": "leak"}]}], '
            b'"fixes": []}'
        ),
    ),
    "npm-audit": (
        (
            b'{"auditReportVersion": 2, "vulnerabilities": {"lodash": {"name": "lodash", "severity": "high", '
            b'"via": [{"source": 1, "title": "Prototype Pollution", "url": "https://x/GHSA-1", '
            b'"severity": "high", '
            b'"cwe": ["CWE-1321"], "range": "<4.17.21"}], "range": "<4.17.21", "fixAvailable": true}}, '
            b'"metadata": {"vulnerabilities": {"high": 1}}}'
        ),
    ),
    "osv": (
        (
            b'{"results": [{"source": {"path": "requirements.txt", "type": "lockfile"}, '
            b'"packages": [{"package": '
            b'{"name": "jinja2", "version": "2.4.1", "ecosystem": "PyPI"}, "vulnerabilities": [{"id": '
            b'"GHSA-462w-v97r-4m45", "summary": "sandbox escape", "database_specific": {"severity": "HIGH", '
            b'"cwe_ids": ["CWE-693"]}, "affected": []}], "groups": [{"ids": ["GHSA-462w-v97r-4m45"]}]}]}]}'
        ),
    ),
    "cobertura": (
        (
            b'<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">'
            b'\n<coverage line-rate="0.5" branch-rate="0.25" lines-valid="4" lines-covered="2" version="1">'
            b'<packages><package name="app"><classes><class name="a" filename="app/a.py" line-rate="0.5">'
            b'<lines><line number="1" hits="1"/><line number="2" hits="0" branch="true" '
            b'condition-coverage="50% (1/2)"/></lines></class></classes></package></packages></coverage>\n'
        ),
    ),
    "lcov": (b"TN:\nSF:app/a.py\nDA:1,1\nDA:2,0\nBRDA:2,0,0,1\nBRDA:2,0,1,-\nLF:2\nLH:1\nend_of_record\n",),
}

# What hostile or broken producers put into reports, spliced in at random places.
HOSTILE_SNIPPETS: tuple[bytes, ...] = (
    (
        b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    ),
    b'<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    b'<!DOCTYPE t SYSTEM "http://127.0.0.1:9/evil.dtd">',
    b'<!DOCTYPE t [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
    b"&a;&b;&c;&x;",
    b"&#0;&#x110000;&#xFFFE;",
    b"<x>" * 300,
    b"</testsuite></testsuites>",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"<?xml version='1.0' encoding='bogus-8'?>",
    b'<?xml version="1.0" encoding="UTF-16"?>',
    b"\xef\xbb\xbf",
    b"\xff\xfe\x00\x00",
    b"\x00",
    b"\xc3\x28\xa0\xa1",
    b"[" * 5000,
    b'{"a":' * 3000,
    b"1e999999",
    b"-1e400",
    b"99999999999999999999999999999999999999",
    b"NaN",
    b"Infinity",
    b"-0",
    b"null",
    b"true",
    b'"',
    b"{}",
    b"[]",
    b'"\\ud800"',
    b'"\\u0000"',
    b"SF:",
    b"DA:1,1e400\n",
    b"DA:-1,-5\n",
    b"DA:1,inf\n",
    b"DA:1,nan\n",
    b"BRDA:1,0,0,-\n",
    b"LF:99999999999999999999999\n",
    b"end_of_record\n",
    b'tests="-3" failures="1e9" time="inf"',
    b'line="99999999999999999999999" time="NaN"',
    b"@octocat #12 <!-- issueplan -->",
    b"\n" * 200,
)

# Values of every JSON type, for replacing a node with a value of the wrong type.
WRONG_TYPES: tuple[Any, ...] = (None, True, 0, -1, 1.5, 10**30, "", "x", [], [None], {}, {"": None})


def seeds_for(fmt: str) -> list[bytes]:
    """Seeds for the reader `fmt`: the built-in ones, then every corpus and tests/data file it detects."""
    reader = READERS[fmt]
    found = list(BUILTIN_SEEDS.get(fmt, ()))
    roots = [shared_corpus(), DATA]
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.stat().st_size > MAX_SEED_BYTES:
                continue
            data = path.read_bytes()
            if reader.detect(data[:HEAD_BYTES]) and data not in found:
                found.append(data)
    return found


Mutation = Callable[[bytes], bytes]


@st.composite
def _mutation(draw: st.DrawFn, others: list[bytes]) -> Mutation:  # noqa: PLR0911 - one return per mutation kind
    kind = draw(
        st.sampled_from(["flip", "cut", "splice", "insert", "repeat", "wrong_type", "nest", "number"])
    )
    where = draw(st.floats(0, 1))
    if kind == "flip":
        value = draw(st.integers(0, 255))
        return lambda data: _at(data, where, lambda at: data[:at] + bytes([value]) + data[at + 1 :])
    if kind == "cut":
        return lambda data: data[: int(len(data) * where)]
    if kind == "splice":
        other, start = draw(st.sampled_from(others)), draw(st.floats(0, 1))
        return lambda data: data[: int(len(data) * where)] + other[int(len(other) * start) :]
    if kind == "insert":
        snippet = draw(st.sampled_from(HOSTILE_SNIPPETS))
        return lambda data: _at(data, where, lambda at: data[:at] + snippet + data[at:])
    if kind == "repeat":
        size, times = draw(st.integers(1, 64)), draw(st.integers(2, 50))
        return lambda data: _at(data, where, lambda at: data[:at] + data[at : at + size] * times + data[at:])
    if kind == "wrong_type":
        value, pick = draw(st.sampled_from(WRONG_TYPES)), draw(st.integers(0, 2**16))
        return lambda data: _replace_json_node(data, pick, value)
    if kind == "nest":
        depth = draw(st.sampled_from([300, 5_000, 100_000]))
        return lambda data: _nest(data, depth)
    number = draw(st.sampled_from([b"1e999", b"-1e999", b"1" * 400, b"-0.0", b"9" * 25, b"0x10", b"1_0"]))
    return lambda data: _replace_number(data, where, number)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with zero to four mutations applied in turn."""
    data = draw(st.sampled_from(seeds))
    for mutate in draw(st.lists(_mutation(seeds), max_size=4)):
        data = mutate(data)
    return data


def _at(data: bytes, where: float, edit: Callable[[int], bytes]) -> bytes:
    return edit(min(int(len(data) * where), len(data)))


def _nest(data: bytes, depth: int) -> bytes:
    """`data` wrapped `depth` levels deep, in the syntax its first byte suggests."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return stripped.replace(b">", b">" + b"<n>" * depth, 1) if b">" in stripped else stripped
    return b'{"runs":' * depth + stripped + b"}" * depth


def _replace_number(data: bytes, where: float, number: bytes) -> bytes:
    """The first run of digits at or after `where` replaced by `number`."""
    start = int(len(data) * where)
    for index in range(start, len(data)):
        if data[index : index + 1].isdigit():
            end = index
            while end < len(data) and data[end : end + 1].isdigit():
                end += 1
            return data[:index] + number + data[end:]
    return data


def _replace_json_node(data: bytes, pick: int, value: Any) -> bytes:
    """`data` with its `pick`-th JSON node (modulo their count) replaced by `value`; unchanged if not JSON."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return data
    nodes: list[tuple[Any, Any]] = []  # (container, key) pairs in document order

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            children: Any = node.items()
        else:
            children = enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            nodes.append((node, key))
            walk(child)

    try:
        walk(document)
    except RecursionError:
        return data
    if not nodes:
        return json.dumps(value).encode()
    container, key = nodes[pick % len(nodes)]
    container[key] = value
    return json.dumps(document).encode()
