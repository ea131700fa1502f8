"""The SARIF reader: the seed's Bandit log, severities, CWE spellings, fingerprints, suppressions, bad
input (I7), and golden results over every SARIF file of the shared corpus."""

from __future__ import annotations

import gc
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from issueplan.model import FileResult, Severity
from issueplan.sources import READERS, sarif
from report_checks import CorpusReport, findings_digest

DATA = Path(__file__).resolve().parent.parent / "data" / "sarif"
REGEN = os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1"


def _log(*results: dict[str, Any], rules: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    driver = {"name": "Scanner", "version": "1.0", "rules": rules or [{"id": "R1", "name": "rule-one"}]}
    return {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": list(results)}]}


def _result(**fields: Any) -> dict[str, Any]:
    region = {"startLine": fields.pop("line", 3), "snippet": {"text": fields.pop("snippet", "x = 1")}}
    location = {
        "physicalLocation": {"artifactLocation": {"uri": fields.pop("uri", "src/a.py")}, "region": region}
    }
    return {"ruleId": "R1", "message": {"text": "bad"}, "locations": [location], **fields}


def _read(tmp_path: Path, log: Any, name: str = "scan.sarif") -> FileResult:
    path = tmp_path / name
    path.write_text(log if isinstance(log, str) else json.dumps(log), encoding="utf-8")
    return sarif.read(path)


def test_seed_bandit_log_gives_three_findings_with_severity_and_cwe(seed_dir: Path) -> None:
    result = sarif.read(seed_dir / "scenario/ci-results/security_tests/bandit.sarif")
    found = {(f.rule_id, f.severity, f.cwe) for f in result.findings}
    assert found == {
        ("B324", Severity.HIGH, (327,)),
        ("B608", Severity.MEDIUM, (89,)),
        ("B105", Severity.LOW, (259,)),
    }
    assert [(s.tool, s.findings) for s in result.scans] == [("Bandit", 3)]
    assert {f.path for f in result.findings} == {
        "app/auth/tokens.py",
        "app/reports/queries.py",
        "app/settings.py",
    }
    assert result.problems == ()


@pytest.mark.parametrize(
    ("score", "expected"),
    [("9.8", Severity.CRITICAL), (9.0, Severity.CRITICAL), (7.5, Severity.HIGH), ("4.0", Severity.MEDIUM),
     (0.1, Severity.LOW), (0, Severity.INFO)],
)  # fmt: skip
def test_security_severity_score_wins_over_level(tmp_path: Path, score: object, expected: Severity) -> None:
    result = _read(tmp_path, _log(_result(level="note", properties={"security-severity": score})))
    assert result.findings[0].severity is expected


def test_rule_security_severity_applies_to_its_results(tmp_path: Path) -> None:
    rules = [{"id": "R1", "properties": {"security-severity": "8.1"}}]
    assert _read(tmp_path, _log(_result(level="note"), rules=rules)).findings[0].severity is Severity.HIGH


@pytest.mark.parametrize(
    ("level", "expected"),
    [("error", Severity.HIGH), ("warning", Severity.MEDIUM), ("note", Severity.LOW), ("none", Severity.INFO),
     (None, Severity.MEDIUM)],
)  # fmt: skip
def test_level_fallback(tmp_path: Path, level: str | None, expected: Severity) -> None:
    fields = {"level": level} if level else {}
    assert _read(tmp_path, _log(_result(**fields))).findings[0].severity is expected


def test_rule_default_level_is_used_when_the_result_has_none(tmp_path: Path) -> None:
    rules = [{"id": "R1", "defaultConfiguration": {"level": "error"}}]
    assert _read(tmp_path, _log(_result(), rules=rules)).findings[0].severity is Severity.HIGH


@pytest.mark.parametrize(
    ("tag", "cwe"),
    [("external/cwe/cwe-327", 327), ("CWE-798: Use of Hard-coded Credentials", 798), ("cwe-79", 79),
     ("CWE:79", 79), ("external/cwe/cwe-079", 79)],
)  # fmt: skip
def test_cwe_tags_in_every_spelling(tmp_path: Path, tag: str, cwe: int) -> None:
    rules = [{"id": "R1", "properties": {"tags": ["security", tag]}}]
    assert _read(tmp_path, _log(_result(), rules=rules)).findings[0].cwe == (cwe,)


def test_cwe_from_rule_relationships_and_help_uri(tmp_path: Path) -> None:
    rules = [
        {
            "id": "R1",
            "helpUri": "https://cwe.mitre.org/data/definitions/91.html",
            "relationships": [{"target": {"id": "22", "toolComponent": {"name": "CWE"}}}],
        }
    ]
    assert _read(tmp_path, _log(_result(), rules=rules)).findings[0].cwe == (22, 91)


def test_rules_are_found_by_index_by_id_and_in_extensions(tmp_path: Path) -> None:
    log = _log(
        _result(ruleId="B", ruleIndex=1),
        _result(ruleId="EXT-1", rule={"id": "EXT-1", "index": 0, "toolComponent": {"index": 0}}),
        rules=[{"id": "A", "name": "alpha"}, {"id": "B", "name": "beta"}],
    )
    log["runs"][0]["tool"]["extensions"] = [{"name": "pack", "rules": [{"id": "EXT-1", "name": "extended"}]}]
    names = {f.rule_id: f.rule_name for f in _read(tmp_path, log).findings}
    assert names == {"B": "beta", "EXT-1": "extended"}


def test_fingerprint_survives_a_line_move_and_follows_the_snippet(tmp_path: Path) -> None:
    before = _read(tmp_path, _log(_result(line=3, snippet="password = 'x'")), "a.sarif").findings[0]
    moved = _read(tmp_path, _log(_result(line=90, snippet="password  =\n 'x'")), "b.sarif").findings[0]
    other = _read(tmp_path, _log(_result(line=3, snippet="token = 'y'")), "c.sarif").findings[0]
    assert before.fingerprint == moved.fingerprint
    assert before.fingerprint != other.fingerprint


def test_partial_fingerprints_are_used_in_any_key_order(tmp_path: Path) -> None:
    one = _result(line=1, partialFingerprints={"a/v1": "1", "b/v1": "2"})
    two = _result(line=50, snippet="changed", partialFingerprints={"b/v1": "2", "a/v1": "1"})
    first = _read(tmp_path, _log(one), "a.sarif").findings[0]
    second = _read(tmp_path, _log(two), "b.sarif").findings[0]
    assert first.fingerprint == second.fingerprint


def test_suppressed_and_absent_results_are_excluded(tmp_path: Path) -> None:
    log = _log(
        _result(snippet="kept"),
        _result(snippet="rejected suppression", suppressions=[{"kind": "inSource", "status": "rejected"}]),
        _result(snippet="suppressed", suppressions=[{"kind": "external"}]),
        _result(snippet="under review", suppressions=[{"kind": "external", "status": "underReview"}]),
        _result(snippet="fixed", baselineState="absent"),
        _result(snippet="passing", kind="pass"),
    )
    result = _read(tmp_path, log)
    assert len(result.findings) == 2
    assert result.scans[0].findings == 2


def test_a_run_with_no_results_is_still_a_scan(tmp_path: Path) -> None:
    result = _read(tmp_path, _log())
    assert result.findings == ()
    assert [(s.tool, s.findings) for s in result.scans] == [("Scanner", 0)]


def test_templated_message_is_filled_from_rule_message_strings(tmp_path: Path) -> None:
    rules = [{"id": "R1", "messageStrings": {"default": {"text": "{0} leaks {1}"}}}]
    result = _result(message={"id": "default", "arguments": ["f()", "memory"]})
    assert _read(tmp_path, _log(result, rules=rules)).findings[0].message == "f() leaks memory"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"version": "2.1.0"}', "no `runs`"),
        ('{"version": "2.1.0", "runs": {"a": 1}}', "no `runs`"),
        ('{"version": "2.1.0", "runs": []}', "no runs"),
        ('{"version": "2.1.0", "runs": [', "invalid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_logs_give_a_problem_not_a_crash(tmp_path: Path, text: str, needle: str) -> None:
    """I7: no `runs`, wrong types, truncated, nested 100 000 deep."""
    result = _read(tmp_path, text)
    assert result.findings == ()
    assert needle in result.problems[0].message


def test_wrong_types_inside_a_run_are_read_as_absent(tmp_path: Path) -> None:
    """I7: wrong types are absent data, not a crash."""
    log = {
        "version": "2.1.0",
        "runs": [{"tool": "x", "results": [1, "a", {"ruleId": 5, "locations": "no", "message": 3}]}, 7],
    }
    result = _read(tmp_path, log)
    assert [f.rule_id for f in result.findings] == ["unknown scanner finding"]
    assert [p.message for p in result.problems] == ["SARIF run 2 is not an object; skipped"]


@pytest.mark.parametrize("field", ["kind", "level"])
@pytest.mark.parametrize("value", [{"text": "pass"}, ["pass"], 3, None])
def test_a_kind_or_level_that_is_no_string_is_absent_not_a_crash(
    tmp_path: Path, field: str, value: Any
) -> None:
    """I7: an object or a list there used to crash the reader (unhashable); it reads as no kind or level."""
    result = _read(tmp_path, _log(_result(**{field: value})))
    assert [(f.rule_id, f.severity) for f in result.findings] == [("R1", Severity.MEDIUM)]


@pytest.mark.parametrize("component", [-1, -2, -7, 1, 5])
def test_a_tool_component_index_naming_no_extension_means_the_driver(tmp_path: Path, component: int) -> None:
    """I7: a negative index used to pick an extension from the end of the list, or crash past its start."""
    reference = {"id": "EXT-1", "index": 0, "toolComponent": {"index": component}}
    log = _log(_result(ruleId="EXT-1", rule=reference), rules=[{"id": "A", "name": "alpha"}])
    log["runs"][0]["tool"]["extensions"] = [{"name": "pack", "rules": [{"id": "EXT-1", "name": "extended"}]}]
    assert [f.rule_name for f in _read(tmp_path, log).findings] == ["alpha"]


@pytest.mark.parametrize("enabled", [True, False])
def test_a_read_gives_the_collector_back_as_it_was_with_nothing_frozen(tmp_path: Path, enabled: bool) -> None:
    """The reader pauses the collector and settles its findings as old (collector.py): afterwards the
    collector is on or off as before, and no object is left outside its collections."""
    (gc.enable if enabled else gc.disable)()
    try:
        result = _read(tmp_path, _log(_result(), _result(uri="src/b.py")))
        assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, 0)
    finally:
        gc.enable()
    assert len(result.findings) == 2
    assert all(gc.is_tracked(finding) for finding in result.findings)


def test_oversized_log_is_not_read(tmp_path: Path) -> None:
    """I7: the size of a JSON log is capped before it is read."""
    path = tmp_path / "huge.sarif"
    with path.open("wb") as stream:
        stream.truncate(101 * 2**20)  # sparse: costs no disk and is never read
    assert "larger than 100 MiB" in sarif.read(path).problems[0].message


def _corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in (corpus_dir / "sarif").iterdir() if p.is_file())


def test_every_corpus_sarif_is_detected_and_has_a_golden(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_dir / "sarif")  # goldens name files relative to their folder
    missing = []
    for path in _corpus_files(corpus_dir):
        head = path.read_bytes()[:8192]
        assert [name for name, reader in READERS.items() if reader.detect(head)][:1] == ["sarif"], path.name
        golden = DATA / "corpus" / f"{path.name}.json"
        if REGEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            result = sarif.read(Path(path.name))
            golden.write_text(
                json.dumps(findings_digest(result), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        elif not golden.exists():
            missing.append(path.name)
    assert missing == [], "regenerate with ISSUEPLAN_REGEN_GOLDEN=1"


@pytest.mark.parametrize("golden", sorted((DATA / "corpus").glob("*.json")), ids=lambda p: p.stem)
def test_corpus_sarif_matches_its_golden(
    corpus_report: CorpusReport, golden: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_report("sarif", f"sarif/{golden.stem}").parent)
    result = sarif.read(Path(golden.stem))
    assert findings_digest(result) == json.loads(golden.read_text(encoding="utf-8"))


def test_corpus_counts_agree_with_the_manifest(corpus_dir: Path) -> None:
    """The manifest's `N run(s), M result(s)` observations: one Scan per run, at most M findings."""
    manifest = (corpus_dir / "MANIFEST.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| sarif/(\S+) \|.*?(\d+) run\(s\), (\d+) result\(s\)", manifest)
    assert len(rows) >= 30
    for name, runs, results in rows:
        read = sarif.read(corpus_dir / "sarif" / name)
        assert len(read.scans) == int(runs), name
        assert sum(s.findings for s in read.scans) == len(read.findings) <= int(results), name


# --- security or code quality (sources/_security.py) -------------------------------------------------------


def _classified(tmp_path: Path, tool: str, rule: dict[str, Any], **result: Any) -> tuple[str, list[str]]:
    driver = {"name": tool, "rules": [{"id": "R1", **rule}]}
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": [_result(**result)]}]}
    read = _read(tmp_path, log)
    return read.findings[0].category.value, [category.value for category in read.scans[0].categories]


@pytest.mark.parametrize(
    ("tool", "rule", "result", "category"),
    [
        ("ESLint", {}, {}, "quality"),  # no tag, no CWE, no security-severity
        ("ESLint", {"properties": {"tags": ["maintainability", "external/cwe/cwe-561"]}}, {}, "quality"),
        ("ESLint", {"properties": {"tags": ["external/cwe/cwe-79"]}}, {}, "security"),
        ("Semgrep OSS", {"properties": {"tags": ["security", "OWASP-A03:2021 - Injection"]}}, {}, "security"),
        ("Semgrep OSS", {"properties": {"tags": ["OWASP-A01"]}}, {}, "security"),
        ("Semgrep OSS", {"properties": {"tags": ["correctness"]}}, {}, "quality"),
        ("CodeQL", {"properties": {"security-severity": "7.5"}}, {}, "security"),
        ("CodeQL", {}, {"properties": {"security-severity": "4.0"}}, "security"),
        ("Bandit", {}, {}, "security"),  # a scanner whose every rule is security
        ("gosec", {}, {}, "security"),
        ("owasp zap", {}, {}, "security"),
        ("Pylint", {"helpUri": "https://cwe.mitre.org/data/definitions/563.html"}, {}, "quality"),
    ],
)
def test_a_finding_is_security_when_its_tool_tag_cwe_or_security_severity_says_so(
    tmp_path: Path, tool: str, rule: dict[str, Any], result: dict[str, Any], category: str
) -> None:
    assert _classified(tmp_path, tool, rule, **result)[0] == category


def test_a_scan_says_which_categories_it_looks_for(tmp_path: Path) -> None:
    rules = [{"id": "R1"}, {"id": "S1", "properties": {"tags": ["security"]}}]
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "CodeQL", "rules": rules}}}]}
    assert [c.value for c in _read(tmp_path, log).scans[0].categories] == ["security", "quality"]
    linter = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "ESLint"}}, "results": []}]}
    assert [c.value for c in _read(tmp_path, linter).scans[0].categories] == ["quality"]
    clean = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Bandit"}}, "results": []}]}
    assert [c.value for c in _read(tmp_path, clean).scans[0].categories] == ["security"]


@pytest.mark.parametrize(
    "document",
    [
        {"runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]},
        {"version": "3.4", "runs": []},
        {"runs": {"passed": 1}},
    ],
)
def test_json_with_runs_but_no_sarif_version_or_schema_is_not_recognised(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    result = _read(tmp_path, document, name="benchmark.json")
    assert (result.recognised, result.findings, result.scans, result.problems) == (False, (), (), ())


@pytest.mark.parametrize(
    "document",
    [
        {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []},
        {"version": "2.1.0", "runs": []},
        {"runs": [], "version": "1.0.0"},
    ],
)
def test_a_sarif_version_or_schema_anywhere_in_the_log_makes_it_sarif(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    assert _read(tmp_path, document).recognised
