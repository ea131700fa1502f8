"""Hostile and broken TRX and xUnit.net files: each gives a Problem naming the file, never an exception,
expands no entity, fetches nothing, stays bounded in memory, and keeps what was read before the damage."""

from __future__ import annotations

import select
import socket
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from issueplan.model import FileResult
from issueplan.sources import trx, xunit

MB = 1024 * 1024
TRX_ROOT = '<TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">'
# Per reader: a document opening up to where its results go, and one failing result.
SHAPES: dict[str, tuple[str, str, str]] = {
    "trx": (
        f"{TRX_ROOT}<Results>",
        '<UnitTestResult testName="t{n}" outcome="Failed"/>',
        "</Results></TestRun>",
    ),
    "xunit": (
        '<assemblies><assembly><collection name="c">',
        (
            '<test name="t{n}" type="C" method="t{n}" result="Fail">'
            "<failure><message>m</message></failure></test>"
        ),
        "</collection></assembly></assemblies>",
    ),
}
READERS = {"trx": trx, "xunit": xunit}
LAUGHS = (
    '<!DOCTYPE r [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)

pytestmark = pytest.mark.parametrize("fmt", sorted(READERS))


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "hostile.xml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _document(fmt: str, cases: int, *, inner: str = "") -> str:
    opening, case, closing = SHAPES[fmt]
    return opening + "".join(case.format(n=n) for n in range(cases)) + inner + closing


def _read(reader: ModuleType, path: Path) -> tuple[FileResult, int]:
    tracemalloc.start()
    try:
        result: FileResult = reader.read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server


def test_i1_billion_laughs_is_refused_in_bounded_memory(tmp_path: Path, fmt: str) -> None:
    opening, _, closing = SHAPES[fmt]
    result, peak = _read(READERS[fmt], _write(tmp_path, LAUGHS + opening + "&lol9;" + closing))
    [problem] = result.problems
    assert "DTD entity declarations are not allowed" in problem.message
    assert result.totals is None
    assert peak < 2 * MB


def test_i2_quadratic_blowup_is_refused(tmp_path: Path, fmt: str) -> None:
    opening, _, closing = SHAPES[fmt]
    body = f'<!DOCTYPE r [<!ENTITY a "{"x" * 50_000}">]>' + opening + "&a;" * 50_000 + closing
    result, peak = _read(READERS[fmt], _write(tmp_path, body))
    assert "entity" in result.problems[0].message.lower()
    assert peak < 2 * MB


def test_i3_external_entity_naming_a_local_file_is_never_read(tmp_path: Path, fmt: str) -> None:
    sentinel = tmp_path / "secret.txt"
    sentinel.write_text("SENTINEL-7f3a-do-not-leak", encoding="utf-8")
    opening, _, closing = SHAPES[fmt]
    prolog = f'<!DOCTYPE r [<!ENTITY x SYSTEM "{sentinel.as_uri()}">]>'
    result = READERS[fmt].read(_write(tmp_path, prolog + opening + "&x;" + closing))
    assert "SENTINEL" not in result.model_dump_json()
    assert result.problems


def test_i4_external_dtd_on_loopback_is_never_fetched(
    tmp_path: Path, fmt: str, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    prolog = f'<!DOCTYPE r SYSTEM "http://127.0.0.1:{port}/r.dtd">'
    result = READERS[fmt].read(_write(tmp_path, prolog + _document(fmt, 1)))
    readable, _, _ = select.select([listener], [], [], 0)
    assert not readable
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (1, 1)


def test_truncated_file_keeps_the_results_before_the_cut(tmp_path: Path, fmt: str) -> None:
    text = _document(fmt, 3)
    result = READERS[fmt].read(_write(tmp_path, text[: text.index('"t2"') + 2]))
    assert result.totals is not None
    assert result.totals.tests == 2
    [problem] = result.problems
    assert problem.file.endswith("hostile.xml")
    assert "XML parsing stopped" in problem.message
    assert "are kept (2)" in problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (bytes(range(256)) * 64, "XML parsing stopped"),
        (b"", "the file is empty"),
        (b"   \n", "XML parsing stopped"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "XML parsing stopped"),
        (b"<testsuites><testcase/></testsuites>", "the root element is <testsuites>"),
        (b'{"assemblies": []}', "XML parsing stopped"),
    ],
    ids=["binary", "empty", "blank", "png", "other-root", "json"],
)
def test_garbage_is_one_problem_and_no_report(
    tmp_path: Path, fmt: str, content: bytes, expected: str
) -> None:
    result = READERS[fmt].read(_write(tmp_path, content))
    [problem] = result.problems
    assert expected in problem.message
    assert result.totals is None


def test_deep_nesting_is_a_problem(tmp_path: Path, fmt: str) -> None:
    opening, _, closing = SHAPES[fmt]
    result = READERS[fmt].read(_write(tmp_path, opening + "<x>" * 400 + "</x>" * 400 + closing))
    [problem] = result.problems
    assert "depth" in problem.message


def test_a_missing_file_is_a_problem(tmp_path: Path, fmt: str) -> None:
    [problem] = READERS[fmt].read(tmp_path / "absent.xml").problems
    assert "cannot read the file" in problem.message


def test_memory_does_not_grow_with_the_number_of_results(tmp_path: Path, fmt: str) -> None:
    """40 000 failing results (several MB): Python memory stays far below the file size."""
    path = _write(tmp_path, _document(fmt, 40_000))
    result, peak = _read(READERS[fmt], path)
    assert result.totals is not None
    assert result.totals.failures == 40_000
    assert path.stat().st_size > 1 * MB
    assert peak < 4 * MB
