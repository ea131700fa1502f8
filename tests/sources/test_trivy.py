"""The Trivy JSON reader: the corpus' Trivy reports (goldens and the manifest's counts), misconfigurations and
secrets, severity fallbacks, specific detection, and bad input (I7)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import Severity
from issueplan.sources import HEAD_BYTES, READERS, trivy
from report_checks import CorpusReport, every_file, findings_digest

DATA = Path(__file__).resolve().parent.parent / "data"
CASES = DATA / "trivy" / "cases"
GOLDEN = DATA / "trivy" / "golden"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"


def _write(tmp_path: Path, document: Any, name: str = "trivy.json") -> Path:
    path = tmp_path / name
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def _report(*results: Any) -> dict[str, Any]:
    return {"SchemaVersion": 2, "ArtifactName": "app", "ArtifactType": "filesystem", "Results": list(results)}


def _inputs(corpus_dir: Path) -> list[Path]:
    """Every file this reader should read: the corpus' Trivy JSON reports and the hand-made cases."""
    return sorted((corpus_dir / "audit").glob("*trivy*")) + sorted(CASES.glob("*.json"))


def test_every_input_has_a_golden(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = []
    for path in _inputs(corpus_dir):
        monkeypatch.chdir(path.parent)  # goldens hold the bare file name, not this machine's paths
        golden = GOLDEN / f"{path.name}.json"
        if REGEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(findings_digest(trivy.read(Path(path.name))), indent=1, ensure_ascii=False)
            golden.write_text(text + "\n", encoding="utf-8")
        elif not golden.exists():
            missing.append(path.name)
    assert missing == [], "regenerate with ISSUEPLAN_REGEN_GOLDEN=1"


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_inputs_match_their_goldens(
    corpus_report: CorpusReport, golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each golden against its input: a hand-made case, or a corpus report (the project's copy if kept)."""
    name = golden.name.removesuffix(".json")
    path = CASES / name if (CASES / name).is_file() else corpus_report("trivy", f"audit/{name}")
    monkeypatch.chdir(path.parent)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert findings_digest(trivy.read(Path(path.name))) == expected, path.name


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("django-DefectDojo_trivy_scheme_2_many_vulns.json", 5),
        ("django-DefectDojo_trivy_scheme_2_no_vuln.json", 0),
        ("trivy_alpine-310.json", 4),
        ("trivy_composer.lock.json", 1),
        # The manifest counts 5 vulnerabilities in 3 targets; GMS-2022-20 on github.com/docker/distribution
        # v2.7.1+incompatible is listed in go.mod, submod/go.mod and submod2/go.mod. One Finding per
        # (package, version, advisory) makes those one Finding whose message names all three targets: 3.
        ("trivy_gomod.json", 3),
        ("trivy_poetry.json", 1),
    ],
)
def test_finding_counts_agree_with_the_manifest(corpus_report: CorpusReport, name: str, count: int) -> None:
    result = trivy.read(corpus_report("trivy", f"audit/{name}"))
    assert result.problems == ()
    assert len(result.findings) == count
    assert [(s.tool, s.findings) for s in result.scans] == [("trivy", count)]


def test_one_package_in_several_targets_is_one_finding_naming_them(corpus_report: CorpusReport) -> None:
    result = trivy.read(corpus_report("trivy", "audit/trivy_gomod.json"))
    (finding,) = [f for f in result.findings if f.rule_id == "GMS-2022-20"]
    assert finding.path == "go.mod"
    assert finding.message.endswith("(in go.mod, submod/go.mod, submod2/go.mod)")


def test_os_packages_have_no_path_and_language_packages_have_their_manifest(
    corpus_report: CorpusReport,
) -> None:
    result = trivy.read(corpus_report("trivy", "audit/django-DefectDojo_trivy_scheme_2_many_vulns.json"))
    paths = {f.package: f.path for f in result.findings}
    assert paths["libbz2"] is None  # its target is the image "teamdojo:latest (alpine 3.9.4)"
    assert paths["org.apache.commons:commons-compress"] == "app/libs/commons-compress-1.14.jar"


def test_config_and_secret_case() -> None:
    result = trivy.read(CASES / "config-and-secrets.json")
    found = {(f.rule_id, f.severity, f.path, f.line) for f in result.findings}
    assert found == {
        # UNKNOWN with CVSS scores: the highest score rates it
        ("CVE-2023-32681", Severity.MEDIUM, "requirements.txt", None),
        # the passed check (Status PASS) is not a finding
        ("AVD-DS-0002", Severity.HIGH, "Dockerfile", 1),
        ("aws-access-key-id", Severity.CRITICAL, "config/settings.env", 3),
    }
    vuln = next(f for f in result.findings if f.package == "requests")
    assert vuln.fixed_versions == ("2.31.0", "3.0.0")
    assert vuln.aliases == ("GHSA-j8r2-6x86-q33q",)
    assert vuln.advisory == "https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q"
    assert {f.tool_version for f in result.findings} == {"0.50.1"}
    assert "****" not in result.model_dump_json()  # a secret's matched text never leaves the report


def test_unknown_severity_without_scores_is_medium(tmp_path: Path) -> None:
    vuln = {"VulnerabilityID": "GO-1", "PkgName": "m", "InstalledVersion": "v1", "Severity": "UNKNOWN"}
    path = _write(tmp_path, _report({"Target": "go.mod", "Class": "lang-pkgs", "Vulnerabilities": [vuln]}))
    assert [f.severity for f in trivy.read(path).findings] == [Severity.MEDIUM]


def test_a_scan_without_results_is_a_clean_scan(tmp_path: Path) -> None:
    """Trivy leaves `Results` out when it found no target: the scanner ran and found nothing."""
    path = _write(tmp_path, {"SchemaVersion": 2, "ArtifactName": "empty", "ArtifactType": "filesystem"})
    result = trivy.read(path)
    assert (result.findings, result.problems, [s.findings for s in result.scans]) == ((), (), [0])


def test_fingerprint_is_tool_package_version_advisory(tmp_path: Path) -> None:
    def one(version: str, title: str, target: str) -> str:
        vuln = {"VulnerabilityID": "CVE-1", "PkgName": "p", "InstalledVersion": version, "Title": title}
        path = _write(tmp_path, _report({"Target": target, "Vulnerabilities": [vuln]}))
        return trivy.read(path).findings[0].fingerprint

    assert one("1.0", "old", "a/go.mod") == one("1.0", "new", "b/go.mod")
    assert one("1.0", "x", "go.mod") != one("1.1", "x", "go.mod")


def test_detect_claims_only_trivy_reports(shared_dir: Path) -> None:
    """Over every file of the corpus and of tests/data, only Trivy JSON reports are claimed."""
    claimed = set()
    for path in every_file(shared_dir / "corpus"):
        if trivy.detect(path.read_bytes()[:HEAD_BYTES]):
            claimed.add(path)
    assert claimed == set(_inputs(shared_dir / "corpus"))


def test_no_other_reader_claims_trivy_reports(corpus_dir: Path) -> None:
    for path in _inputs(corpus_dir):
        head = path.read_bytes()[:HEAD_BYTES]
        others = [name for name, reader in READERS.items() if reader is not trivy and reader.detect(head)]
        assert others == [], path.name


HOSTILE = {
    "empty": "",
    "truncated": '{"SchemaVersion": 2, "ArtifactName": "x", "Results": [{"Target": "go.mod", "Vuln',
    "binary": b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "nested": '{"SchemaVersion": 2, "ArtifactName": "x", "Results": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "top-level list": "[1, 2, 3]",
    "results not a list": '{"SchemaVersion": 2, "ArtifactName": "x", "Results": {"Target": "go.mod"}}',
    "no schema version": '{"ArtifactName": "x", "Results": []}',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_bad_input_gives_a_problem_not_a_crash(tmp_path: Path, text: str | bytes) -> None:
    """I7: empty, truncated, binary, nested 100 000 deep, wrong JSON types."""
    result = trivy.read(_write(tmp_path, text))
    assert result.findings == ()
    assert result.scans == ()
    assert result.problems


def test_wrong_types_inside_records_are_absent_data(tmp_path: Path) -> None:
    """A record of the wrong shape is skipped or read as missing fields, never a crash."""
    results = [
        "not a result",
        {"Target": 7, "Vulnerabilities": [3, None, {"VulnerabilityID": 5}]},
        {"Target": "x", "Vulnerabilities": [{"VulnerabilityID": "CVE-2", "CVSS": {"nvd": "9.8"}}]},
        {"Target": "y", "Misconfigurations": [{"CauseMetadata": []}], "Secrets": [{"StartLine": "3"}]},
    ]
    result = trivy.read(_write(tmp_path, _report(*results)))
    assert result.problems == ()
    assert [f.rule_id for f in result.findings] == ["(unnamed check)", "(unnamed rule)", "CVE-2"]
    assert result.scans[0].findings == 3
