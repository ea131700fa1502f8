"""Every XML reader (JUnit, NUnit, TRX, xUnit.net, Cobertura) on hostile and damaged files, read from disk and
from the loader's bytes: the same Problem texts and the same counts on every supported lxml version.

lxml 6.2 changed two things under the readers (see `_xml._Events`): its iterparse raises a syntax error before
it gives out the events that came before the error in the same 32 KiB chunk, and where a file is cut short it
ends every element still open. Without `_xml`'s own event stream, on lxml 6.2 an entity bomb lost the root
check that names its declarations, and the results before a damaged byte were lost, up to 32 KiB of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from issueplan.model import FileResult
from issueplan.sources import cobertura, junit, nunit, trx, xunit

TRX_NS = 'xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"'


@dataclass(frozen=True)
class Shape:
    """A reader, its root element, a document opening up to its results, one failing result, the closing."""

    read: Callable[[Path], FileResult]
    read_bytes: Callable[[str, bytes], FileResult] | None
    root: str
    opening: str
    result: str
    closing: str
    kept: str  # how the reader says that what came before a syntax error is kept

    def document(self, results: int, damage: bytes = b"", after: int = 0) -> bytes:
        """The opening on line 1, `results` failing results one per line, `damage` on line `results + 2`, then
        `after` more results and the closing."""
        before = "".join(self.result.format(n=n) + "\n" for n in range(results))
        later = "".join(self.result.format(n=n) for n in range(results, results + after))
        return (self.opening + "\n" + before).encode() + damage + (later + self.closing).encode()


SHAPES = {
    "junit": Shape(
        junit.read,
        junit.read_bytes,
        "testsuites",
        '<testsuites><testsuite name="s">',
        '<testcase classname="c" name="t{n}"><failure message="m"/></testcase>',
        "</testsuite></testsuites>",
        "the test cases before it are kept",
    ),
    "nunit": Shape(
        nunit.read,
        nunit.read_bytes,
        "test-run",
        '<test-run><test-suite type="TestFixture" name="F">',
        '<test-case name="t{n}" fullname="F.t{n}" result="Failed">'
        "<failure><message>m</message></failure></test-case>",
        "</test-suite></test-run>",
        "the test cases before it are kept",
    ),
    "trx": Shape(
        trx.read,
        trx.read_bytes,
        "TestRun",
        f"<TestRun {TRX_NS}><Results>",
        '<UnitTestResult testName="t{n}" testId="i{n}" outcome="Failed"/>',
        "</Results></TestRun>",
        "the results before it are kept",
    ),
    "xunit": Shape(
        xunit.read,
        xunit.read_bytes,
        "assemblies",
        '<assemblies><assembly><collection name="c">',
        '<test name="t{n}" type="C" method="t{n}" result="Fail">'
        "<failure><message>m</message></failure></test>",
        "</collection></assembly></assemblies>",
        "the tests before it are kept",
    ),
}
COBERTURA = Shape(
    cobertura.read,
    None,
    "coverage",
    '<coverage line-rate="0.5"><packages><package><classes>',
    '<class name="c{n}" filename="f{n}.py"><lines><line number="1" hits="1"/></lines></class>',
    "</classes></package></packages></coverage>",
    "",
)
LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10)
)
ENTITY_PROLOGS = {
    # (internal subset, a reference placed among the results, the names the refusal lists)
    "billion-laughs": (LAUGHS, "&lol9;", "lol, lol1, lol2, lol3, lol4, …"),
    "quadratic-blowup": (f'<!ENTITY a "{"x" * 50_000}">', "&a;" * 50_000, "a"),
    "one-small-entity": ('<!ENTITY a "x">', "&a;", "a"),
    "unused-entity": ('<!ENTITY a "x">', "", "a"),
    "external-entity": ('<!ENTITY x SYSTEM "file:///etc/hostname">', "&x;", "x"),
    "parameter-entity": ('<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;', "", "p"),
}
# Damage written on line 4, after two results: (bytes, the column libxml2 names, or None to leave it be).
DAMAGE = {
    "invalid-utf8-in-attribute": (b'<x a="\xff\xfe"/>', 7),
    "invalid-utf8-in-text": (b"<x>\xc3\x28</x>", 4),
    "utf8-sequence-cut": (b"<x>\xe2\x82</x>", 4),
    "overlong-utf8": (b"<x>\xc0\xaf</x>", 4),
    "utf16-surrogate-in-utf8": (b"<x>\xed\xa0\x80</x>", 4),
    "invalid-utf8-in-cdata": (b"<x><![CDATA[\xff]]></x>", None),
    "attributes-construct-error": (b'<x n="a("b")"/>', None),
    "tag-mismatch": (b"</nope>", None),
    "control-character": (b"\x01\x02", None),
    "nul-bytes": (b"\x00\x00", None),
    "nesting-too-deep": (b"<d>" * 300 + b"</d>" * 300, None),
}


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "report.xml"
    path.write_bytes(data)
    return path


def _results(shape: Shape, tmp_path: Path, data: bytes) -> list[FileResult]:
    """The file read from disk and, where the reader takes it, from the bytes the loader read: both."""
    path = _write(tmp_path, data)
    results = [shape.read(path)]
    if shape.read_bytes is not None:
        results.append(shape.read_bytes(str(path), data))
    return results


@pytest.mark.parametrize("prolog", sorted(ENTITY_PROLOGS))
@pytest.mark.parametrize("fmt", [*sorted(SHAPES), "cobertura"])
def test_i1_i2_entity_declarations_are_refused_by_name(tmp_path: Path, fmt: str, prolog: str) -> None:
    """I1, I2: an entity bomb, or any DOCTYPE declaring entities, is refused with the declarations named
    (not libxml2's amplification error), the file's results unread."""
    shape = SHAPES.get(fmt, COBERTURA)
    subset, reference, names = ENTITY_PROLOGS[prolog]
    data = f"<!DOCTYPE {shape.root} [{subset}]>".encode() + shape.document(2, reference.encode())
    for result in _results(shape, tmp_path, data):
        assert [problem.message for problem in result.problems] == [
            (
                f"DTD entity declarations are not allowed in a result file (declares {names}); "
                "the file was not read. Remove the DOCTYPE from the report."
            )
        ]
        assert (result.totals, result.cases, result.coverage) == (None, (), None)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("fmt", sorted(SHAPES))
def test_the_results_before_damage_are_kept_and_the_damage_located(
    tmp_path: Path, fmt: str, damage: str
) -> None:
    """Invalid UTF-8 (or other damage) after valid results: those results are counted and listed, and the
    Problem says where reading stopped and that they are kept."""
    shape = SHAPES[fmt]
    raw, column = DAMAGE[damage]
    for result in _results(shape, tmp_path, shape.document(2, raw, after=1)):
        assert result.totals is not None
        assert (result.totals.tests, result.totals.failures + result.totals.errors) == (2, 2)
        assert sorted(case.name for case in result.cases) == ["t0", "t1"]
        [problem] = result.problems
        assert problem.message.startswith("XML parsing stopped at line 4: ")
        assert problem.message.endswith(f"; {shape.kept} (2)")
        assert problem.line == 4
        if column is not None:
            assert problem.column == column


@pytest.mark.parametrize("fmt", sorted(SHAPES))
def test_many_results_before_an_invalid_byte_are_all_counted(tmp_path: Path, fmt: str) -> None:
    """Thousands of results (many 32 KiB chunks) before one invalid byte: every one of them is counted."""
    shape = SHAPES[fmt]
    for result in _results(shape, tmp_path, shape.document(3000, b"\xff", after=5)):
        assert result.totals is not None
        assert result.totals.tests == 3000
        assert result.problems[0].message.endswith(f"; {shape.kept} (3000)")
        assert result.problems[0].line == 3002


@pytest.mark.parametrize("fmt", sorted(SHAPES))
def test_a_result_cut_before_its_failure_is_not_counted(tmp_path: Path, fmt: str) -> None:
    """A file cut inside a result, before the child that says it failed: the results before it are
    counted, the cut one is not (lxml 6.2 ends the elements left open at the cut; counted, it would pass)."""
    shape = SHAPES[fmt]
    whole = shape.document(3000)
    cut = whole[: whole.rindex(shape.result.format(n=2999).encode()) + len(shape.result.split(">")[0]) + 1]
    for result in _results(shape, tmp_path, cut):
        assert result.totals is not None
        assert result.totals.tests == 2999
        assert "t2999" not in {case.name for case in result.cases}
        assert result.problems[0].message.startswith("XML parsing stopped at line 3001: ")
        assert result.problems[0].message.endswith(f"; {shape.kept} (2999)")
