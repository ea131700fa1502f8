"""OSV-Scanner JSON (`results[].packages[].vulnerabilities/groups`) → Findings, one per (package, advisory).

A group joins the records that are aliases of one vulnerability (a GHSA and a PYSEC for the same flaw): it is
one finding, named by its first id, the others listed as aliases. Severity: the group's `max_severity` score,
else the record's `database_specific.severity` word, else a numeric `severity[].score`; MEDIUM when the data
has none (CVSS vectors are not scored here).
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import FileResult, Finding, Problem, Scan, Severity
from issueplan.sources._finding import cwe_ids, fingerprint, severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str, as_strs, load_json

FORMAT = "osv"
TOOL = "osv-scanner"
UNRATED = Severity.MEDIUM
OSV_URL = "https://osv.dev/vulnerability/"

_RESULTS = re.compile(rb'"results"\s*:\s*\[')
_OSV_KEYS = re.compile(rb'"packages"\s*:\s*\[|"experimental_config"\s*:')

Record = dict[str, JsonValue]


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and bool(_RESULTS.search(text) and _OSV_KEYS.search(text))


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    results = as_dict(document).get("results")
    if not isinstance(results, list):
        problem = Problem(file=file, message="not an OSV-Scanner report: no `results` list")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    findings = {
        finding.fingerprint: finding
        for result in results
        for entry in as_list(as_dict(result).get("packages"))
        for finding in _package_findings(as_dict(entry))
    }
    ordered = sorted(findings.values(), key=lambda f: (f.package or "", f.version or "", f.rule_id))
    scan = Scan(tool=TOOL, file=file, findings=len(ordered))
    return FileResult(file=file, format=FORMAT, findings=tuple(ordered), scans=(scan,))


def _package_findings(entry: dict[str, JsonValue]) -> list[Finding]:
    package = as_dict(entry.get("package"))
    name = as_str(package.get("name")) or "(unnamed package)"
    version = as_str(package.get("version")) or ""
    records = {
        record_id: record
        for record in map(as_dict, as_list(entry.get("vulnerabilities")))
        if (record_id := as_str(record.get("id")))
    }
    groups = [as_dict(group) for group in as_list(entry.get("groups"))]
    grouped = [(list(as_strs(group.get("ids"))), group) for group in groups if as_strs(group.get("ids"))]
    seen = {record_id for ids, _ in grouped for record_id in ids}
    grouped += [([record_id], {}) for record_id in sorted(records) if record_id not in seen]
    return [_finding(name, version, ids, group, records) for ids, group in grouped]


def _finding(
    package: str, version: str, ids: list[str], group: dict[str, JsonValue], records: dict[str, Record]
) -> Finding:
    advisory = ids[0]
    members = [records[record_id] for record_id in ids if record_id in records]
    aliases = {*ids, *as_strs(group.get("aliases"))}
    for record in members:
        aliases.update(as_strs(record.get("aliases")))
    summary = next((text for record in members if (text := as_str(record.get("summary")))), "")
    return Finding(
        tool=TOOL,
        rule_id=advisory,
        severity=_severity(group, members),
        cwe=cwe_ids(_cwe_texts(members)),
        message=summary or f"{package} {version} is affected by {advisory}".strip(),
        package=package,
        version=version or None,
        advisory=f"{OSV_URL}{advisory}",
        aliases=tuple(sorted(aliases - {advisory})),
        fixed_versions=_fixed(members, package),
        fingerprint=fingerprint(TOOL, package, version, advisory),
    )


def _severity(group: dict[str, JsonValue], members: list[Record]) -> Severity:
    score = as_number(group.get("max_severity"))
    if score is not None:
        return severity_from_score(score)
    found: list[Severity] = []
    for record in members:
        word = as_str(as_dict(record.get("database_specific")).get("severity"))
        severity = severity_from_word(word) if word else None
        if severity is not None:
            found.append(severity)
        for rating in map(as_dict, as_list(record.get("severity"))):
            number = as_number(rating.get("score"))  # a CVSS vector is not a number and is skipped
            if number is not None:
                found.append(severity_from_score(number))
    return min(found, key=lambda severity: severity.rank) if found else UNRATED


def _cwe_texts(members: list[Record]) -> list[str]:
    texts: list[str] = []
    for record in members:
        specific = as_dict(record.get("database_specific"))
        texts.extend(as_strs(specific.get("cwe_ids")))
        for affected in map(as_dict, as_list(record.get("affected"))):
            cwes = as_list(as_dict(affected.get("database_specific")).get("cwes"))
            texts.extend(as_str(as_dict(cwe).get("cweId")) or "" for cwe in cwes)
    return texts


def _fixed(members: list[Record], package: str) -> tuple[str, ...]:
    fixed = {
        version
        for record in members
        for affected in map(as_dict, as_list(record.get("affected")))
        if as_str(as_dict(affected.get("package")).get("name")) in {package, None}
        for window in map(as_dict, as_list(affected.get("ranges")))
        for event in map(as_dict, as_list(window.get("events")))
        if (version := as_str(event.get("fixed")))
    }
    return tuple(sorted(fixed))
