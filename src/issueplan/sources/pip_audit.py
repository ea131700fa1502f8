"""pip-audit JSON (the >=2.5 `{"dependencies": [...]}` object and the legacy top-level list) → Findings.

pip-audit reports no severity. A known vulnerability without severity data counts as MEDIUM: at or above the
default minimum (`low`), so it is acted on, but not HIGH, which would claim more than the data says.
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import FileResult, Finding, Problem, Scan, Severity
from issueplan.sources._finding import fingerprint
from issueplan.sources._json import JsonValue, as_dict, as_list, as_str, as_strs, load_json

FORMAT = "pip-audit"
TOOL = "pip-audit"
UNRATED = Severity.MEDIUM
OSV_URL = "https://osv.dev/vulnerability/"  # pip-audit's ids (PYSEC, GHSA) are all published there

_OBJECT = re.compile(rb'^\s*\{\s*"dependencies"\s*:\s*\[')
_LEGACY = re.compile(rb'^\s*\[\s*(\]\s*$|\{[^\[\]{}]*"vulns"\s*:)', re.DOTALL)
_LEGACY_ENTRY = re.compile(rb'^\s*\[\s*\{\s*"name"\s*:[^{}]*"version"\s*:')


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")
    # an empty top-level list is what legacy pip-audit prints for a clean environment
    return bool(_OBJECT.match(text) or _LEGACY.match(text) or _LEGACY_ENTRY.match(text))


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    dependencies: JsonValue = document.get("dependencies") if isinstance(document, dict) else document
    if not isinstance(dependencies, list):
        problem = Problem(file=file, message="not a pip-audit report: no `dependencies` list")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    findings = sorted(
        (finding for dependency in dependencies for finding in _findings(as_dict(dependency))),
        key=lambda f: (f.package or "", f.version or "", f.rule_id),
    )
    scan = Scan(tool=TOOL, file=file, findings=len(findings))
    return FileResult(file=file, format=FORMAT, findings=tuple(findings), scans=(scan,))


def _findings(dependency: dict[str, JsonValue]) -> list[Finding]:
    package = as_str(dependency.get("name")) or "(unnamed package)"
    version = as_str(dependency.get("version")) or ""
    findings = []
    for entry in as_list(dependency.get("vulns")):
        vuln = as_dict(entry)
        advisory = as_str(vuln.get("id"))
        if advisory is None:
            continue
        description = as_str(vuln.get("description")) or ""
        findings.append(
            Finding(
                tool=TOOL,
                rule_id=advisory,
                severity=UNRATED,
                message=description or f"{package} {version} is affected by {advisory}",
                package=package,
                version=version or None,
                advisory=f"{OSV_URL}{advisory}",
                aliases=tuple(sorted(set(as_strs(vuln.get("aliases"))))),
                fixed_versions=as_strs(vuln.get("fix_versions")),
                fingerprint=fingerprint(TOOL, package, version, advisory),
            )
        )
    return findings
