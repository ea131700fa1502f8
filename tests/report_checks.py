"""What the reader tests share: golden files, the corpus manifest's rows, the digest of a findings result,
and the detection sweep over every file we have.

Golden files: tests/data/<format>/<name>.<ext> beside <name>.expected.json (the inputs are JSON too, hence the
suffix); the corpus files' goldens are tests/data/<format>/corpus/<file>.expected.json. After a deliberate
change, regenerate them with `ISSUEPLAN_REGEN_GOLDEN=1 .venv/bin/pytest tests/sources` and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from issueplan.model import FileResult
from issueplan.sources import HEAD_BYTES, READERS

DATA = Path(__file__).resolve().parent / "data"
REGENERATE = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
GOLDEN_SUFFIX = ".expected.json"
# tests/data/<format>/samples/: verbatim copies of corpus files, so the golden tests run without the corpus
SAMPLES = "samples"
# the `corpus_report` fixture (conftest.py): (folder, corpus path) -> the project's copy, else the corpus's
CorpusReport = Callable[[str, str], Path]


def inputs(fmt: str) -> list[Path]:
    """The sample reports of a format under tests/data/<format>/ (not its goldens)."""
    folder = DATA / fmt
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(GOLDEN_SUFFIX))


def golden_text(result: FileResult) -> str:
    data = json.loads(result.model_dump_json())
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def check_golden(result: FileResult, golden: Path) -> None:
    """`result` equals the recorded golden (or becomes it, when regenerating)."""
    actual = golden_text(result)
    if REGENERATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: regenerate with ISSUEPLAN_REGEN_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8")


def findings_digest(result: FileResult) -> dict[str, Any]:
    """A findings result for a golden file: the first 25 findings and their total (a 1,768-result SARIF stays
    a reviewable golden)."""
    data = result.model_dump(mode="json")
    data["findings_total"] = len(result.findings)
    data["findings"] = data["findings"][:25]
    return data


def rows_in(manifest: Path) -> dict[str, list[str]]:
    """Every data row of a MANIFEST-shaped table (the corpus's MANIFEST.md, a samples/README.md) by its corpus
    path (`junit/x.json`): format [1], origin repo/path/commit/licence [3:7], expected counts [8:12]."""
    rows: dict[str, list[str]] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 13 and "/" in cells[0] and not cells[0].startswith("-"):
            rows[cells[0]] = cells
    return rows


def manifest_rows(corpus_dir: Path) -> dict[str, list[str]]:
    """Every data row of the corpus's MANIFEST.md by its path."""
    return rows_in(corpus_dir / "MANIFEST.md")


def folder_rows(corpus_dir: Path, folder: str) -> dict[str, list[str]]:
    """The rows of one corpus folder, by file name (`junit/x.xml` → `x.xml`)."""
    prefix = f"{folder}/"
    rows = manifest_rows(corpus_dir).items()
    return {path.removeprefix(prefix): cells for path, cells in rows if path.startswith(prefix)}


def format_rows(corpus_dir: Path, label: str) -> dict[str, list[str]]:
    return {path: cells for path, cells in manifest_rows(corpus_dir).items() if cells[1] == label}


def expected_counts(cells: list[str]) -> tuple[int, int, int, int] | None:
    """(tests, failures, errors, skipped) from a row, errors folded into failures where the source does."""
    tests, failures, errors, skipped = cells[8:12]
    if not tests.isdigit():
        return None
    if errors == "(in failures)":
        return (int(tests), int(failures), -1, int(skipped))
    return (int(tests), int(failures), int(errors), int(skipped))


def counts_of(result: FileResult, expected: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    totals = result.totals
    assert totals is not None, result.problems
    if expected[2] == -1:
        return (totals.tests, totals.failures + totals.errors, -1, totals.skipped)
    return (totals.tests, totals.failures, totals.errors, totals.skipped)


def own_files() -> list[Path]:
    """Every file of tests/data but the corpus copies under tests/data/<format>/samples/: a sweep over the
    corpus already covers those bytes, and counting them twice would break its expected sets."""
    # The mixed scenario's results are verbatim corpus copies too (its PROVENANCE.md names each one).
    copies = DATA / "scenarios" / "mixed" / "results"
    return sorted(
        p
        for p in DATA.rglob("*")
        if p.is_file() and SAMPLES not in p.relative_to(DATA).parts and not p.is_relative_to(copies)
    )


def every_file(corpus_dir: Path) -> list[Path]:
    """Every file of the shared corpus and of tests/data: what a detector must not wrongly claim."""
    return sorted([*(p for p in corpus_dir.rglob("*") if p.is_file()), *own_files()])


def claimed_by(reader: Any, paths: list[Path]) -> set[Path]:
    return {path for path in paths if reader.detect(path.read_bytes()[:HEAD_BYTES])}


def other_readers(fmt: str) -> dict[str, Any]:
    return {name: reader for name, reader in READERS.items() if name != fmt}
