"""Sniffing (_dispatch.detected: the root element found once, first bytes, keys) finds the formats asking
every detector would find, in the same order: for every result file the tests hold, and for generated heads
mixing the bytes detectors look at with bytes no text holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.sources import HEAD_BYTES, READERS
from issueplan.sources._dispatch import detected

DATA = Path(__file__).parent.parent / "data"
FILES = sorted(path for path in DATA.rglob("*") if path.is_file())


def _everyone(head: bytes) -> list[str]:
    return [name for name, reader in READERS.items() if reader.detect(head)]


def _sniffed(head: bytes) -> list[str]:
    return list(detected(head, READERS))


def test_the_data_holds_every_format() -> None:
    found = {name for path in FILES for name in _everyone(path.read_bytes()[:HEAD_BYTES])}
    assert found == set(READERS)  # else the next test would prove nothing for the missing ones


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(DATA)))
def test_sniffing_agrees_with_every_detector_on_the_test_data(path: Path) -> None:
    head = path.read_bytes()[:HEAD_BYTES]
    assert _sniffed(head) == _everyone(head)


PIECES = [
    b"\xef\xbb\xbf",
    b"\xbb",
    b" ",
    b"\t",
    b"\n",
    b"\x0b",
    b"\xff\xfe",
    b"<",
    b"{",
    b"[",
    b"]",
    b"}",
    b'<?xml version="1.0"?>',
    b"<testsuites>",
    b"<testsuite ",
    b"<coverage ",
    b'line-rate="1"',
    b"<packages",
    b"<TestRun>",
    b"<assemblies>",
    b"<test-run>",
    b"TN:",
    b"SF:a.py\n",
    b"DA:1,1\n",
    b"end_of_record\n",
    b'"runs":',
    b'"version": "2.1.0"',
    b'"dependencies": [',
    b'"Action": "run"',
    b'"Package": "p"',
    b'"type"',
    b'"matches": []',
    b'"stats": {',
    b'"numTotalTests": 1',
    b'"numTotalTestSuites": 1',
    b'"config": {',
    b'"database": {',
    b":",
    b",",
    b'"',
    b'"$schema": "https://json.schemastore.org/sarif-2.1.0.json"',
    b'"database": {"advisory-count": 1',
    b'"results": [',
    b'"packages": [',
    b"\xfe\xff",
    b"\x00",
    b"\xe5d\\\xa5",
    b"\x89PNG",
    b"<test-suite>",
    b"<assembly>",
    b"<html>",
    b"<!-- x -->",
]
heads = st.lists(st.sampled_from(PIECES), max_size=12).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(heads)
def test_sniffing_agrees_with_every_detector_on_generated_heads(head: bytes) -> None:
    assert _sniffed(head) == _everyone(head)
