"""Trivy JSON (`trivy … --format json`, schema v2) → Findings: vulnerabilities, failed misconfigurations,
secrets.

Vulnerabilities are one Finding per (package, version, advisory), like the other audit readers: a module that
several manifests pin at one version (go.mod and submod/go.mod) is one thing to upgrade, so the targets are
merged — the first is the Finding's path, the others are named in its message. An OS package's target is an
image ("alpine:3.10 (alpine 3.10.2)"), not a file, so it gives no path.

Severity: Trivy's own word; for UNKNOWN the highest CVSS score any vendor gives; MEDIUM when the data has
neither (as pip-audit and OSV-Scanner readers do: acted on, but not claimed high).

Misconfigurations (only those with Status FAIL: `--include-non-failures` adds passes) and secrets are read
too, as findings without a package: Trivy has already judged them and they name a file and a line. A secret's
`Match` and `Code` are never copied: Trivy masks the secret there, but a report should not depend on that.
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import READ_CAP, FileResult, Finding, Problem, Scan, Severity, cap_text
from issueplan.sources._finding import cwe_ids, fingerprint, severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_int, as_list, as_number, as_str, as_strs, load_json

FORMAT = "trivy"
TOOL = "trivy"
UNRATED = Severity.MEDIUM

# Trivy writes SchemaVersion first and ArtifactName next, both before the (possibly huge) Metadata; searched
# rather than anchored so a key-sorted copy (jq -S) is still recognised.
_SCHEMA = re.compile(rb'"SchemaVersion"\s*:\s*\d+\s*[,}\s]')
_ARTIFACT = re.compile(rb'"ArtifactName"\s*:\s*"')

Record = dict[str, JsonValue]


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and bool(_SCHEMA.search(text) and _ARTIFACT.search(text))


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    report = as_dict(document)
    # Results is `omitempty` in Trivy: a scan that found no target at all leaves it out
    results = report.get("Results", [])
    if as_int(report.get("SchemaVersion")) is None or not isinstance(results, list):
        problem = Problem(file=file, message="not a Trivy JSON report: no `SchemaVersion` and `Results` list")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    version = as_str(as_dict(report.get("Trivy")).get("Version"))
    candidates: list[Finding] = []
    for result in map(as_dict, results):
        candidates.extend(_result_findings(result, version))
    findings = _merge_targets(candidates)
    scan = Scan(tool=TOOL, file=file, findings=len(findings))
    return FileResult(file=file, format=FORMAT, findings=tuple(findings), scans=(scan,))


def _result_findings(result: Record, version: str | None) -> list[Finding]:
    target = as_str(result.get("Target")) or ""
    file_path = None if as_str(result.get("Class")) == "os-pkgs" else target or None
    findings = [
        finding
        for vuln in map(as_dict, as_list(result.get("Vulnerabilities")))
        if (finding := _vulnerability(vuln, file_path, version))
    ]
    checks = map(as_dict, as_list(result.get("Misconfigurations")))
    failed = [check for check in checks if as_str(check.get("Status")) in {"FAIL", None}]
    findings.extend(_misconfiguration(check, target, version) for check in failed)
    findings.extend(_secret(as_dict(secret), target, version) for secret in as_list(result.get("Secrets")))
    return findings


def _vulnerability(vuln: Record, file_path: str | None, version: str | None) -> Finding | None:
    advisory = as_str(vuln.get("VulnerabilityID"))
    if not advisory:
        return None
    package = as_str(vuln.get("PkgName")) or "(unnamed package)"
    installed = as_str(vuln.get("InstalledVersion")) or ""
    title = as_str(vuln.get("Title"))
    text = title or as_str(vuln.get("Description")) or f"{package} {installed} is affected by {advisory}"
    fixed = as_str(vuln.get("FixedVersion")) or ""  # "1.2.3, 2.0.1" when several branches are fixed
    return Finding(
        tool=TOOL,
        tool_version=version,
        rule_id=advisory,
        rule_name=title,
        severity=_severity(vuln),
        cwe=cwe_ids(as_strs(vuln.get("CweIDs"))),
        message=cap_text(text.strip(), READ_CAP),
        path=file_path,
        package=package,
        version=installed or None,
        advisory=as_str(vuln.get("PrimaryURL")) or next(iter(as_strs(vuln.get("References"))), None),
        aliases=tuple(sorted(set(as_strs(vuln.get("VendorIDs"))) - {advisory})),
        fixed_versions=tuple(part.strip() for part in fixed.split(",") if part.strip()),
        fingerprint=fingerprint(TOOL, package, installed, advisory),
    )


def _severity(record: Record) -> Severity:
    word = as_str(record.get("Severity"))
    severity = severity_from_word(word) if word else None
    if severity is not None:
        return severity
    scores = [
        score
        for rating in map(as_dict, as_dict(record.get("CVSS")).values())
        for key in ("V3Score", "V2Score")
        if (score := as_number(rating.get(key))) is not None
    ]
    return severity_from_score(max(scores)) if scores else UNRATED


def _misconfiguration(check: Record, target: str, version: str | None) -> Finding:
    rule_id = as_str(check.get("AVDID")) or as_str(check.get("ID")) or "(unnamed check)"
    cause = as_dict(check.get("CauseMetadata"))
    line = as_int(cause.get("StartLine"))
    # the resource ("aws_s3_bucket.logs") outlives edits that move lines; the line is the fallback
    where = as_str(cause.get("Resource")) or str(line or "")
    text = as_str(check.get("Message")) or as_str(check.get("Title")) or rule_id
    return Finding(
        tool=TOOL,
        tool_version=version,
        rule_id=rule_id,
        rule_name=as_str(check.get("Title")),
        severity=_severity(check),
        message=cap_text(text.strip(), READ_CAP),
        path=target or None,
        line=line if line and line > 0 else None,
        advisory=as_str(check.get("PrimaryURL")),
        aliases=tuple(alias for alias in [as_str(check.get("ID"))] if alias and alias != rule_id),
        fingerprint=fingerprint(TOOL, "misconfiguration", target, rule_id, where),
    )


def _secret(secret: Record, target: str, version: str | None) -> Finding:
    rule_id = as_str(secret.get("RuleID")) or "(unnamed rule)"
    line = as_int(secret.get("StartLine"))
    title = as_str(secret.get("Title"))
    return Finding(
        tool=TOOL,
        tool_version=version,
        rule_id=rule_id,
        rule_name=title,
        severity=_severity(secret),
        message=cap_text(f"secret found: {title or rule_id}", READ_CAP),
        path=target or None,
        line=line if line and line > 0 else None,
        fingerprint=fingerprint(TOOL, "secret", target, rule_id, str(line or "")),
    )


def _merge_targets(candidates: list[Finding]) -> list[Finding]:
    """One Finding per fingerprint; the same vulnerable package in several targets names them all."""
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
    return sorted(merged, key=_order)


def _order(finding: Finding) -> tuple[str, str, str, str, int]:
    return (
        finding.package or "",
        finding.version or "",
        finding.rule_id,
        finding.path or "",
        finding.line or 0,
    )
