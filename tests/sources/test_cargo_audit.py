"""cargo_audit: `cargo audit --json`; goldens over the corpus, the manifest's counts, detection that claims
nothing else, and bad input (I7)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import FileResult, Severity
from issueplan.sources import READERS, cargo_audit
from report_checks import CorpusReport

DATA = Path(__file__).resolve().parent.parent / "data" / "cargo-audit"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
TESTS_DATA = Path(__file__).resolve().parent.parent / "data"


def _vulnerability(crate: str, version: str, advisory_id: str, **advisory: Any) -> dict[str, Any]:
    return {
        "advisory": {"id": advisory_id, "package": crate, "title": f"bug in {crate}", **advisory},
        "versions": {"patched": [">=2.0.0"], "unaffected": []},
        "package": {"name": crate, "version": version},
    }


def _report(tmp_path: Path, *entries: Any, **extra: Any) -> Path:
    report = {
        "database": {"advisory-count": 302},
        "lockfile": {"dependency-count": 9},
        "vulnerabilities": {"found": bool(entries), "count": len(entries), "list": list(entries)},
        "warnings": {"yanked": [{"kind": "yanked", "package": {"name": "y", "version": "1"}}]},
        **extra,
    }
    path = tmp_path / "cargo-audit.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_one_finding_per_crate_version_advisory(tmp_path: Path) -> None:
    first = _vulnerability("smallvec", "1.5.0", "RUSTSEC-2021-0003", aliases=["CVE-2021-25900"])
    path = _report(tmp_path, first, first, _vulnerability("smallvec", "0.6.13", "RUSTSEC-2021-0003"))
    result = cargo_audit.read(path)
    assert [(f.package, f.version, f.rule_id) for f in result.findings] == [
        ("smallvec", "0.6.13", "RUSTSEC-2021-0003"),
        ("smallvec", "1.5.0", "RUSTSEC-2021-0003"),
    ]
    finding = result.findings[1]
    assert (finding.tool, finding.aliases, finding.fixed_versions, finding.advisory, finding.severity) == (
        "cargo-audit",
        ("CVE-2021-25900",),
        (">=2.0.0",),
        "https://rustsec.org/advisories/RUSTSEC-2021-0003.html",
        Severity.MEDIUM,  # no score in the data: unrated, like the other audits
    )
    # warnings (yanked, unmaintained) are informational for cargo audit itself: not findings
    assert [(s.tool, s.findings) for s in result.scans] == [("cargo-audit", 2)]


@pytest.mark.parametrize(
    ("advisory", "severity"),
    [
        ({"cvss": {"score": 9.1}}, Severity.CRITICAL),
        ({"cvss": "7.5"}, Severity.HIGH),
        ({"cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, Severity.MEDIUM),  # a vector is not scored
        ({"informational": "unsound"}, Severity.INFO),
    ],
)
def test_severity_from_the_data(tmp_path: Path, advisory: dict[str, Any], severity: Severity) -> None:
    path = _report(tmp_path, _vulnerability("c", "1", "RUSTSEC-1", **advisory))
    assert cargo_audit.read(path).findings[0].severity is severity


def test_entry_without_advisory_id_is_a_problem(tmp_path: Path) -> None:
    result = cargo_audit.read(_report(tmp_path, {"advisory": {"title": "x"}}, "junk"))
    assert result.findings == ()
    assert "2 vulnerabilities" in result.problems[0].message
    assert [s.findings for s in result.scans] == [0]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"database": {"advisory-count": 1}, "vulnerabilities": {"list": [',
        b"\x00\xff\xfe binary \x89PNG",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"database": 1, "vulnerabilities": {"list": {"a": 1}}}',
        b'{"database": 1, "vulnerabilities": []}',
        b"[1, 2]",
    ],
    ids=["empty", "truncated", "binary", "nested", "list-is-object", "vulnerabilities-is-list", "top-list"],
)
def test_bad_input_gives_a_problem_not_a_crash(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = cargo_audit.read(path)
    assert result.findings == ()
    assert result.scans == ()
    assert result.problems


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_detect_claims_only_cargo_audit_files(corpus_dir: Path) -> None:
    claimed = {
        p.name for p in _files(corpus_dir) + _files(TESTS_DATA) if cargo_audit.detect(p.read_bytes()[:8192])
    }
    assert claimed == {p.name for p in (corpus_dir / "audit").iterdir() if "cargo_audit" in p.name}


def test_no_other_reader_claims_cargo_audit_files(corpus_dir: Path) -> None:
    for path in _files(corpus_dir):
        head = path.read_bytes()[:8192]
        if cargo_audit.detect(head):
            others = [
                name for name, reader in READERS.items() if name != cargo_audit.FORMAT and reader.detect(head)
            ]
            assert others == [], path.name


def _digest(result: FileResult) -> dict[str, Any]:
    return result.model_dump(mode="json")


def test_every_corpus_file_has_a_golden(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir / "audit")
    missing = []
    for path in sorted(p for p in Path().iterdir() if cargo_audit.detect(p.read_bytes()[:8192])):
        golden = DATA / f"{path.name}.json"
        if REGEN:
            digest = _digest(cargo_audit.read(path))
            golden.write_text(json.dumps(digest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif not golden.exists():
            missing.append(path.name)
    assert missing == [], "regenerate with ISSUEPLAN_REGEN_GOLDEN=1"


@pytest.mark.parametrize("golden", sorted(DATA.glob("*.json")), ids=lambda p: p.stem)
def test_corpus_file_matches_its_golden(
    corpus_report: CorpusReport, golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_report("cargo-audit", f"audit/{golden.stem}").parent)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert _digest(cargo_audit.read(Path(golden.stem))) == expected


@pytest.mark.parametrize(
    ("name", "count"),
    [
        # vulnerabilities.count=4 (smallvec's RUSTSEC-2021-0003 for two locked versions); warnings not counted
        ("django-DefectDojo_cargo_audit_many_findings.json", 4),
        ("django-DefectDojo_cargo_audit_no_findings.json", 0),
    ],
)
def test_finding_counts_agree_with_the_manifest(corpus_report: CorpusReport, name: str, count: int) -> None:
    result = cargo_audit.read(corpus_report("cargo-audit", f"audit/{name}"))
    assert len(result.findings) == count
    assert [s.findings for s in result.scans] == [count]
