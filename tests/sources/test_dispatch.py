"""_dispatch and the first look: a file read whole gives what its path gives, a tree's files are opened once
each (Surefire's .txt summaries not at all), and a file swapped for a symlink after the walk is refused."""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path

import pytest

from issueplan.sources import HEAD_BYTES, READERS, WHOLE_READERS, _inputs, _walk, load_results

DATA = Path(__file__).parent.parent / "data"
FILES = sorted(path for path in DATA.rglob("*") if path.is_file())
WHOLE = [
    (name, path)
    for path in FILES
    for name, reader in WHOLE_READERS.items()
    if reader.detect(path.read_bytes()[:HEAD_BYTES])
]


def test_every_whole_reader_is_a_registered_reader() -> None:
    assert all(READERS[name] is reader for name, reader in WHOLE_READERS.items())
    assert {name for name, _ in WHOLE} == set(WHOLE_READERS)  # else the next test proves nothing for one


@pytest.mark.parametrize(("name", "path"), WHOLE, ids=lambda value: str(value).rsplit("tests/data/")[-1])
def test_a_file_read_from_its_bytes_gives_what_its_path_gives(name: str, path: Path) -> None:
    reader = WHOLE_READERS[name]
    assert reader.read_bytes(str(path), path.read_bytes()) == reader.read(path)


@pytest.mark.parametrize("name", sorted(WHOLE_READERS))
def test_an_empty_file_is_the_same_problem_from_bytes(name: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert WHOLE_READERS[name].read_bytes(str(empty), b"") == WHOLE_READERS[name].read(empty)


def _surefire(root: Path, classes: int) -> Path:
    folder = root / "module" / "target" / "surefire-reports"
    folder.mkdir(parents=True)
    for number in range(classes):
        name = f"com.example.Service{number}Test"
        (folder / f"TEST-{name}.xml").write_text(
            f'<?xml version="1.0"?>\n<testsuite name="{name}" tests="2">'
            f'<testcase classname="{name}" name="a"/><testcase classname="{name}" name="b"/></testsuite>\n'
        )
        (folder / f"{name}.txt").write_text(f"Test set: {name}\nTests run: 2, Failures: 0, Errors: 0\n")
    return root


def test_a_trees_files_are_opened_once_each_and_surefire_summaries_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _surefire(tmp_path / "results", 3)
    (root / "module" / "coverage.txt").write_text("SF:src/a.c\nDA:1,1\nDA:2,0\nend_of_record\n")  # lcov
    opened: Counter[str] = Counter()
    real_open, real_io_open = os.open, io.open

    def counting_open(path: str | Path, *args: object, **kwargs: object) -> object:
        opened[Path(path).name] += 1
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def counting_io_open(path: str | Path, *args: object, **kwargs: object) -> object:
        opened[Path(path).name] += 1
        return real_io_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "open", counting_open)
    monkeypatch.setattr(io, "open", counting_io_open)
    report = load_results([root])
    monkeypatch.undo()
    assert [(suite.name, suite.tests) for suite in report.suites] == [("module", 6)]
    assert report.coverage is not None  # a .txt without a TEST-*.xml beside it is still read
    assert report.coverage.lines_valid == 2
    xml = {f"TEST-com.example.Service{n}Test.xml": 1 for n in range(3)}
    assert {name: count for name, count in opened.items() if name.endswith(".xml")} == xml
    assert not [name for name in opened if name.startswith("com.example.")]  # the summaries


def test_a_summary_without_its_xml_is_still_looked_at(tmp_path: Path) -> None:
    root = _surefire(tmp_path / "results", 1)
    (root / "module" / "target" / "surefire-reports" / "TEST-com.example.Service0Test.xml").unlink()
    found = _inputs.discover([root], None)
    assert [Path(candidate.display).name for candidate in found.candidates] == [
        "com.example.Service0Test.txt"
    ]


def test_a_file_swapped_for_a_symlink_out_after_the_walk_is_refused(tmp_path: Path) -> None:
    """I8: the walk saw a regular file; the look opens it without following a symlink put in its place."""
    secret = tmp_path / "outside" / "secret.xml"
    secret.parent.mkdir()
    secret.write_text('<testsuite name="secret" tests="1"><testcase name="s"/></testsuite>')
    root = _surefire(tmp_path / "results", 1)
    (candidate,) = _inputs.discover([root], None).candidates
    candidate.path.unlink()
    candidate.path.symlink_to(secret)
    look = _inputs.first_look(candidate, HEAD_BYTES, 2**20)
    assert isinstance(look, _inputs.Problem)
    assert look.message.startswith("not read: symlink out of")


def test_a_small_file_is_read_whole_and_a_large_one_only_its_head(tmp_path: Path) -> None:
    root = _surefire(tmp_path / "results", 1)
    (candidate,) = _inputs.discover([root], None).candidates
    data = candidate.path.read_bytes()
    small = _inputs.first_look(candidate, 16, len(data))
    large = _inputs.first_look(candidate, 16, len(data) - 1)
    assert isinstance(small, _inputs.Head)
    assert isinstance(large, _inputs.Head)
    assert (small.data, small.size, small.content) == (data[:16], len(data), data)
    assert (large.data, large.size, large.content) == (data[:16], len(data), None)


@pytest.mark.parametrize("given", [".", "./results", "results/", "results//m", "./results/../results", "/"])
def test_walked_files_are_spelled_as_pathlib_spells_them(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate's name is built from strings, once per folder: the same as `(folder / name).as_posix()`
    for the folder as given (no `./` for the current folder, no `//` after the root)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results" / "m").mkdir(parents=True)
    (tmp_path / "results" / "m" / "TEST-a.xml").write_text("<testsuite/>", encoding="utf-8")
    (tmp_path / "results" / "b.xml").write_text("<testsuite/>", encoding="utf-8")
    root = Path(given)
    folder = _walk.Walker(allowed=(root.resolve(),), problems=[], report_root=root).list(root)
    assert folder is not None
    assert folder.prefix + "x.xml" == (root / "x.xml").as_posix()
    if given != "/":
        found = _inputs.discover([given], None).candidates
        assert [c.display for c in found] == sorted(
            (Path(dirpath) / name).as_posix() for dirpath, _, names in os.walk(root) for name in names
        )
        assert all(c.path == Path(c.display) and c.suffix == c.path.suffix for c in found)
