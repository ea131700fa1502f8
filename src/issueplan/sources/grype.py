"""Grype JSON (`grype -o json`: `{"matches": [...], "source", "distro", "descriptor"}`) → Findings.

One Finding per (package, version, advisory), like the other audit readers: the same package found at several
locations (two lock files, two copies in an image) is one thing to upgrade, so its locations are merged — the
first is the Finding's path, the others are named in its message. `ignoredMatches` are not findings: the user
told Grype to ignore them.

A match's related vulnerabilities (the CVE behind a GHSA, say) are its aliases, and fill in what the match
lacks: a description, a severity. Severity: Grype's word, else the highest CVSS base score of the match, else
of its related records; MEDIUM when the data has none ("Unknown", no scores), as the other audit readers do.
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import READ_CAP, FileResult, Finding, Problem, Scan, Severity, cap_text
from issueplan.sources._finding import fingerprint, severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str, as_strs, load_json

FORMAT = "grype"
TOOL = "grype"
UNRATED = Severity.MEDIUM
UNVERSIONED = "[not provided]"  # what a Grype built without version information calls itself

# Grype writes `matches` first and each match starts with `vulnerability`; the descriptor naming grype comes
# last, so it is only in the head of a small report or of a key-sorted copy (jq -S).
_FIRST_MATCH = re.compile(rb'^\{\s*"matches"\s*:\s*\[\s*\{\s*"vulnerability"\s*:')
_NO_MATCHES = re.compile(rb'^\{\s*"matches"\s*:\s*\[\s*\]\s*,\s*"(ignoredMatches|source)"\s*:')
_DESCRIPTOR = re.compile(rb'"descriptor"\s*:\s*\{\s*"name"\s*:\s*"grype"')
_MATCHES = re.compile(rb'"matches"\s*:\s*\[')

Record = dict[str, JsonValue]


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _FIRST_MATCH.match(text) or _NO_MATCHES.match(text):
        return True
    return text.startswith(b"{") and bool(_DESCRIPTOR.search(text) and _MATCHES.search(text))


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    report = as_dict(document)
    matches = report.get("matches")
    if not isinstance(matches, list):
        problem = Problem(file=file, message="not a Grype JSON report: no `matches` list")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    version = as_str(as_dict(report.get("descriptor")).get("version"))
    version = None if version == UNVERSIONED else version
    candidates = [finding for match in matches if (finding := _finding(as_dict(match), version))]
    findings = _merge_locations(candidates)
    scan = Scan(tool=TOOL, file=file, findings=len(findings))
    return FileResult(file=file, format=FORMAT, findings=tuple(findings), scans=(scan,))


def _finding(match: Record, version: str | None) -> Finding | None:
    vuln = as_dict(match.get("vulnerability"))
    advisory = as_str(vuln.get("id"))
    if not advisory:
        return None
    artifact = as_dict(match.get("artifact"))
    package = as_str(artifact.get("name")) or "(unnamed package)"
    installed = as_str(artifact.get("version")) or ""
    related = [record for record in map(as_dict, as_list(match.get("relatedVulnerabilities"))) if record]
    description = next(
        (text for record in [vuln, *related] if (text := as_str(record.get("description")))),
        f"{package} {installed} is affected by {advisory}",
    )
    locations = (as_str(as_dict(location).get("path")) for location in as_list(artifact.get("locations")))
    return Finding(
        tool=TOOL,
        tool_version=version,
        rule_id=advisory,
        severity=_severity(vuln, related),
        message=cap_text(description.strip(), READ_CAP),
        path=next((location for location in locations if location), None),
        package=package,
        version=installed or None,
        advisory=_url(vuln),
        aliases=tuple(sorted({alias for r in related if (alias := as_str(r.get("id")))} - {advisory})),
        fixed_versions=as_strs(as_dict(vuln.get("fix")).get("versions")),
        fingerprint=fingerprint(TOOL, package, installed, advisory),
    )


def _url(vuln: Record) -> str | None:
    # dataSource is the record's own page when it is a URL; older Grype left it empty
    source = as_str(vuln.get("dataSource")) or ""
    if source.startswith(("https://", "http://")):
        return source
    return next(iter(as_strs(vuln.get("urls"))), None)


def _severity(vuln: Record, related: list[Record]) -> Severity:
    for records in ([vuln], related):
        found = [severity for record in records if (severity := _rated(record)) is not None]
        if found:
            return min(found, key=lambda severity: severity.rank)
    return UNRATED


def _rated(record: Record) -> Severity | None:
    word = as_str(record.get("severity"))
    severity = severity_from_word(word) if word else None
    if severity is not None:
        return severity
    scores = [
        score
        for rating in map(as_dict, as_list(record.get("cvss")))
        if (score := as_number(as_dict(rating.get("metrics")).get("baseScore"))) is not None
    ]
    return severity_from_score(max(scores)) if scores else None


def _merge_locations(candidates: list[Finding]) -> list[Finding]:
    """One Finding per fingerprint; the same vulnerable package at several locations names them all."""
    groups: dict[str, list[Finding]] = {}
    for finding in candidates:
        groups.setdefault(finding.fingerprint, []).append(finding)
    merged = []
    for group in groups.values():
        group.sort(key=lambda f: f.path or "")
        first = group[0]
        paths = sorted({f.path for f in group if f.path})
        if len(paths) > 1:
            message = cap_text(f"{first.message} (in {', '.join(paths)})", READ_CAP)
            first = first.model_copy(update={"message": message})
        merged.append(first)
    return sorted(merged, key=lambda f: (f.package or "", f.version or "", f.rule_id))
