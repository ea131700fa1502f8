"""govulncheck: `govulncheck -json` streams; call levels, goldens over the corpus, the manifest's counts,
detection that claims nothing else, and bad input (I7)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import FileResult, Severity
from issueplan.sources import READERS, govulncheck
from report_checks import CorpusReport

DATA = Path(__file__).resolve().parent.parent / "data" / "govulncheck"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
TESTS_DATA = Path(__file__).resolve().parent.parent / "data"

CONFIG = {
    "config": {"protocol_version": "v1.0.0", "scanner_name": "govulncheck", "scanner_version": "v1.1.4"}
}
OSV = {
    "osv": {
        "id": "GO-2025-3553",
        "aliases": ["CVE-2025-30204", "GHSA-mh63-6h87-95cp"],
        "summary": "Excessive memory allocation in jwt",
        "database_specific": {"url": "https://pkg.go.dev/vuln/GO-2025-3553"},
    }
}
MODULE = {"module": "github.com/golang-jwt/jwt", "version": "v3.2.2"}


def _finding(osv_id: str = "GO-2025-3553", fixed: str | None = "v5.2.2", **top: str) -> dict[str, Any]:
    report: dict[str, Any] = {"osv": osv_id, "trace": [{**MODULE, **top}, {"module": "example.com/app"}]}
    if fixed:
        report["fixed_version"] = fixed
    return {"finding": report}


def _stream(tmp_path: Path, *messages: Any) -> Path:
    # govulncheck pretty-prints each message on several lines, with no separator between them
    path = tmp_path / "govulncheck.json"
    path.write_text("".join(json.dumps(m, indent=2) + "\n" for m in messages), encoding="utf-8")
    return path


def test_one_finding_per_module_version_advisory_at_its_deepest_level(tmp_path: Path) -> None:
    path = _stream(
        tmp_path,
        CONFIG,
        OSV,
        _finding(),
        _finding(package="github.com/golang-jwt/jwt"),
        _finding(package="github.com/golang-jwt/jwt", function="Parse", receiver="*Parser"),
    )
    result = govulncheck.read(path)
    (finding,) = result.findings
    assert (finding.tool, finding.tool_version, finding.package, finding.version, finding.rule_id) == (
        "govulncheck",
        "v1.1.4",
        "github.com/golang-jwt/jwt",
        "v3.2.2",
        "GO-2025-3553",
    )
    assert (finding.severity, finding.aliases, finding.fixed_versions, finding.advisory) == (
        Severity.HIGH,
        ("CVE-2025-30204", "GHSA-mh63-6h87-95cp"),
        ("v5.2.2",),
        "https://pkg.go.dev/vuln/GO-2025-3553",
    )
    assert (
        finding.message
        == "Excessive memory allocation in jwt (called: github.com/golang-jwt/jwt.*Parser.Parse)"
    )
    assert [(s.tool, s.findings) for s in result.scans] == [("govulncheck", 1)]


@pytest.mark.parametrize(
    ("top", "severity"),
    [
        ({}, Severity.LOW),
        ({"package": "p"}, Severity.MEDIUM),
        ({"package": "p", "function": "F"}, Severity.HIGH),
    ],
    ids=["required", "imported", "called"],
)
def test_call_level_is_the_severity(tmp_path: Path, top: dict[str, str], severity: Severity) -> None:
    (finding,) = govulncheck.read(_stream(tmp_path, CONFIG, _finding(fixed=None, **top))).findings
    assert finding.severity is severity
    # no osv message for it: the id still names the finding and links to the Go database
    assert (finding.message.split(" (")[0], finding.advisory) == (
        "GO-2025-3553",
        "https://pkg.go.dev/vuln/GO-2025-3553",
    )


def test_a_json_array_of_messages_is_read_like_the_stream(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_text(json.dumps([CONFIG, OSV, _finding()], indent=4), encoding="utf-8")
    assert govulncheck.detect(path.read_bytes())
    assert [f.rule_id for f in govulncheck.read(path).findings] == ["GO-2025-3553"]


def test_a_cut_stream_keeps_what_was_read_but_is_no_scan(tmp_path: Path) -> None:
    path = _stream(tmp_path, CONFIG, OSV, _finding())
    path.write_text(path.read_text(encoding="utf-8") + '{"finding": {"osv": "GO-', encoding="utf-8")
    result = govulncheck.read(path)
    assert [f.rule_id for f in result.findings] == ["GO-2025-3553"]
    assert result.scans == ()
    assert result.problems[0].line is not None


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"config": {"scanner_name": "govulncheck"}',
        b"\x00\xff\xfe binary \x89PNG",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"config": 1}',
        b'{"config": {}}\n[1, "x", null]\n',
        b'{"config": {}}\n' + b"9" * 5000,
        b'{"progress": {"message": "no config"}}',
    ],
    ids=[
        "empty",
        "truncated",
        "binary",
        "nested",
        "config-not-object",
        "not-objects",
        "huge-int",
        "no-config",
    ],
)
def test_bad_input_gives_a_problem_and_no_scan(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = govulncheck.read(path)
    assert result.problems
    assert result.scans == ()
    assert result.findings == ()


def test_finding_messages_of_wrong_types_are_named_and_skipped(tmp_path: Path) -> None:
    bad = [{"finding": {"osv": 5, "trace": "x"}}, {"finding": {"osv": "GO-1", "trace": []}}, {"finding": []}]
    result = govulncheck.read(_stream(tmp_path, CONFIG, {"osv": []}, *bad, _finding()))
    assert [f.rule_id for f in result.findings] == ["GO-2025-3553"]
    assert "3 finding messages" in result.problems[0].message
    assert [s.findings for s in result.scans] == [1]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_detect_claims_only_govulncheck_files(corpus_dir: Path) -> None:
    claimed = {
        p.name for p in _files(corpus_dir) + _files(TESTS_DATA) if govulncheck.detect(p.read_bytes()[:8192])
    }
    assert claimed == {p.name for p in (corpus_dir / "audit").iterdir() if "govulncheck" in p.name}


def test_no_other_reader_claims_govulncheck_files(corpus_dir: Path) -> None:
    for path in _files(corpus_dir):
        head = path.read_bytes()[:8192]
        if govulncheck.detect(head):
            others = [
                name for name, reader in READERS.items() if name != govulncheck.FORMAT and reader.detect(head)
            ]
            assert others == [], path.name


def _digest(result: FileResult) -> dict[str, Any]:
    return result.model_dump(mode="json")


def test_every_corpus_file_has_a_golden(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir / "audit")
    missing = []
    for path in sorted(p for p in Path().iterdir() if govulncheck.detect(p.read_bytes()[:8192])):
        golden = DATA / f"{path.name}.json"
        if REGEN:
            digest = _digest(govulncheck.read(path))
            golden.write_text(json.dumps(digest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif not golden.exists():
            missing.append(path.name)
    assert missing == [], "regenerate with ISSUEPLAN_REGEN_GOLDEN=1"


@pytest.mark.parametrize("golden", sorted(DATA.glob("*.json")), ids=lambda p: p.stem)
def test_corpus_file_matches_its_golden(
    corpus_report: CorpusReport, golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_report("govulncheck", f"audit/{golden.stem}").parent)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert _digest(govulncheck.read(Path(golden.stem))) == expected


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("django-DefectDojo_govulncheck_many_vulns_new_version.json", 1),
        ("django-DefectDojo_govulncheck_no_vulns_new_version.json", 0),
        # the manifest counts 116 `finding` messages: govulncheck sends one per level (module required,
        # package imported, function called) and per call trace. They name 40 (module, version, advisory)
        # triples: 22 called, 8 imported only, 10 required only. Its 201 `osv` messages cover every advisory
        # of the scanned modules, most not affecting the versions in use, so they are not findings.
        ("django-DefectDojo_govulncheck_issue_14642.json", 40),
    ],
)
def test_finding_counts_agree_with_the_manifest(corpus_report: CorpusReport, name: str, count: int) -> None:
    result = govulncheck.read(corpus_report("govulncheck", f"audit/{name}"))
    assert len(result.findings) == count
    assert [s.findings for s in result.scans] == [count]


def test_issue_14642_levels(corpus_report: CorpusReport) -> None:
    result = govulncheck.read(
        corpus_report("govulncheck", "audit/django-DefectDojo_govulncheck_issue_14642.json")
    )
    levels = [f.severity for f in result.findings]
    assert (levels.count(Severity.HIGH), levels.count(Severity.MEDIUM), levels.count(Severity.LOW)) == (
        22,
        8,
        10,
    )
