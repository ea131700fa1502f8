"""The run's findings in `finding_key` order: sorted by the loader, or taken as they are from the one file of
a format whose reader sorts them itself (`_suites.IN_FINDING_ORDER`), the same order either way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from issueplan.model import FileResult, Finding, Severity
from issueplan.sources import load_results, sarif
from issueplan.sources._suites import IN_FINDING_ORDER, finding_key, ordered_findings


def _shuffled_log(seed: int, tool: str = "Scanner") -> dict[str, Any]:
    """Results out of order, some of one sort key (the same rule, place and fingerprint, another message)."""

    def pick(options: list[Any], number: int, salt: int) -> Any:
        return options[(number * (seed + 3) + salt * number // 3 + salt) % len(options)]

    results: list[dict[str, Any]] = []
    for number in range(60):
        region: dict[str, Any] = {"startLine": pick([1, 2, 30], number, 1)}
        if number % 7 == 0:
            region = {}  # no line: sorts as line 0
        location = {"physicalLocation": {"artifactLocation": {"uri": pick(["b.py", "a.py"], number, 2)}}}
        location["physicalLocation"]["region"] = region
        result: dict[str, Any] = {
            "ruleId": pick(["R2", "R1"], number, 3),
            "message": {"text": f"message {number}"},
            "locations": [location] if number % 5 else [],  # no location: sorts as path ""
            "partialFingerprints": {"hash": pick(["f", "e"], number, 5)},
        }
        results.append(result)
    driver = {"name": tool, "version": "1.0", "rules": [{"id": "R1"}, {"id": "R2"}]}
    return {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def _write(folder: Path, name: str, log: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(log), encoding="utf-8")
    return path


def _messages(findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    return [finding.message for finding in findings]


def test_the_sarif_reader_returns_its_findings_in_the_loaders_order(tmp_path: Path) -> None:
    """What lets the loader take one SARIF log's findings as they are: the reader sorted them by the same key,
    stably (findings of one key keep the log's order, so a message read later comes later)."""
    assert sarif.FORMAT in IN_FINDING_ORDER
    for seed in range(5):
        read = sarif.read(_write(tmp_path, f"scan{seed}.sarif", _shuffled_log(seed)))
        expected = sorted(read.findings, key=lambda f: (finding_key(f), int(f.message.split()[1])))
        assert _messages(read.findings) == _messages(expected)
        assert len({finding_key(f) for f in read.findings}) < len(read.findings)  # ties were there to keep


def test_one_sarif_log_read_alone_keeps_the_readers_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "scan.sarif", _shuffled_log(1))
    report = load_results([path])
    assert _messages(report.findings) == _messages(sarif.read(path).findings)
    assert _messages(report.findings) == _messages(sorted(report.findings, key=finding_key))


def test_the_findings_of_several_logs_are_sorted_together_earlier_files_first(tmp_path: Path) -> None:
    first = sarif.read(_write(tmp_path, "a.sarif", _shuffled_log(2)))
    second = sarif.read(_write(tmp_path, "b.sarif", _shuffled_log(3)))
    merged = ordered_findings([first, FileResult(file="empty", format="sarif"), second])
    # a stable sort of both files' findings, the first file's before the second's on a tie
    expected = sorted([*first.findings, *second.findings], key=finding_key)
    assert merged == tuple(expected)
    assert [f.message for f in merged] != [f.message for f in (*first.findings, *second.findings)]
    assert load_results([tmp_path / "b.sarif", tmp_path / "a.sarif"]).findings == tuple(expected)


def test_a_single_file_of_another_format_is_still_sorted() -> None:
    def finding(path: str, line: int) -> Finding:
        return Finding(
            tool="grype", rule_id="CVE-1", severity=Severity.HIGH, fingerprint="x", path=path, line=line
        )

    later, earlier = finding("b.txt", 1), finding("a.txt", 9)
    audit = FileResult(file="audit.json", format="grype", findings=(later, earlier))
    assert ordered_findings([audit]) == (earlier, later)
