"""npm audit JSON → Findings: v2 (npm 7+, `auditReportVersion: 2`) and v1 (npm 6; pnpm and `yarn npm audit`
print the same v1 shape and are read alike).

One Finding per (package, advisory). In v2 a package listed only because it depends on a vulnerable one (its
`via` names a package, not an advisory) is not a finding of its own: the advisory is reported on the package
that carries it, where the fix is.
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import FileResult, Finding, Problem, Scan, Severity
from issueplan.sources._finding import cwe_ids, fingerprint, severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str, as_strs, load_json

FORMAT = "npm-audit"
TOOL = "npm audit"

_V2 = re.compile(rb'"auditReportVersion"\s*:\s*2\b')
_V1 = re.compile(rb'"advisories"\s*:\s*\{|^\s*\{\s*"actions"\s*:\s*\[')
_ERROR = re.compile(rb'^\s*\{\s*"error"\s*:\s*\{\s*"code"\s*:\s*"E[A-Z]+"')


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")
    if not text.lstrip().startswith(b"{"):
        return False
    return bool(_V2.search(text) or _V1.search(text) or _ERROR.match(text))


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    report = as_dict(document)
    error = as_dict(report.get("error"))
    if error:
        # the audit did not run: no Scan, so nothing can be closed on the strength of this file
        code = as_str(error.get("code")) or "error"
        summary = as_str(error.get("summary")) or ""
        problem = Problem(file=file, message=f"npm audit failed ({code}): {summary}".rstrip(": "))
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    if isinstance(report.get("vulnerabilities"), dict) and "advisories" not in report:
        findings = _v2_findings(as_dict(report.get("vulnerabilities")))
    elif isinstance(report.get("advisories"), dict):
        findings = _v1_findings(as_dict(report.get("advisories")))
    else:
        problem = Problem(file=file, message="not an npm audit report: no `vulnerabilities` or `advisories`")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    unique = {finding.fingerprint: finding for finding in findings}
    ordered = sorted(unique.values(), key=lambda f: (f.package or "", f.version or "", f.rule_id))
    scan = Scan(tool=TOOL, file=file, findings=len(ordered))
    return FileResult(file=file, format=FORMAT, findings=tuple(ordered), scans=(scan,))


def _v2_findings(vulnerabilities: dict[str, JsonValue]) -> list[Finding]:
    findings = []
    for key, entry in vulnerabilities.items():
        vulnerable = as_dict(entry)
        package = as_str(vulnerable.get("name")) or key
        for via in as_list(vulnerable.get("via")):
            advisory = as_dict(via)
            if advisory:
                found = _finding(package, None, advisory, _fixed(vulnerable))
                fix = vulnerable.get("fixAvailable")
                # `fixAvailable`: false, true, or the upgrade that fixes it (then a fix is available too)
                available = fix if isinstance(fix, bool) else True if isinstance(fix, dict) else None
                findings.append(found.model_copy(update={"fix_available": available}))
    return findings


def _fixed(vulnerable: dict[str, JsonValue]) -> tuple[str, ...]:
    fix = as_dict(vulnerable.get("fixAvailable"))
    version = as_str(fix.get("version"))
    name = as_str(fix.get("name"))
    if version and name and name != vulnerable.get("name"):
        return (f"{name}@{version}",)
    return (version,) if version else ()


def _v1_findings(advisories: dict[str, JsonValue]) -> list[Finding]:
    findings: list[Finding] = []
    for entry in advisories.values():
        advisory = as_dict(entry)
        package = as_str(advisory.get("module_name")) or "(unnamed package)"
        patched = as_str(advisory.get("patched_versions"))
        versions = sorted(
            {as_str(as_dict(f).get("version")) or "" for f in as_list(advisory.get("findings"))}
        )
        fixed = (patched,) if patched else ()
        findings.extend(_finding(package, version or None, advisory, fixed) for version in versions or [""])
    return findings


def _finding(
    package: str, version: str | None, advisory: dict[str, JsonValue], fixed: tuple[str, ...]
) -> Finding:
    url = as_str(advisory.get("url")) or ""
    ghsa = as_str(advisory.get("github_advisory_id")) or url.rsplit("/", 1)[-1]
    number = advisory.get("source", advisory.get("id"))
    advisory_id = ghsa if ghsa.startswith("GHSA-") else str(number) if number is not None else ghsa
    aliases = {*as_strs(advisory.get("cves")), ghsa} - {advisory_id, ""}
    title = as_str(advisory.get("title")) or f"{package} is vulnerable ({advisory_id})"
    cwe = advisory.get("cwe")
    return Finding(
        tool=TOOL,
        rule_id=advisory_id,
        rule_name=as_str(advisory.get("title")),
        severity=_severity(advisory),
        cwe=cwe_ids([cwe] if isinstance(cwe, str) else as_strs(cwe)),
        message=title,
        package=package,
        version=version,
        advisory=url or None,
        aliases=tuple(sorted(aliases)),
        fixed_versions=fixed,
        # v2 names the range on the advisory (`range`), v1 as `vulnerable_versions`
        vulnerable_range=as_str(advisory.get("range")) or as_str(advisory.get("vulnerable_versions")),
        fingerprint=fingerprint(TOOL, package, version or "", advisory_id),
    )


def _severity(advisory: dict[str, JsonValue]) -> Severity:
    word = as_str(advisory.get("severity"))
    severity = severity_from_word(word) if word else None
    if severity is not None:
        return severity
    score = as_number(as_dict(advisory.get("cvss")).get("score"))
    return severity_from_score(score) if score else Severity.MEDIUM
