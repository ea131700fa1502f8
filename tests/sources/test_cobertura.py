"""The Cobertura reader: totals and per-file rates, the standard DOCTYPE read offline (I5), entity
declarations refused, malformed files as Problems, and the corpus's Cobertura files against the manifest."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from issueplan.sources import READERS, cobertura
from report_checks import CorpusReport

REPORT = """<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "{dtd}">
<coverage line-rate="0.75" branch-rate="0.5" lines-covered="3" lines-valid="4" branches-covered="1"
          branches-valid="2" version="7.6" timestamp="1">
  <packages><package name="app"><classes>
    <class name="a.py" filename="app\\a.py">
      <methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods>
      <lines>
        <line number="1" hits="1"/>
        <line number="2" hits="0" branch="true" condition-coverage="50% (1/2)"/>
      </lines>
    </class>
    <class name="b.py" filename="app/b.py">
      <lines><line number="1" hits="3"/><line number="2" hits="1"/></lines>
    </class>
  </classes></package></packages>
</coverage>
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coverage.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_totals_and_per_file_rates(tmp_path: Path) -> None:
    path = _write(tmp_path, REPORT.format(dtd="http://cobertura.sourceforge.net/xml/coverage-04.dtd"))
    assert [name for name, reader in READERS.items() if reader.detect(path.read_bytes())] == ["cobertura"]
    coverage = cobertura.read(path).coverage
    assert coverage is not None
    assert (coverage.line_rate, coverage.lines_covered, coverage.lines_valid) == (0.75, 3, 4)
    assert [(f.path, f.line_rate, f.branches_valid, f.branches_covered) for f in coverage.files] == [
        ("app/a.py", 0.5, 2, 1),
        ("app/b.py", 1.0, 0, 0),
    ]


def test_standard_doctype_is_read_offline(tmp_path: Path) -> None:
    """I5 (and I4): a SYSTEM DOCTYPE naming a loopback URL; coverage is read and the listener sees nothing."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        result = cobertura.read(
            _write(tmp_path, REPORT.format(dtd=f"http://127.0.0.1:{port}/coverage-04.dtd"))
        )
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert result.problems == ()
    assert result.coverage is not None
    assert result.coverage.lines_valid == 4


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    text = '<!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa">]><coverage line-rate="1">&a;</coverage>'
    result = cobertura.read(_write(tmp_path, text))
    assert result.coverage is None
    assert "entity" in result.problems[0].message


@pytest.mark.parametrize("text", ["\n", "<coverage line-rate='1'><packages>", "<other/>", "\x00\x01binary"])
def test_bad_files_give_a_problem_not_a_crash(tmp_path: Path, text: str) -> None:
    result = cobertura.read(_write(tmp_path, text))
    assert result.coverage is None
    assert len(result.problems) == 1


def test_corpus_totals_agree_with_the_manifest(corpus_dir: Path) -> None:
    """Manifest `line-rate=R lines=C/V`: each well-formed corpus Cobertura file reads to those totals."""
    manifest = (corpus_dir / "MANIFEST.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| coverage/(\S+\.xml) \|.*?obs: line-rate=([\d.]+) lines=(\w+)/(\w+)", manifest)
    assert len(rows) >= 10
    for name, rate, covered, valid in rows:
        result = cobertura.read(corpus_dir / "coverage" / name)
        assert result.problems == (), name
        assert result.coverage is not None
        assert result.coverage.line_rate == pytest.approx(float(rate)), name
        if covered != "None":
            assert (result.coverage.lines_covered, result.coverage.lines_valid) == (
                int(covered),
                int(valid),
            ), name


@pytest.mark.parametrize(
    "name", ["coverage-reporter_cobertura-coverage.xml", "coverage-reporter_cobertura.xml"]
)
def test_corpus_placeholder_and_malformed_files_are_problems(corpus_report: CorpusReport, name: str) -> None:
    result = cobertura.read(corpus_report("cobertura", f"coverage/{name}"))
    assert result.coverage is None
    assert result.problems[0].file.endswith(name)
