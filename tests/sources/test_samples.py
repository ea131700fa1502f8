"""The project's own real reports, tests/data/<format>/samples/: verbatim corpus copies, so every reader is
checked against real files on a fresh clone. Each has its provenance row (the corpus MANIFEST's) in its
folder's README, is recognised by its reader alone, reads to the counts its origin publishes or the corpus
builder observed, and, for the formats whose corpus goldens no other reader test holds, to its golden."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from issueplan.sources import HEAD_BYTES, READERS
from report_checks import (
    DATA,
    GOLDEN_SUFFIX,
    SAMPLES,
    check_golden,
    counts_of,
    expected_counts,
    rows_in,
)

# the folder of a format's samples, when it is not the reader's name
READERS_OF_FOLDER = {"audit": {"pip-audit", "npm-audit", "osv"}}
# Formats no public repository was found to hold a report of: their real reports were generated, and the
# folder's PROVENANCE.md says how (tests/sources/test_<format>.py reads them).
GENERATED = {"jest-json"}
# Samples that are deliberately not reports: no reader may claim them, and the loader says so.
NOT_REPORTS = {
    "coverage-reporter_cobertura-coverage.xml": "a 1-byte placeholder published as coverage",
    "publish-unit-test-result-action_non-junit.xml": "an XML root that is not JUnit's",
    "audit-ci_yarn-4-workspace-empty_output.json": "yarn 4 prints nothing for a clean project",
}
# Formats whose samples' goldens are check_golden's (tests/data/<format>/corpus/<name>.expected.json, shared
# with the corpus tests of their modules); the findings readers' goldens, another digest, are their modules'.
GOLDEN_HERE = (
    "junit",
    "nunit",
    "trx",
    "xunit",
    "cobertura",
    "lcov",
    "dart-json",
    "go-test-json",
    "mocha-json",
)


def _samples() -> list[Path]:
    return sorted(
        path
        for path in DATA.glob(f"*/{SAMPLES}/*")
        if path.is_file() and path.name != "README.md" and not path.name.endswith(GOLDEN_SUFFIX)
    )


def _folder(path: Path) -> str:
    return path.parent.parent.name


def _row(path: Path) -> list[str]:
    rows = {Path(name).name: cells for name, cells in rows_in(path.parent / "README.md").items()}
    return rows[path.name]


SAMPLE_FILES = _samples()


def test_every_reader_has_real_samples_of_its_own() -> None:
    covered: set[str] = set()
    for path in SAMPLE_FILES:
        covered |= READERS_OF_FOLDER.get(_folder(path), {_folder(path)})
    assert covered | GENERATED == set(READERS)


@pytest.mark.parametrize("fmt", sorted(GENERATED))
def test_each_generated_report_is_named_in_its_provenance(fmt: str) -> None:
    provenance = (DATA / fmt / "PROVENANCE.md").read_text(encoding="utf-8")
    reports = [p for p in (DATA / fmt).glob("*.json") if not p.name.endswith(GOLDEN_SUFFIX)]
    assert reports
    for path in reports:
        assert f"| {path.name} |" in provenance, path.name


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{_folder(p)}/{p.name}")
def test_each_sample_has_its_provenance_row(path: Path) -> None:
    """Origin repository, path, commit and licence: what a reviewer needs to trust the copy."""
    cells = _row(path)
    origin, origin_path, commit, licence = cells[3:7]
    assert "/" in origin, cells
    assert origin_path, cells
    assert re.fullmatch(r"[0-9a-f]{40}", commit), cells
    assert licence in {"MIT", "Apache-2.0", "BSD-3-Clause", "Apache-2.0 OR MIT"}, cells


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: f"{_folder(p)}/{p.name}")
def test_each_sample_is_recognised_by_its_reader_alone(path: Path) -> None:
    head = path.read_bytes()[:HEAD_BYTES]
    claimed = {name for name, reader in READERS.items() if reader.detect(head)}
    if path.name in NOT_REPORTS:
        assert claimed == set(), NOT_REPORTS[path.name]
    else:
        assert len(claimed) == 1, claimed
        assert claimed <= READERS_OF_FOLDER.get(_folder(path), {_folder(path)})


COUNTED = [p for p in SAMPLE_FILES if p.name not in NOT_REPORTS and expected_counts(_row(p)) is not None]


@pytest.mark.parametrize("path", COUNTED, ids=lambda p: f"{_folder(p)}/{p.name}")
def test_test_reports_count_what_their_origin_publishes(path: Path) -> None:
    """Tests, failures, errors and skipped as the origin repository's expected result says."""
    expected = expected_counts(_row(path))
    assert expected is not None
    assert counts_of(READERS[_folder(path)].read(path), expected) == expected


def _coverage_observations(path: Path) -> tuple[str, ...] | None:
    notes = _row(path)[12]
    cobertura = re.search(r"obs: line-rate=([\d.]+) lines=(\d+)/(\d+)", notes)
    lcov = re.search(r"obs: (\d+) SF record\(s\), LF=(\d+) LH=(\d+)", notes)
    found = cobertura or lcov
    return found.groups() if found else None


OBSERVED = [path for path in SAMPLE_FILES if _coverage_observations(path) is not None]


@pytest.mark.parametrize("path", OBSERVED, ids=lambda p: f"{_folder(p)}/{p.name}")
def test_coverage_reports_total_what_the_corpus_observed(path: Path) -> None:
    observed = _coverage_observations(path)
    coverage = READERS[_folder(path)].read(path).coverage
    assert coverage is not None
    assert observed is not None
    if _folder(path) == "cobertura":
        rate, covered, valid = observed
        assert coverage.line_rate == pytest.approx(float(rate))
        assert (coverage.lines_covered, coverage.lines_valid) == (int(covered), int(valid))
    else:
        records, valid, covered = observed
        assert (len(coverage.files), coverage.lines_valid, coverage.lines_covered) == (
            int(records),
            int(valid),
            int(covered),
        )


def test_some_samples_of_every_test_and_coverage_format_are_counted() -> None:
    """The count checks above are not vacuous: each of these formats has at least one counted sample."""
    counted = {_folder(path) for path in [*COUNTED, *OBSERVED]}
    assert counted >= {"junit", "nunit", "trx", "xunit", "cobertura", "lcov", "dart-json", "mocha-json"}


GOLDEN_SAMPLES = [path for path in SAMPLE_FILES if _folder(path) in GOLDEN_HERE]


@pytest.mark.parametrize("path", GOLDEN_SAMPLES, ids=lambda p: f"{_folder(p)}/{p.name}")
def test_samples_read_as_recorded(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case, outcome, message and problem, as recorded in tests/data/<format>/corpus/ (regenerate with
    ISSUEPLAN_REGEN_GOLDEN=1 and review the diff)."""
    monkeypatch.chdir(path.parent)  # goldens name the file relative to its folder
    result = READERS[_folder(path)].read(Path(path.name))
    check_golden(result, DATA / _folder(path) / "corpus" / (path.name + GOLDEN_SUFFIX))
