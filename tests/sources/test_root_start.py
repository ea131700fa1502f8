"""The root element's start tag: the shortcut for the usual head finds what the full pattern finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from issueplan.sources._xml import _ROOT_START, root_start


def _full(head: bytes) -> tuple[bytes, bytes] | None:
    """What root_start answered before its shortcut: the full pattern alone."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    found = _ROOT_START.match(head.removeprefix(b"\xef\xbb\xbf"))
    return (found.group(1), found.group(2)) if found else None


_MARKUP = [b"<?xml", b"<?", b"?>", b"?", b">", b"<", b" ", b"\n", b"\t"]
_MARKUP += [b"<!--", b"-->", b"<!DOCTYPE x", b"[", b"]"]
_NAMES = [b"testsuite", b"testsuites", b"1x", b"_a", b"a.b-c", b' version="1.0"', b" a='>'", b"\xef\xbb\xbf"]
_PIECES = st.sampled_from([*_MARKUP, *_NAMES])


@given(st.lists(_PIECES, max_size=12).map(b"".join))
def test_the_shortcut_finds_what_the_full_pattern_finds(head: bytes) -> None:
    assert root_start(head) == _full(head)


@given(st.binary(max_size=64))
def test_any_bytes_give_what_the_full_pattern_gives(head: bytes) -> None:
    assert root_start(head) == _full(head)


def test_the_usual_heads() -> None:
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>'
    usual = declaration + b'\n  <testsuite name="a" tests="1">'
    assert root_start(usual) == (b"testsuite", b' name="a" tests="1"')
    assert root_start(b"<testsuites>") == (b"testsuites", b"")
    assert root_start(declaration + b"<!-- made by x --><testsuite/>") == (b"testsuite", b"/")
    assert root_start(declaration + b"text<testsuite>") is None
