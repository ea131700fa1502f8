"""The trace reader's shortcuts (a pattern tried only on a line holding its fixed text) change no location:
on generated traces, `trace_location` gives what trying every pattern on every line gives."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from issueplan.sources import _trace_locations as traces
from issueplan.sources._trace_locations import LINE_CAP, LINE_LIMIT, TraceLocation, trace_location

_FOREIGN = TraceLocation("", 0)
_CHECKOUT = re.compile(
    r"(?:/home/runner|/Users/runner)/_?work/([^/\n]{1,100})/\1/|[A-Za-z]:\\a\\([^\\\n]{1,100})\\\2\\"
)


def _relative(path: str) -> str:
    found = _CHECKOUT.match(path)
    return path[found.end() :].replace("\\", "/") if found else path


def _located(path: str, number: str) -> TraceLocation | None:
    line = int(number)
    clean = _relative(path.strip()).removeprefix("./")
    return TraceLocation(clean, line) if clean and line > 0 else None


def _foreign(path: str) -> bool:
    return path.startswith(("node:", "internal/", "<frozen")) or any(
        part in path for part in ("node_modules/", "site-packages/", "dist-packages/")
    )


# the reader's pattern as it was first written, with `[^:\n]` (the reader's `[^:]` sees no `\n` in a line)
_PYTHON_AS_WRITTEN = re.compile(r"\s{0,40}([^\s:][^:\n]{0,1000}\.py):(\d{1,9}):(?: |$)")


def _python(line: str) -> TraceLocation | None:
    found = (
        _PYTHON_AS_WRITTEN.match(line)
        or traces._PYTHON_NATIVE.match(line)
        or traces._PYTEST_SETUP.match(line)
    )
    if found is None:
        return None
    if _foreign(found.group(1)) or "/lib/python" in found.group(1):
        return _FOREIGN
    return _located(found.group(1), found.group(2))


def reference(trace: str) -> TraceLocation | None:
    """Every pattern on every line (cut to LINE_CAP, up to LINE_LIMIT lines), in the reader's order."""
    if not trace:
        return None
    lines = trace.split("\n", LINE_LIMIT)[:LINE_LIMIT]
    last_python = None
    framed = False
    for raw in lines:
        line = raw[:LINE_CAP]
        found = _python(line)
        if found is None and last_python is None:
            found = traces._javascript(line) or traces._go(line) or traces._jvm(line) or traces._dotnet(line)
        if found is None:
            continue
        framed = True
        if found == _FOREIGN:
            continue
        if not found.path.endswith(".py"):
            return found
        last_python = found
    if last_python is not None or framed:
        return last_python
    first = next((line for line in lines if line.strip()), "")
    match = traces._ANY_PATH_LINE.search(first[:LINE_CAP])
    return _located(match.group(1), match.group(2)) if match else None


# Whole frames of every ecosystem (the code under test's, a framework's, in a runner's checkout) and the
# delimiters the shortcuts look for, mixed into lines.
_PIECES = st.sampled_from(
    [
        "tests/test_cart.py:42: AssertionError", '  File "/home/runner/work/shop/shop/app/cart.py", line 7',
        "file tests/conftest.py, line 8", "/usr/lib/python3.11/site-packages/x.py:3: in f",
        "    at Object.<anonymous> (src/orders.test.ts:20:27)", "at node:internal/process:1:2",
        "\u276f src/a.test.ts:3:9", "\u2192 lib/b.js:1:1", "    cart_test.go:31: got 2",
        "/usr/local/go/src/testing/testing.go:1576 +0x10f", "\tat com.acme.Cart.total(Cart.java:42)",
        "\tat org.junit.Assert.fail(Assert.java:89)",
        "   at Ns.Cart.Total() in D:\\a\\shop\\shop\\src\\Cart.cs:line 12",
        "  at NUnit.Framework.Assert.That() in /src/Assert.cs:line 3", "at ", "(", ")", ":", ":1", "1", ".py",
        ".py:", ".go:", ".js", ".java", " in ", ":line ", "File \"", "file ", "\", line ", "+0x1", "\n", "\n",
        "\t", "  ", "a", "node_modules/", "com.acme.", "./", "/home/runner/work/r/r/", "E   assert 1 == 2",
    ]
)  # fmt: skip


# Most lines one whole frame or delimiter, some several run together.
_LINES = st.lists(_PIECES, min_size=1, max_size=3).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_LINES, max_size=12).map("\n".join))
# a frame at a line's start after a line that ends in no blank (found by a random run)
@example("/usr/lib/python3.11/site-packages/x.py:3: in f\nat Object.<anonymous> (src/orders.test.ts:20:27)")
def test_the_shortcuts_give_the_location_every_pattern_gives(trace: str) -> None:
    assert trace_location(trace) == reference(trace)


_CHECKOUTS = [
    "/home/runner/work/{0}/{1}/", "/Users/runner/_work/{0}/{1}/", "/home/runner/_work/{0}/{1}",
    "{2}:\\a\\{0}\\{1}\\", "{2}:\\a\\{0}/{1}/", "/home/runner/{0}/", "/home/runners/work/{0}/{1}/", "{0}", "",
]  # fmt: skip
_NAMES = st.sampled_from(["shop", "shop", "x", "a/b", "a\\b", "", "\n"])


@st.composite
def paths(draw: st.DrawFn) -> str:
    """Paths in a runner's checkout, near misses of one, and others."""
    start = draw(st.sampled_from(_CHECKOUTS))
    drive = draw(st.sampled_from(["D", "c", "1", ":", ""]))
    rest = draw(st.sampled_from(["src/x.py", "src\\x.cs", "", "\\a\\"]))
    return start.format(draw(_NAMES), draw(_NAMES), drive) + rest


@settings(max_examples=300, deadline=None)
@given(paths())
def test_a_path_is_made_relative_as_the_checkout_pattern_alone_makes_it(path: str) -> None:
    assert traces.checkout_relative(path) == _relative(path)


# Python frames and the near misses of a frame of another ecosystem's start (`at ` after text, after more
# than 40 spaces, after other whitespace): traces the reader reads from their end, and a few it must not.
_PYTHON_PIECES = st.sampled_from(
    [
        "tests/test_cart.py:42: AssertionError", "tests/test_cart.py:7: in test_total",
        '  File "/home/runner/work/shop/shop/app/cart.py", line 7', "file tests/conftest.py, line 8",
        "/usr/lib/python3.11/site-packages/x.py:3: in f", "src/a.py:0: x", "self = <Cart object at 0x7f3a>",
        "at ", " at ", "\tat ", "\u00a0at ", "\x0cat ", "\rat ", " " * 40 + "at ", " " * 41 + "at ", "at",
        "\tat com.acme.Cart.total(Cart.java:42)", "   at Ns.Cart.Total() in /src/cart.py:line 12",
        "cart_test.go:31: got 2", ".go:", "\u276f ", "\u2192 ", ":", " ", "\n", "\n", "E   assert 1 == 2",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_PYTHON_PIECES, min_size=1, max_size=3).map("".join), max_size=12).map("\n".join))
def test_a_trace_read_from_its_end_gives_the_location_every_pattern_gives(trace: str) -> None:
    assert trace_location(trace) == reference(trace)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PYTHON_PIECES, min_size=1, max_size=40).map("".join), st.sampled_from(["x", " "]))
def test_a_line_past_the_cap_or_the_limit_is_read_as_every_pattern_reads_it(filler: str, fill: str) -> None:
    long_line = fill * (LINE_CAP - 10) + filler
    trace = "\n".join([long_line, "tests/test_cart.py:3: E", *["y"] * (LINE_LIMIT - 2), filler, "a.py:1: E"])
    assert trace_location(trace) == reference(trace)
    assert trace_location(long_line) == reference(long_line)
    # the first-line guess: a line blank up to the cap, then not, is the first line, cut
    blank_then_path = "\n".join([fill * (LINE_CAP + 5) + filler, "see b.c:2", filler])
    assert trace_location(blank_then_path) == reference(blank_then_path)
