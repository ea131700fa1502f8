"""load_results: zero-config roots, declared suites, outcomes, globs, order independence, the seed scenario,
and the safety rules for symlinks and FIFOs (I8)."""

from __future__ import annotations

import glob
import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan import model
from issueplan.model import FileResult, StepOutcome, SuiteKind, SuiteSpec, SuiteStatus
from issueplan.modes import IfNoResults
from issueplan.sources import READERS, infer_kind, load_results

BANDIT_LIKE = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Scanner"}}, "results": []}]}


def _read_fake(path: Path) -> FileResult:
    """A stand-in test report: 'FAKE tests failures errors skipped', so these tests need no JUnit reader."""
    tests, failures, errors, skipped = (int(n) for n in path.read_text(encoding="utf-8").split()[1:5])
    totals = model.TestTotals(tests=tests, failures=failures, errors=errors, skipped=skipped, duration=0.1)
    return FileResult(file=str(path), format="fake", totals=totals)


FAKE = SimpleNamespace(FORMAT="fake", detect=lambda head: head.startswith(b"FAKE "), read=_read_fake)


@pytest.fixture(autouse=True)
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(READERS, "fake", FAKE)


def _tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


TREE = {
    "unit_tests/a.xml": "FAKE 10 1 0 2",
    "unit_tests/deep/b.xml": "FAKE 5 0 1 0",
    "api_tests/report.xml": "FAKE 4 0 0 0",
    "smoke.xml": "FAKE 2 0 0 2",
    "scans/tool.sarif": json.dumps(BANDIT_LIKE),
    "scans/readme.txt": "not a result",
    "unit_tests/odd.json": '{"neither": "known"}',
}


@pytest.mark.parametrize(
    ("name", "kind"),
    [("unit_tests", SuiteKind.UNIT), ("security_tests", SuiteKind.SECURITY), ("sast", SuiteKind.SECURITY),
     ("e2e-browser", SuiteKind.FRONTEND), ("web.ui", SuiteKind.FRONTEND), ("api", SuiteKind.API),
     ("load test", SuiteKind.PERFORMANCE), ("benchmark", SuiteKind.PERFORMANCE),
     ("integration_tests", SuiteKind.INTEGRATION), ("community", SuiteKind.OTHER),
     ("security2", SuiteKind.OTHER), ("backend_java", SuiteKind.OTHER)],
)  # fmt: skip
def test_infer_kind_matches_whole_segments(name: str, kind: SuiteKind) -> None:
    assert infer_kind(name) is kind


def test_zero_config_root_gives_one_suite_per_subdirectory(tmp_path: Path) -> None:
    report = load_results([_tree(tmp_path, TREE)])
    suites = {s.name: s for s in report.suites}
    assert list(suites) == ["api_tests", "smoke", "unit_tests"]  # `scans/` holds no test report: no suite
    unit = suites["unit_tests"]
    assert (unit.tests, unit.failures, unit.errors, unit.skipped, unit.status) == (
        15,
        1,
        1,
        2,
        SuiteStatus.FAILED,
    )
    assert unit.kind is SuiteKind.UNIT
    assert suites["api_tests"].status is SuiteStatus.PASSED
    assert suites["smoke"].status is SuiteStatus.SKIPPED  # every test skipped
    assert [(s.tool, s.findings) for s in report.scans] == [("Scanner", 0)]
    # an unknown .json in a results root is noted (not warned about: it is no broken report); a .txt is not
    assert report.problems == ()
    assert [Path(file).name for file in report.unrecognised] == ["odd.json"]


@pytest.mark.parametrize(
    ("outcome", "status"),
    [(StepOutcome.FAILURE, SuiteStatus.FAILED), (StepOutcome.SUCCESS, SuiteStatus.PASSED),
     (StepOutcome.SKIPPED, SuiteStatus.SKIPPED), (StepOutcome.CANCELLED, SuiteStatus.SKIPPED)],
)  # fmt: skip
def test_a_suite_without_report_follows_its_step_outcome(
    tmp_path: Path, outcome: StepOutcome, status: SuiteStatus
) -> None:
    report = load_results([_tree(tmp_path, TREE)], outcomes={"frontend_tests": outcome})
    frontend = next(s for s in report.suites if s.name == "frontend_tests")
    assert (frontend.has_report, frontend.status, frontend.kind) == (False, status, SuiteKind.FRONTEND)


def test_a_failed_step_fails_a_suite_whose_report_passed(tmp_path: Path) -> None:
    report = load_results([_tree(tmp_path, TREE)], outcomes={"api_tests": StepOutcome.FAILURE})
    assert next(s for s in report.suites if s.name == "api_tests").status is SuiteStatus.FAILED


def test_declared_suites_come_first_and_claim_files_by_glob(tmp_path: Path) -> None:
    specs = [
        SuiteSpec(name="checks", kind=SuiteKind.SECURITY, results=("unit_tests/deep/*.xml",)),
        SuiteSpec(name="frontend", required=True),
        SuiteSpec(name="api_tests"),
    ]
    report = load_results([_tree(tmp_path, TREE)], suites=specs)
    assert [s.name for s in report.suites] == ["checks", "frontend", "api_tests", "smoke", "unit_tests"]
    checks, frontend = report.suites[0], report.suites[1]
    assert (checks.kind, checks.tests, checks.errors) == (SuiteKind.SECURITY, 5, 1)
    assert (frontend.has_report, frontend.status) == (False, SuiteStatus.SKIPPED)
    assert report.suites[4].tests == 10  # unit_tests lost deep/b.xml to the declared suite


def test_direct_files_are_named_after_their_folder_or_stem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, {"ci/unit.xml": "FAKE 1 0 0 0", "junit.xml": "FAKE 3 1 0 0"})
    monkeypatch.chdir(tmp_path)
    report = load_results(["ci/unit.xml", "junit.xml"])
    assert [(s.name, s.tests) for s in report.suites] == [("ci", 1), ("junit", 3)]


def test_globs_and_missing_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, TREE)
    monkeypatch.chdir(tmp_path)
    report = load_results(
        ["**/*.sarif", "unit_tests/**/*.xml", "nothing/*.xml", "absent.xml"], if_no_results=IfNoResults.WARN
    )
    assert [(s.name, s.tests) for s in report.suites] == [("deep", 5), ("unit_tests", 10)]
    assert len(report.scans) == 1
    assert [(p.file, p.message) for p in report.problems] == [
        ("absent.xml", "not found"),
        ("nothing/*.xml", "no file matches this pattern"),
    ]


GLOB_TREE = {
    "r/unit/a.xml": "FAKE 1 0 0 0",
    "r/unit/deep/b.xml": "FAKE 2 0 0 0",
    "r/api/deep/c.xml": "FAKE 3 0 0 0",
    "r/.hidden/d.xml": "FAKE 4 0 0 0",
    "r/.e.xml": "FAKE 5 0 0 0",
    "r/F.XML": "FAKE 6 0 0 0",
    "top.xml": "FAKE 7 0 0 0",
}


@pytest.mark.parametrize(
    "pattern",
    ["r/**/*.xml", "**/*.xml", "r/*/*.xml", "r/.*.xml", "r/[au]*/**/*.xml", "r/**/deep/*.xml", "r/*.[xX]*",
     "*.xml", "r/?nit/a.xml", "r/**/**/*.xml"],
)  # fmt: skip
def test_a_glob_matches_the_files_glob_glob_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str
) -> None:
    """The safe walker keeps glob.glob's matching: hidden names, `**` over folders, case, brackets."""
    _tree(tmp_path, GLOB_TREE)
    monkeypatch.chdir(tmp_path)
    expected = sorted({Path(p).as_posix() for p in glob.glob(pattern, recursive=True) if Path(p).is_file()})  # noqa: PTH207 - the reference
    report = load_results([pattern])
    assert sorted(file for suite in report.suites for file in suite.files) == expected


def test_a_glob_reports_a_symlink_out_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """I12: a folder link out that a glob would both match and enter is refused, with one warning."""
    _tree(tmp_path / "outside", {"x.xml": "FAKE 9 0 0 0"})
    _tree(tmp_path / "ws" / "results", {"unit/a.xml": "FAKE 1 0 0 0"})
    (tmp_path / "ws" / "results" / "out").symlink_to(tmp_path / "outside", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "ws")
    report = load_results(["results/**"], workspace=tmp_path / "ws")
    assert [(s.name, s.tests) for s in report.suites] == [("unit", 1)]
    assert [(p.file, p.message.split(" (")[0]) for p in report.problems] == [
        ("results/out", "not read: symlink out of results")
    ]


@pytest.fixture(scope="module")
def shuffled_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _tree(tmp_path_factory.mktemp("order"), TREE)


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(range(5)))
def test_the_report_does_not_depend_on_input_order(shuffled_tree: Path, order: list[int]) -> None:
    root = shuffled_tree
    inputs: list[str | Path] = [
        root / "unit_tests",
        root / "api_tests",
        root / "smoke.xml",
        str(root / "**" / "*.sarif"),
        root / "unit_tests" / "a.xml",  # the same file twice: read once
    ]
    baseline = load_results(inputs, outcomes={"x": StepOutcome.FAILURE})
    shuffled = load_results([inputs[i] for i in order], outcomes={"x": StepOutcome.FAILURE})
    assert shuffled.model_dump_json() == baseline.model_dump_json()
    # a directory argument is a root (a.xml in it is suite "a"), the file given again directly is read once,
    # and a file given directly is named after its folder
    expected = sorted([("a", 10), ("deep", 5), ("report", 4), (root.name, 2), ("x", 0)])
    assert [(s.name, s.tests) for s in baseline.suites] == expected


def test_a_symlink_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    """I8: the secret outside the root is not read; a warning names the link; the other files are used."""
    outside = _tree(tmp_path / "outside", {"secret.xml": "FAKE 99 0 0 0"})
    root = _tree(tmp_path / "results", {"unit/a.xml": "FAKE 1 0 0 0", "unit/inner.xml": "FAKE 2 0 0 0"})
    (root / "unit" / "link.xml").symlink_to(outside / "secret.xml")
    (root / "unit" / "inside.xml").symlink_to(root / "unit" / "inner.xml")  # inside the root: fine, read once
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    report = load_results([root])
    assert [(s.name, s.tests) for s in report.suites] == [("unit", 3)]
    assert sorted((Path(p.file).name, p.message.split(" (")[0]) for p in report.problems) == [
        ("link.xml", f"not read: symlink out of {root.resolve().as_posix()}"),
        ("linked_dir", f"not read: symlink out of {root.as_posix()}"),
    ]


def test_a_file_reached_twice_in_one_root_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """I12, I14: a hard link or a symlink to a report is the report again. It counts once, under the first
    path, and its bytes are read once: the look knows the file by device and inode before it reads it."""
    report = tmp_path / "results" / "unit" / "junit.xml"
    report.parent.mkdir(parents=True)
    report.write_text('<testsuite name="s"><testcase name="a"/><testcase name="b"/></testsuite>\n')
    os.link(report, report.parent / "copy.xml")
    (tmp_path / "results" / "other").mkdir()
    (tmp_path / "results" / "other" / "link.xml").symlink_to(report)
    read: list[int] = []
    real_read = os.read

    def counting_read(descriptor: int, count: int) -> bytes:
        data = real_read(descriptor, count)
        read.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    loaded = load_results([tmp_path / "results"])
    monkeypatch.undo()
    assert [(s.name, s.tests) for s in loaded.suites] == [("other", 2)]  # results/other/link.xml comes first
    assert loaded.problems == ()
    assert sum(read) == report.stat().st_size


def test_a_file_whose_read_fails_is_a_problem_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that fails after the file was opened (a disk error) is reported, once for the file and its hard
    link, and the run goes on."""
    report = tmp_path / "results" / "unit" / "junit.xml"
    report.parent.mkdir(parents=True)
    report.write_text('<testsuite name="s"><testcase name="a"/></testsuite>\n')
    os.link(report, report.parent / "link.xml")

    def failing_read(descriptor: int, count: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "read", failing_read)
    loaded = load_results([tmp_path / "results"])
    monkeypatch.undo()
    assert [(Path(p.file).name, p.message) for p in loaded.problems] == [
        ("junit.xml", "cannot read: Input/output error")
    ]


def test_a_symlink_into_the_workspace_is_read(tmp_path: Path) -> None:
    workspace = _tree(tmp_path / "ws", {"build/unit.xml": "FAKE 4 0 0 0"})
    root = _tree(tmp_path / "ws" / "results", {})
    (root / "unit.xml").symlink_to(workspace / "build" / "unit.xml")
    assert [s.tests for s in load_results([root], workspace=workspace).suites] == [4]
    assert "symlink out" in load_results([root]).problems[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_not_opened_and_the_run_finishes(tmp_path: Path) -> None:
    """I8: a FIFO in a root, or given directly, would block a reader forever; it is reported, never opened."""
    root = _tree(tmp_path / "results", {"unit/a.xml": "FAKE 1 0 0 0"})
    os.mkfifo(root / "unit" / "pipe.xml")
    os.mkfifo(tmp_path / "direct.json")
    report = load_results([root, tmp_path / "direct.json"])
    assert [(s.name, s.tests) for s in report.suites] == [("unit", 1)]
    assert sorted((Path(p.file).name, p.message) for p in report.problems) == [
        ("direct.json", "not read: not a regular file (a FIFO, socket or device)"),
        ("pipe.xml", "not read: not a regular file (a FIFO, socket or device)"),
    ]


def test_a_file_over_the_size_cap_is_not_read_unless_its_reader_streams(tmp_path: Path) -> None:
    lcov = "SF:a.c\nDA:1,1\nDA:2,0\nend_of_record\n"
    root = _tree(
        tmp_path, {"scans/big.sarif": json.dumps(BANDIT_LIKE) + " " * 200, "cov/lcov.info": lcov * 10}
    )
    report = load_results([root], max_file_bytes=100)
    assert report.scans == ()
    assert [p.message for p in report.problems] == ["not read: larger than 9.53674e-05 MiB"]
    assert report.coverage is not None
    assert report.coverage.lines_valid == 2


def test_coverage_of_several_files_is_merged(tmp_path: Path) -> None:
    lcov_a = "SF:a.c\nDA:1,1\nDA:2,0\nend_of_record\n"
    lcov_b = "SF:a.c\nLF:2\nLH:2\nend_of_record\nSF:b.c\nDA:1,1\nend_of_record\n"
    coverage = load_results([_tree(tmp_path, {"x/a.info": lcov_a, "y/b.info": lcov_b})]).coverage
    assert coverage is not None
    assert (coverage.lines_valid, coverage.lines_covered, coverage.line_rate) == (5, 4, 0.8)
    assert [(f.path, f.lines_valid, f.lines_covered) for f in coverage.files] == [
        ("a.c", 4, 3),
        ("b.c", 1, 1),
    ]


def test_seed_scenario(seed_dir: Path, tmp_path: Path) -> None:
    """The seed: 5 suites, 5 findings (Bandit 3, pip-audit 2). Needs the JUnit reader."""
    scenario = seed_dir / "scenario"
    outcomes = {
        name: StepOutcome(value)
        for name, value in json.loads((scenario / "outcomes.json").read_text(encoding="utf-8")).items()
    }
    specs = [SuiteSpec(name=name) for name in ("unit_tests", "api_tests", "frontend_tests", "security_tests")]
    specs.append(SuiteSpec(name="integration_tests"))
    results = shutil.copytree(scenario / "ci-results", tmp_path / "ci-results")
    report = load_results([results], outcomes=outcomes, suites=specs)
    got = {s.name: (s.status, s.has_report, s.tests, s.failures, s.errors, s.skipped) for s in report.suites}
    assert [s.name for s in report.suites] == [spec.name for spec in specs]
    assert got == {
        "unit_tests": (SuiteStatus.FAILED, True, 128, 3, 1, 4),
        "api_tests": (SuiteStatus.FAILED, True, 46, 2, 0, 0),
        "frontend_tests": (SuiteStatus.FAILED, False, 0, 0, 0, 0),
        "security_tests": (SuiteStatus.FAILED, True, got["security_tests"][2], 0, 1, 0),
        "integration_tests": (SuiteStatus.SKIPPED, True, 8, 0, 0, 8),
    }
    assert sorted((f.tool, f.rule_id) for f in report.findings) == [
        ("Bandit", "B105"),
        ("Bandit", "B324"),
        ("Bandit", "B608"),
        ("pip-audit", "PYSEC-2018-28"),
        ("pip-audit", "PYSEC-2019-217"),
    ]
    assert sorted((s.tool, s.findings) for s in report.scans) == [("Bandit", 3), ("pip-audit", 2)]
    assert report.problems == ()


def test_a_file_the_sarif_reader_disowns_on_a_full_read_goes_to_the_next_reader(tmp_path: Path) -> None:
    """`runs` is any JSON's key: a mocha report that happens to count runs is still a mocha report."""
    mocha = (Path(__file__).resolve().parent.parent / "data" / "mocha-json" / "lists-only.json").read_text()
    counted = mocha.replace('{"stats":{', '{"stats":{"runs":2,', 1)
    root = _tree(
        tmp_path / "results", {"web_tests/mocha.json": counted, "data/runs.json": '{"runs": [1, 2]}'}
    )
    report = load_results([root])
    assert [(suite.name, suite.tests, suite.failures) for suite in report.suites] == [("web_tests", 3, 1)]
    assert report.problems == ()
    assert [Path(file).name for file in report.unrecognised] == ["runs.json"]
