"""The reader registry: every registered module imports and is a reader of its name, the list mypy checks is
the registry, and sniffing's table of XML roots is the readers' own; a JUnit report loads no other reader."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import issueplan.sources
from issueplan.sources import READER_MODULES, READERS, WHOLE_FORMATS, WHOLE_READERS
from issueplan.sources._dispatch import COVERAGE_FORMAT, XML_ROOTS


@pytest.mark.parametrize("name", sorted(READER_MODULES))
def test_every_registered_reader_imports_and_satisfies_the_protocol(name: str) -> None:
    reader = READERS[name]
    assert reader is importlib.import_module(READER_MODULES[name])
    assert name == reader.FORMAT
    assert list(inspect.signature(reader.detect).parameters) == ["head"]
    assert list(inspect.signature(reader.read).parameters) == ["path"]
    if name in WHOLE_FORMATS:
        assert WHOLE_READERS[name] is reader
        assert list(inspect.signature(WHOLE_READERS[name].read_bytes).parameters) == ["file", "data"]


def test_every_reader_module_is_registered_and_checked_by_mypy() -> None:
    modules = {
        f"issueplan.sources.{info.name}"
        for info in pkgutil.iter_modules(issueplan.sources.__path__)
        if not info.name.startswith("_") and info.name != "loader"
    }
    assert set(READER_MODULES.values()) == modules
    tree = ast.parse(Path(issueplan.sources.__file__).read_text(encoding="utf-8"))
    checked = {
        node.target.id: [element.id for element in node.value.elts]
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        if isinstance(node.value, ast.Tuple) and all(isinstance(e, ast.Name) for e in node.value.elts)
    }
    assert [f"issueplan.sources.{name}" for name in checked["_CHECKED"]] == list(READER_MODULES.values())
    assert checked["_WHOLE_CHECKED"] == list(WHOLE_FORMATS)


@pytest.mark.parametrize("name", sorted(XML_ROOTS))
def test_sniffing_knows_each_xml_readers_own_roots(name: str) -> None:
    assert XML_ROOTS[name] == READERS[name].ROOTS  # type: ignore[attr-defined]


def test_sniffing_names_the_coverage_reader() -> None:
    assert READERS[COVERAGE_FORMAT].FORMAT == COVERAGE_FORMAT


def test_reading_a_junit_report_imports_no_other_reader(tmp_path: Path) -> None:
    """Readers are imported on first use: a run reading JUnit does not pay for SARIF, audits or coverage."""
    report = tmp_path / "report.xml"
    report.write_text('<testsuite name="unit"><testcase name="passes"/></testsuite>', encoding="utf-8")
    assert _cases_and_readers_imported(report, tmp_path) == ["1", "['junit']"]


def test_binary_files_beside_a_junit_report_import_no_other_reader(tmp_path: Path) -> None:
    """A Gradle tree's binary/ files: one that starts with "[" or "{" (or a UTF-16 BOM) holds no quoted key,
    so no JSON reader is asked about it, and without a record no lcov reader: none is imported."""
    (tmp_path / "TEST-a.xml").write_text(
        '<testsuite name="a"><testcase name="t"/></testsuite>', encoding="utf-8"
    )
    binary = tmp_path / "binary"
    binary.mkdir()
    for name, start in (("results.bin", b"["), ("output.bin", b"{"), ("output.bin.idx", b"\xff\xfe")):
        (binary / name).write_bytes(start + bytes(range(256)) * 4)
    assert _cases_and_readers_imported(tmp_path, tmp_path) == ["1", "['junit']"]


_PROBE = (
    "import sys\nfrom pathlib import Path\nfrom issueplan.sources import READER_MODULES, load_results\n"
    "report = load_results([Path(sys.argv[1])])\n"
    "print(report.suites[0].tests, sorted(n for n, m in READER_MODULES.items() if m in sys.modules))"
)


def _cases_and_readers_imported(path: Path, cwd: Path) -> list[str]:
    """A fresh process loads `path`: the first suite's case count, then the reader modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, check=True, cwd=cwd
    )
    return done.stdout.split()
