"""The dependency-audit readers (pip-audit, npm audit, OSV-Scanner): the seed's pip-audit report, severities,
groups, error payloads, bad input (I7), formats we do not read, and goldens over the corpus's audit files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import FileResult, Severity
from issueplan.sources import READERS, npm_audit, osv, pip_audit
from report_checks import CorpusReport, findings_digest

DATA = Path(__file__).resolve().parent.parent / "data" / "audit"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"
AUDIT_FORMATS = {"pip-audit", "npm-audit", "osv"}


def _write(tmp_path: Path, document: Any, name: str = "audit.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def _detected(path: Path) -> list[str]:
    head = path.read_bytes()[:8192]
    return [name for name, reader in READERS.items() if reader.detect(head)]


def test_seed_pip_audit_gives_two_medium_findings(seed_dir: Path) -> None:
    result = pip_audit.read(seed_dir / "scenario/ci-results/security_tests/pip-audit.json")
    found = {(f.package, f.version, f.rule_id, f.fixed_versions) for f in result.findings}
    assert found == {
        ("requests", "2.19.1", "PYSEC-2018-28", ("2.20.0",)),
        ("jinja2", "2.10", "PYSEC-2019-217", ("2.10.1",)),
    }
    # pip-audit carries no severity: counted as medium, above the default minimum `low`, not claimed high
    assert {f.severity for f in result.findings} == {Severity.MEDIUM}
    assert "CVE-2018-18074" in next(f for f in result.findings if f.package == "requests").aliases
    assert [(s.tool, s.findings) for s in result.scans] == [("pip-audit", 2)]


def test_pip_audit_legacy_list_format(tmp_path: Path) -> None:
    legacy = [{"name": "flask", "version": "0.5", "vulns": [{"id": "PYSEC-1", "fix_versions": ["0.6"]}]}]
    path = _write(tmp_path, legacy)
    assert _detected(path) == ["pip-audit"]
    assert [f.rule_id for f in pip_audit.read(path).findings] == ["PYSEC-1"]


def test_audit_fingerprint_is_tool_package_version_advisory(tmp_path: Path) -> None:
    def one(version: str, description: str) -> str:
        vulns = [{"id": "PYSEC-1", "description": description}]
        report = {"dependencies": [{"name": "a", "version": version, "vulns": vulns}]}
        return pip_audit.read(_write(tmp_path, report)).findings[0].fingerprint

    assert one("1.0", "old text") == one("1.0", "new text")
    assert one("1.0", "x") != one("1.1", "x")


def test_npm_v2_reports_advisories_on_the_package_that_carries_them(tmp_path: Path) -> None:
    advisory = {
        "source": 1,
        "name": "minimist",
        "title": "Prototype Pollution",
        "url": "https://github.com/advisories/GHSA-xvch-5gv4-984h",
        "severity": "critical",
        "cwe": ["CWE-1321"],
    }
    report = {
        "auditReportVersion": 2,
        "vulnerabilities": {
            "minimist": {"name": "minimist", "severity": "critical", "via": [advisory], "fixAvailable": True},
            "mkdirp": {"name": "mkdirp", "severity": "critical", "via": ["minimist"]},
        },
    }
    path = _write(tmp_path, report)
    assert _detected(path) == ["npm-audit"]
    (finding,) = npm_audit.read(path).findings
    assert (finding.package, finding.rule_id, finding.severity, finding.cwe) == (
        "minimist",
        "GHSA-xvch-5gv4-984h",
        Severity.CRITICAL,
        (1321,),
    )


def test_npm_error_payload_is_a_problem_and_no_scan(corpus_report: CorpusReport) -> None:
    result = npm_audit.read(corpus_report("audit", "audit/django-DefectDojo_npm_audit_empty_with_error.json"))
    assert result.scans == ()
    assert "ENOAUDIT" in result.problems[0].message


def test_osv_group_is_one_finding_with_its_aliases(tmp_path: Path) -> None:
    records = [
        {
            "id": "GHSA-aaaa",
            "aliases": ["CVE-1"],
            "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-79"]},
        },
        {"id": "PYSEC-1", "aliases": ["CVE-1"]},
    ]
    package = {
        "package": {"name": "p", "version": "1.0", "ecosystem": "PyPI"},
        "vulnerabilities": records,
        "groups": [{"ids": ["GHSA-aaaa", "PYSEC-1"]}],
    }
    path = _write(tmp_path, {"results": [{"source": {"path": "req.txt"}, "packages": [package]}]})
    assert _detected(path) == ["osv"]
    (finding,) = osv.read(path).findings
    assert (finding.rule_id, finding.aliases, finding.severity, finding.cwe) == (
        "GHSA-aaaa",
        ("CVE-1", "PYSEC-1"),
        Severity.HIGH,
        (79,),
    )


def test_osv_max_severity_score_is_used(tmp_path: Path) -> None:
    package = {
        "package": {"name": "p", "version": "1"},
        "vulnerabilities": [{"id": "OSV-1"}],
        "groups": [{"ids": ["OSV-1"], "max_severity": "9.8"}],
    }
    path = _write(tmp_path, {"results": [{"packages": [package]}], "experimental_config": {}})
    assert osv.read(path).findings[0].severity is Severity.CRITICAL


@pytest.mark.parametrize("reader", [pip_audit, npm_audit, osv], ids=lambda r: r.FORMAT)
@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, '{"dependencies": 3, "results": "x"}', "", "\xff\xfe"]
)
def test_bad_audit_json_gives_a_problem_not_a_crash(tmp_path: Path, reader: Any, text: str) -> None:
    """I7: nested 100 000 deep, wrong types, empty, not UTF-8."""
    result: FileResult = reader.read(_write(tmp_path, text))
    assert result.findings == ()
    assert result.problems


def test_every_audit_report_of_the_corpus_is_read_by_exactly_one_reader(corpus_dir: Path) -> None:
    """Eleven producers' formats, each recognised by content; only an empty file (a clean `yarn npm audit`
    run prints nothing, as a crash does) is left to the loader's "not a recognised result format"."""
    for path in sorted((corpus_dir / "audit").iterdir()):
        expected = 0 if path.stat().st_size == 0 else 1
        assert len(_detected(path)) == expected, (path.name, _detected(path))


def test_every_read_corpus_audit_has_a_golden(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus_dir / "audit")
    missing = []
    for path in sorted(Path().iterdir()):
        detected = _detected(path)[:1]
        if not detected or detected[0] not in AUDIT_FORMATS:
            continue
        golden = DATA / "corpus" / f"{path.name}.json"
        if REGEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            digest = findings_digest(READERS[detected[0]].read(path))
            golden.write_text(json.dumps(digest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif not golden.exists():
            missing.append(path.name)
    assert missing == [], "regenerate with ISSUEPLAN_REGEN_GOLDEN=1"


@pytest.mark.parametrize("golden", sorted((DATA / "corpus").glob("*.json")), ids=lambda p: p.stem)
def test_corpus_audit_matches_its_golden(
    corpus_report: CorpusReport, golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_report("audit", f"audit/{golden.stem}").parent)
    path = Path(golden.stem)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert _detected(path)[:1] == [expected["format"]]
    assert findings_digest(READERS[expected["format"]].read(path)) == expected


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("django-DefectDojo_pip_audit_many_vulns_new.json", 7),
        ("django-DefectDojo_pip_audit_zero_vulns_new.json", 0),
        ("django-DefectDojo_pip_audit_empty.json", 0),
        ("audit-ci_npm-critical_npm-output.json", 1),
        ("django-DefectDojo_npm_audit_many_vuln_with_groups.json", 5),
        ("audit-ci_npm-none_npm7-output.json", 0),
        ("osv-scanner_test-vuln-results-a.json", 2),
        ("osv-scanner_machinejson_grouped-multiple-vulns.json", 6),
        ("osv-scanner_machinejson_no-sources.json", 0),
    ],
)
def test_finding_counts_agree_with_the_manifest(corpus_report: CorpusReport, name: str, count: int) -> None:
    """Manifest observations: pip-audit vulns, npm v1 advisories, OSV groups."""
    path = corpus_report("audit", f"audit/{name}")
    result = READERS[_detected(path)[0]].read(path)
    assert len(result.findings) == count
    assert [s.findings for s in result.scans] == [count]
