"""The Grype JSON reader: the corpus' Grype reports (goldens and the manifest's counts), related records and
merged locations, severity fallbacks, specific detection, and bad input (I7)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import Severity
from issueplan.sources import HEAD_BYTES, READERS, grype
from report_checks import CorpusReport, every_file, findings_digest

DATA = Path(__file__).resolve().parent.parent / "data"
CASES = DATA / "grype" / "cases"
GOLDEN = DATA / "grype" / "golden"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"


def _write(tmp_path: Path, document: Any, name: str = "grype.json") -> Path:
    path = tmp_path / name
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def _match(
    vuln: dict[str, Any], name: str = "p", version: str = "1.0", where: str = "lock"
) -> dict[str, Any]:
    artifact = {"name": name, "version": version, "locations": [{"path": where}]}
    return {"vulnerability": vuln, "relatedVulnerabilities": [], "artifact": artifact}


def _report(*matches: Any) -> dict[str, Any]:
    return {"matches": list(matches), "source": {}, "descriptor": {"name": "grype", "version": "0.74.0"}}


def _inputs(corpus_dir: Path) -> list[Path]:
    """Every file this reader should read: the corpus' Grype JSON reports (not its SARIF) and the cases."""
    return sorted((corpus_dir / "audit").glob("*grype*")) + sorted(CASES.glob("*.json"))


def test_every_input_has_a_golden(corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = []
    for path in _inputs(corpus_dir):
        monkeypatch.chdir(path.parent)  # goldens hold the bare file name, not this machine's paths
        golden = GOLDEN / f"{path.name}.json"
        if REGEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(findings_digest(grype.read(Path(path.name))), indent=1, ensure_ascii=False)
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
    path = CASES / name if (CASES / name).is_file() else corpus_report("grype", f"audit/{name}")
    monkeypatch.chdir(path.parent)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert findings_digest(grype.read(Path(path.name))) == expected, path.name


@pytest.mark.parametrize(
    ("name", "count"),
    [
        # 9 matches, each a distinct (package, version, advisory): delegate 3.2.0 has three advisories
        ("django-DefectDojo_anchore_grype_many_vulns4.json", 9),
        ("django-DefectDojo_anchore_grype_no_vuln.json", 0),
        ("grype_TestJsonImgsPresenter.json", 2),
    ],
)
def test_finding_counts_agree_with_the_manifest(corpus_report: CorpusReport, name: str, count: int) -> None:
    result = grype.read(corpus_report("grype", f"audit/{name}"))
    assert result.problems == ()
    assert len(result.findings) == count
    assert [(s.tool, s.findings) for s in result.scans] == [("grype", count)]


def test_related_records_give_aliases_description_and_severity() -> None:
    result = grype.read(CASES / "related-and-locations.json")
    # two matches of requests 2.19.1 at two locations are one finding; the ignored match is none
    assert [(f.package, f.rule_id, f.severity) for f in result.findings] == [
        ("apt", "CVE-2011-3374", Severity.INFO),  # Negligible
        ("requests", "GHSA-j8r2-6x86-q33q", Severity.MEDIUM),  # Unknown: the related CVE's Medium
    ]
    requests = result.findings[1]
    assert requests.aliases == ("CVE-2023-32681",)
    assert requests.path == "requirements.txt"
    assert requests.message == (
        "Requests forwards Proxy-Authorization headers to destination servers on redirects."
        " (in requirements.txt, services/api/requirements.txt)"
    )
    assert requests.advisory == "https://github.com/advisories/GHSA-j8r2-6x86-q33q"
    assert requests.fixed_versions == ("2.31.0",)
    assert result.scans[0].findings == 2


def test_severity_falls_back_to_cvss_then_medium(tmp_path: Path) -> None:
    scored = {"id": "CVE-1", "severity": "Unknown", "cvss": [{"metrics": {"baseScore": 9.8}}]}
    unrated = {"id": "CVE-2", "severity": "Unknown"}
    path = _write(tmp_path, _report(_match(scored), _match(unrated)))
    assert [f.severity for f in grype.read(path).findings] == [Severity.CRITICAL, Severity.MEDIUM]


def test_unversioned_grype_has_no_tool_version(corpus_report: CorpusReport) -> None:
    result = grype.read(corpus_report("grype", "audit/grype_TestJsonImgsPresenter.json"))
    assert {f.tool_version for f in result.findings} == {None}  # the descriptor says "[not provided]"


def test_fingerprint_is_tool_package_version_advisory(tmp_path: Path) -> None:
    def one(version: str, description: str, where: str) -> str:
        vuln = {"id": "CVE-1", "description": description}
        path = _write(tmp_path, _report(_match(vuln, version=version, where=where)))
        return grype.read(path).findings[0].fingerprint

    assert one("1.0", "old", "a.lock") == one("1.0", "new", "b.lock")
    assert one("1.0", "x", "a.lock") != one("1.1", "x", "a.lock")


def test_detect_claims_only_grype_reports(shared_dir: Path) -> None:
    """Over every file of the corpus and of tests/data, only Grype JSON reports are claimed (Grype's SARIF
    belongs to the SARIF reader)."""
    claimed = set()
    for path in every_file(shared_dir / "corpus"):
        if grype.detect(path.read_bytes()[:HEAD_BYTES]):
            claimed.add(path)
    assert claimed == set(_inputs(shared_dir / "corpus"))


def test_a_key_sorted_report_is_detected(tmp_path: Path) -> None:
    """jq -S puts `descriptor` first: the descriptor naming grype is enough then."""
    path = _write(tmp_path, json.dumps(_report(_match({"id": "CVE-1"})), sort_keys=True))
    assert grype.detect(path.read_bytes())


def test_no_other_reader_claims_grype_reports(corpus_dir: Path) -> None:
    for path in _inputs(corpus_dir):
        head = path.read_bytes()[:HEAD_BYTES]
        others = [name for name, reader in READERS.items() if reader is not grype and reader.detect(head)]
        assert others == [], path.name


HOSTILE = {
    "empty": "",
    "truncated": '{"matches": [{"vulnerability": {"id": "CVE-1", "sev',
    "binary": b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "nested": '{"matches": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "top-level list": "[1, 2, 3]",
    "matches not a list": '{"matches": {"vulnerability": {"id": "CVE-1"}}}',
    "no matches": '{"descriptor": {"name": "grype"}}',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_bad_input_gives_a_problem_not_a_crash(tmp_path: Path, text: str | bytes) -> None:
    """I7: empty, truncated, binary, nested 100 000 deep, wrong JSON types."""
    result = grype.read(_write(tmp_path, text))
    assert result.findings == ()
    assert result.scans == ()
    assert result.problems


def test_wrong_types_inside_matches_are_absent_data(tmp_path: Path) -> None:
    """A match of the wrong shape is skipped or read as missing fields, never a crash."""
    matches = [
        "not a match",
        {"vulnerability": [], "artifact": {}},
        {"vulnerability": {"id": 5}},
        {
            "vulnerability": {
                "id": "CVE-3",
                "cvss": [{"metrics": "9.8"}, 7],
                "fix": {"versions": [1, "2.0"]},
            },
            "relatedVulnerabilities": "CVE-4",
            "artifact": {"name": ["x"], "locations": [None, {"path": 3}]},
        },
    ]
    result = grype.read(_write(tmp_path, _report(*matches)))
    assert result.problems == ()
    (finding,) = result.findings
    assert (finding.rule_id, finding.package, finding.path, finding.fixed_versions, finding.severity) == (
        "CVE-3",
        "(unnamed package)",
        None,
        ("2.0",),
        Severity.MEDIUM,
    )
