"""Hostile and broken JUnit files: each gives a clear Problem naming the file, reads nothing it names, stays
bounded in memory, and keeps what was read before the damage."""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from issueplan.model import MESSAGE_CAP, READ_CAP, TRACE_CAP, FileResult
from issueplan.render.clean import clean_model
from issueplan.sources import junit

MB = 1024 * 1024
LAUGHS = (
    '<!DOCTYPE testsuites [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)


def _read(path: Path) -> tuple[FileResult, int]:
    """Read `path`, returning the result and the peak of Python memory allocated meanwhile."""
    tracemalloc.start()
    try:
        result = junit.read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "hostile.xml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on loopback; a connection attempt would be waiting in its backlog."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server


def _was_contacted(server: socket.socket) -> bool:
    readable, _, _ = select.select([server], [], [], 0)
    return bool(readable)


def test_i3_external_entity_naming_a_local_file_is_refused_and_never_read(tmp_path: Path) -> None:
    """I3: the sentinel text appears nowhere in the result."""
    sentinel = tmp_path / "secret.txt"
    sentinel.write_text("SENTINEL-7f3a-do-not-leak", encoding="utf-8")
    for body in ('<testcase name="a"><failure>&x;</failure></testcase>', '<testcase name="&x;"/>'):
        path = _write(
            tmp_path,
            f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "{sentinel.as_uri()}">]>'
            f"<testsuites><testsuite>{body}</testsuite></testsuites>",
        )
        result = junit.read(path)
        assert "SENTINEL" not in result.model_dump_json()
        [problem] = result.problems
        assert problem.file == str(path)
        assert (
            "DTD entity declarations are not allowed" in problem.message
            or "external entity" in problem.message
        )


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE testsuites SYSTEM "http://127.0.0.1:{port}/junit.dtd">',
        '<!DOCTYPE testsuites PUBLIC "-//x//y" "http://127.0.0.1:{port}/junit.dtd">',
        '<!DOCTYPE t [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>',
        '<!DOCTYPE t [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>',
    ],
    ids=["external-dtd", "public-dtd", "external-entity", "parameter-entity"],
)
def test_i4_external_dtd_or_entity_on_loopback_is_never_fetched(
    tmp_path: Path, listener: socket.socket, prolog: str
) -> None:
    """I4: the listener sees no connection."""
    port = listener.getsockname()[1]
    path = _write(
        tmp_path, prolog.format(port=port) + '<testsuites><testcase name="a">&x;</testcase></testsuites>'
    )
    result = junit.read(path)
    assert not _was_contacted(listener)
    if "ENTITY" in prolog:
        assert "DTD entity declarations are not allowed" in result.problems[0].message


def test_i4_external_dtd_without_entities_still_reads_offline(
    tmp_path: Path, listener: socket.socket
) -> None:
    """I4: a plain SYSTEM DOCTYPE is ignored, the report read, and the URL never contacted."""
    port = listener.getsockname()[1]
    path = _write(
        tmp_path,
        f'<!DOCTYPE testsuites SYSTEM "http://127.0.0.1:{port}/junit.dtd">'
        '<testsuites><testcase name="a"><failure/></testcase></testsuites>',
    )
    result = junit.read(path)
    assert not _was_contacted(listener)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures, result.problems) == (1, 1, ())


@pytest.mark.parametrize(
    "body",
    ['<testsuites><testcase name="a">&lol9;</testcase></testsuites>', '<testsuites name="&lol9;"/>'],
    ids=["in-text", "in-root-attribute"],
)
def test_i1_billion_laughs_is_a_problem_in_bounded_memory(tmp_path: Path, body: str) -> None:
    """I1: a Problem for the file, no expansion (a billion 'lol's would be 3 GB)."""
    result, peak = _read(_write(tmp_path, LAUGHS + body))
    [problem] = result.problems
    assert problem.file.endswith("hostile.xml")
    assert "entity" in problem.message.lower()
    assert result.totals is None
    assert peak < 2 * MB


@pytest.mark.parametrize("where", ["text", "attribute"])
def test_i2_quadratic_blowup_is_a_problem_in_bounded_memory(tmp_path: Path, where: str) -> None:
    """I2: one 50 kB entity referenced 50 000 times (2.5 GB expanded) gives a Problem, not the expansion."""
    refs = "&a;" * 50_000
    body = (
        f'<testsuites name="{refs}"/>'
        if where == "attribute"
        else f"<testsuites><testcase>{refs}</testcase></testsuites>"
    )
    result, peak = _read(_write(tmp_path, f'<!DOCTYPE t [<!ENTITY a "{"x" * 50_000}">]>{body}'))
    [problem] = result.problems
    assert "entity" in problem.message.lower()
    assert peak < 2 * MB


def test_truncated_file_keeps_the_cases_before_the_cut(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<testsuites>\n<testsuite name="s">\n<testcase name="a"/>\n'
        '<testcase name="b"><failure message="boom"/></testcase>\n<testcase name="c"><failure message="cut',
    )
    result = junit.read(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (2, 1)
    assert [case.name for case in result.cases] == ["b"]
    [problem] = result.problems
    assert (problem.file, problem.line) == (str(path), 5)
    assert "the test cases before it are kept (2)" in problem.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (bytes(range(256)) * 64, "XML parsing stopped at line 1"),
        (b"", "the file is empty"),
        (b"   \n", "XML parsing stopped"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "XML parsing stopped"),
    ],
    ids=["binary", "empty", "blank", "png"],
)
def test_garbage_is_one_problem_and_no_report(tmp_path: Path, content: bytes, expected: str) -> None:
    result = junit.read(_write(tmp_path, content))
    [problem] = result.problems
    assert expected in problem.message
    assert result.totals is None


def test_invalid_utf8_keeps_what_came_before(tmp_path: Path) -> None:
    path = _write(tmp_path, b'<testsuite>\n<testcase name="ok"/>\n<testcase name="\xff\xfe"/></testsuite>')
    result = junit.read(path)
    assert result.totals is not None
    assert result.totals.tests == 1
    [problem] = result.problems
    assert problem.line == 3
    assert "encoding" in problem.message


def test_i6_a_9_mb_failure_message_is_capped(tmp_path: Path) -> None:
    """I6, R9: a text node just under libxml2's 10 MB limit is read, kept up to the reader's bound, and cut
    to the display caps by the clean pass (after redaction), the mark counting every dropped character."""
    huge = "é" * (4 * MB)  # 8 MB of UTF-8
    path = _write(
        tmp_path,
        f'<testsuite><testcase name="big"><failure message="{huge}">{huge}</failure></testcase></testsuite>',
    )
    result, peak = _read(path)
    [case] = result.cases
    assert len(case.message) < READ_CAP + 100
    shown = clean_model(case)
    assert shown.message.startswith("é" * MESSAGE_CAP)
    assert shown.message.endswith(f"[cut: {4 * MB - MESSAGE_CAP} more characters]")
    assert len(shown.message) < MESSAGE_CAP + 100
    assert len(shown.trace) < TRACE_CAP + 100
    assert peak < 80 * MB


def test_i6_a_text_node_over_10_mb_is_a_problem_and_the_run_goes_on(tmp_path: Path) -> None:
    """I6: over libxml2's limit: a Problem with the line; the cases before it are kept."""
    path = _write(
        tmp_path,
        '<testsuite>\n<testcase name="first"><failure/></testcase>\n<testcase name="big"><failure>'
        + "x" * (11 * MB)
        + "</failure></testcase></testsuite>",
    )
    result = junit.read(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (1, 1)
    [problem] = result.problems
    assert problem.line == 3
    assert "Text node too long" in problem.message


def test_deep_nesting_is_a_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, "<testsuites>" + "<testsuite>" * 400 + "</testsuite>" * 400 + "</testsuites>")
    [problem] = junit.read(path).problems
    assert "depth" in problem.message


def _large_report(path: Path, megabytes: int) -> int:
    """Write a report of about `megabytes` MB (every 50th case fails); return its number of cases."""
    case = '<testcase classname="pkg.module.TestClass" name="test_{n}" time="0.001"{body}\n'
    failing = '><failure message="assert 1 == 2">trace line one\ntrace line two</failure></testcase>'
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<testsuites>\n<testsuite name="big">\n')
        while out.tell() < megabytes * MB:
            out.write(
                "".join(
                    case.format(n=count + k, body=failing if (count + k) % 50 == 0 else "/>")
                    for k in range(1000)
                )
            )
            count += 1000
        out.write("</testsuite>\n</testsuites>\n")
    return count


@pytest.mark.slow
def test_i6_a_50_mb_report_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """I6: Python memory stays far below the file size; so does the whole process (libxml2 included)."""
    path = tmp_path / "large.xml"
    count = _large_report(path, 50)
    result, peak = _read(path)
    assert result.totals is not None
    assert (result.totals.tests, result.totals.failures) == (count, count // 50)
    assert peak < 10 * MB
    # VmHWM, read in the child: its rusage would include this (large) process's peak, inherited across exec.
    script = (
        "import re, sys; from pathlib import Path; from issueplan.sources import junit; "
        "junit.read(Path(sys.argv[1])); "
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', Path('/proc/self/status').read_text()).group(1))"
    )
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc: the whole-process peak cannot be read here")
    peak_kib = int(
        subprocess.run(
            [sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True
        ).stdout
    )
    assert peak_kib * 1024 < path.stat().st_size


def test_hostile_files_read_from_their_bytes_as_from_their_path(
    tmp_path: Path, listener: socket.socket
) -> None:
    """The loader hands a file of up to 1 MiB to `read_bytes`, which parses the whole document at once:
    every hostile file above gives there what it gives streamed, reads no file it names, contacts no URL."""
    sentinel = tmp_path / "secret.txt"
    sentinel.write_text("SENTINEL-7f3a-do-not-leak", encoding="utf-8")
    port = listener.getsockname()[1]
    documents = [
        (
            f'<!DOCTYPE t [<!ENTITY x SYSTEM "{sentinel.as_uri()}">]><testsuites><testsuite>'
            '<testcase name="a"><failure>&x;</failure></testcase></testsuite></testsuites>'
        ),
        (
            f'<!DOCTYPE testsuites SYSTEM "http://127.0.0.1:{port}/junit.dtd">'
            '<testsuites><testcase name="a"><failure/></testcase></testsuites>'
        ),
        f'<!DOCTYPE t [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]><testsuites/>',
        LAUGHS + '<testsuites><testcase name="a">&lol9;</testcase></testsuites>',
        LAUGHS + '<testsuites name="&lol9;"/>',
        f'<!DOCTYPE t [<!ENTITY a "{"x" * 50_000}">]><testsuites name="{"&a;" * 50_000}"/>',
        '<testsuites>\n<testsuite name="s">\n<testcase name="a"/>\n<testcase name="c"><failure message="cut',
        bytes(range(256)) * 64,
        b"",
        b'<testsuite>\n<testcase name="ok"/>\n<testcase name="\xff\xfe"/></testsuite>',
        "<testsuites>" + "<testsuite>" * 400 + "</testsuite>" * 400 + "</testsuites>",
    ]
    for content in documents:
        path = _write(tmp_path, content)
        whole = junit.read_bytes(str(path), path.read_bytes())
        assert whole == junit.read(path)
        assert "SENTINEL" not in whole.model_dump_json()
    assert not _was_contacted(listener)
