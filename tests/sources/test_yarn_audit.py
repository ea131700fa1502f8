"""yarn_audit: yarn 1 `yarn audit --json` and yarn 4 `yarn npm audit --json` NDJSON; goldens over the corpus,
the manifest's counts, detection that claims nothing else, and bad input (I7)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import FileResult, Severity
from issueplan.sources import READERS, yarn_audit
from report_checks import CorpusReport

DATA = Path(__file__).resolve().parent.parent / "data" / "yarn-audit"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
TESTS_DATA = Path(__file__).resolve().parent.parent / "data"
# yarn 2/3 print npm audit's v1 object (npm_audit reads it); yarn 4's clean run is an empty file
OURS = ("yarn-1", "yarn_audit", "yarn-4-critical", "yarn-4-low", "yarn-4-workspace_")

ADVISORY = {
    "id": 1179,
    "module_name": "minimist",
    "severity": "low",
    "title": "Prototype Pollution",
    "url": "https://github.com/advisories/GHSA-vh95-rmgr-6w4m",
    "github_advisory_id": "GHSA-vh95-rmgr-6w4m",
    "cves": ["CVE-2020-7598"],
    "cwe": ["CWE-1321"],
    "patched_versions": ">=1.2.3",
    "findings": [{"version": "0.0.10", "paths": ["handlebars>optimist>minimist"]}],
}
SUMMARY = {"type": "auditSummary", "data": {"vulnerabilities": {"low": 1}}}


def _lines(tmp_path: Path, *events: Any) -> Path:
    path = tmp_path / "yarn.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def _advisory(path: str, **changes: Any) -> dict[str, Any]:
    resolution = {"id": 1179, "path": path, "dev": False, "optional": False, "bundled": False}
    return {"type": "auditAdvisory", "data": {"resolution": resolution, "advisory": {**ADVISORY, **changes}}}


def test_one_finding_per_package_version_advisory_across_paths(tmp_path: Path) -> None:
    path = _lines(tmp_path, _advisory("a>minimist"), _advisory("b>minimist"), SUMMARY)
    result = yarn_audit.read(path)
    (finding,) = result.findings
    assert (finding.tool, finding.package, finding.version, finding.rule_id) == (
        "yarn audit",
        "minimist",
        "0.0.10",
        "GHSA-vh95-rmgr-6w4m",
    )
    assert (finding.severity, finding.cwe, finding.aliases, finding.fixed_versions) == (
        Severity.LOW,
        (1321,),
        ("1179", "CVE-2020-7598"),
        (">=1.2.3",),
    )
    assert [(s.tool, s.findings) for s in result.scans] == [("yarn audit", 1)]


def test_npm_registry_advisory_without_ghsa_is_named_by_its_number(tmp_path: Path) -> None:
    path = _lines(
        tmp_path, _advisory("m", github_advisory_id=None, severity="?", cvss={"score": 9.8}), SUMMARY
    )
    (finding,) = yarn_audit.read(path).findings
    assert (finding.rule_id, finding.severity) == ("1179", Severity.CRITICAL)


def test_no_severity_at_all_is_medium(tmp_path: Path) -> None:
    path = _lines(tmp_path, _advisory("m", severity=None), SUMMARY)
    assert yarn_audit.read(path).findings[0].severity is Severity.MEDIUM


def test_without_summary_findings_are_kept_but_there_is_no_scan(tmp_path: Path) -> None:
    """A cut stream: what was read is reported, yet nothing may be closed on its strength."""
    result = yarn_audit.read(_lines(tmp_path, _advisory("m")))
    assert len(result.findings) == 1
    assert result.scans == ()
    assert "auditSummary" in result.problems[0].message


def test_yarn_error_line_is_a_problem_and_no_scan(tmp_path: Path) -> None:
    result = yarn_audit.read(_lines(tmp_path, {"type": "error", "data": "Request failed 500"}, SUMMARY))
    assert result.scans == ()
    assert "Request failed 500" in result.problems[0].message


def test_yarn_4_line_per_package_and_tree_version(tmp_path: Path) -> None:
    children = {
        "ID": 1090848,
        "Issue": "Command Injection in open",
        "URL": "https://github.com/advisories/GHSA-28xh-wpgr-7fm8",
        "Severity": "critical",
        "Vulnerable Versions": "<6.0.0",
        "Tree Versions": ["0.0.5", "0.0.4"],
        "Dependents": ["app@workspace:."],
    }
    result = yarn_audit.read(_lines(tmp_path, {"value": "open", "children": children}))
    assert [(f.version, f.rule_id, f.aliases, f.severity) for f in result.findings] == [
        ("0.0.4", "GHSA-28xh-wpgr-7fm8", ("1090848",), Severity.CRITICAL),
        ("0.0.5", "GHSA-28xh-wpgr-7fm8", ("1090848",), Severity.CRITICAL),
    ]
    assert [(s.tool, s.findings) for s in result.scans] == [("yarn npm audit", 2)]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b'{"type":"auditAdvisory","data":{"advisory":{"findings":[{"version":"1"',  # truncated
        b"\x00\xff\xfe binary \x89PNG",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"type":"auditAdvisory","data":3}\n{"type":"auditSummary","data":[]}\n[1]\n"x"\n',  # wrong types
        b'{"value":7,"children":{"ID":{},"Tree Versions":"1.0","URL":5}}\n{"value":"x","children":[]}\n{',
    ],
    ids=["empty", "truncated", "binary", "nested", "wrong-types-v1", "wrong-types-v4"],
)
def test_bad_input_gives_a_problem_not_a_crash(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = yarn_audit.read(path)
    assert result.problems
    assert all(f.rule_id for f in result.findings)


def _corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != "MANIFEST.md")


def test_detect_claims_only_yarn_audit_files(corpus_dir: Path) -> None:
    claimed = {p.name for p in _corpus_files(corpus_dir) if yarn_audit.detect(p.read_bytes()[:8192])}
    claimed |= {p.name for p in _corpus_files(TESTS_DATA) if yarn_audit.detect(p.read_bytes()[:8192])}
    assert claimed == {p.name for p in (corpus_dir / "audit").iterdir() if any(tag in p.name for tag in OURS)}


def test_no_other_reader_claims_yarn_audit_files(corpus_dir: Path) -> None:
    for path in (corpus_dir / "audit").iterdir():
        head = path.read_bytes()[:8192]
        if yarn_audit.detect(head):
            others = [
                name for name, reader in READERS.items() if name != yarn_audit.FORMAT and reader.detect(head)
            ]
            assert others == [], path.name


def _digest(result: FileResult) -> dict[str, Any]:
    return result.model_dump(mode="json")


def _ours(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in (corpus_dir / "audit").iterdir() if yarn_audit.detect(p.read_bytes()[:8192]))


def test_every_corpus_file_has_a_golden(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir / "audit")
    missing = []
    for path in _ours(corpus_dir):
        golden = DATA / f"{path.name}.json"
        if REGEN:
            digest = _digest(yarn_audit.read(Path(path.name)))
            golden.write_text(json.dumps(digest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif not golden.exists():
            missing.append(path.name)
    assert missing == [], "regenerate with ISSUEPLAN_REGEN_GOLDEN=1"


@pytest.mark.parametrize("golden", sorted(DATA.glob("*.json")), ids=lambda p: p.stem)
def test_corpus_file_matches_its_golden(
    corpus_report: CorpusReport, golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_report("yarn-audit", f"audit/{golden.stem}").parent)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert _digest(yarn_audit.read(Path(golden.stem))) == expected


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("audit-ci_yarn-1-high_output.jsonl", 1),
        ("audit-ci_yarn-1-low_output.jsonl", 1),
        ("audit-ci_yarn-1-moderate_output.jsonl", 1),
        ("audit-ci_yarn-1-none_output.jsonl", 0),
        ("audit-ci_yarn-1-workspace-empty_output.jsonl", 0),
        ("django-DefectDojo_yarn_audit_many_vul.json", 3),
        ("django-DefectDojo_yarn_audit_zero_vul.json", 0),
        # yarn 4 (the manifest's `?` lines have no "type"): each line is one package; here 3 deprecations
        # and 1 advisory, all kept as yarn rates them
        ("django-DefectDojo_yarn_audit_yarn2_audit_issue9911.json", 4),
        ("audit-ci_yarn-4-critical_output.json", 1),
        ("audit-ci_yarn-4-low_output.json", 1),
        ("audit-ci_yarn-4-workspace_output.json", 3),
    ],
)
def test_finding_counts_agree_with_the_manifest(corpus_report: CorpusReport, name: str, count: int) -> None:
    """Manifest observations: auditAdvisory lines (yarn 1), `?` lines (yarn 4)."""
    result = yarn_audit.read(corpus_report("yarn-audit", f"audit/{name}"))
    assert len(result.findings) == count
    assert [s.findings for s in result.scans] == [count]


def test_yarn_4_empty_output_is_not_a_scan(corpus_report: CorpusReport) -> None:
    """yarn 4 prints nothing for a clean project, and nothing when it crashes: they cannot be told apart."""
    result = yarn_audit.read(corpus_report("yarn-audit", "audit/audit-ci_yarn-4-workspace-empty_output.json"))
    assert result.scans == ()
    assert result.problems
