"""cargo-audit JSON (`cargo audit --json`) → Findings, one per (crate, version, advisory).

Only `vulnerabilities` are findings. `warnings` (unmaintained, yanked, unsound crates) are what cargo audit
itself treats as informational: they do not fail its run unless `--deny` asks, and counting them would turn
every yanked patch release into an action item.

Severity: a numeric `cvss` score when present; an advisory marked `informational` is INFO; otherwise MEDIUM,
like the other unrated audits. RustSec writes `cvss` as a CVSS vector, which is not scored here (as in osv).
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import READ_CAP, FileResult, Finding, Problem, Scan, Severity, cap_text
from issueplan.sources._finding import fingerprint, severity_from_score
from issueplan.sources._json import JsonValue, as_dict, as_number, as_str, as_strs, load_json

FORMAT = "cargo-audit"
TOOL = "cargo-audit"
UNRATED = Severity.MEDIUM
RUSTSEC_URL = "https://rustsec.org/advisories/{}.html"  # the advisory's own page; `url` is an upstream link

# cargo audit writes `database` first, and its `advisory-count` key is unlike any other report's
_HEAD = re.compile(rb'^\s*\{\s*"database"\s*:\s*\{[^{}]*"advisory-count"\s*:')


def detect(head: bytes) -> bool:
    return _HEAD.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    report = as_dict(document)
    vulnerabilities = as_dict(report.get("vulnerabilities"))
    entries = vulnerabilities.get("list")
    if not isinstance(entries, list):
        problem = Problem(file=file, message="not a cargo-audit report: no `vulnerabilities.list`")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    lockfile = as_str(as_dict(report.get("lockfile")).get("path"))
    found = (_finding(as_dict(entry), lockfile) for entry in entries)
    unique = {finding.fingerprint: finding for finding in found if finding is not None}
    ordered = tuple(sorted(unique.values(), key=lambda f: (f.package or "", f.version or "", f.rule_id)))
    problems = []
    skipped = len(entries) - sum(1 for entry in entries if _advisory_id(as_dict(entry)))
    if skipped:
        problems.append(
            Problem(file=file, message=f"{skipped} vulnerabilities without an advisory id; skipped")
        )
    scan = Scan(tool=TOOL, file=file, findings=len(ordered))
    return FileResult(file=file, format=FORMAT, findings=ordered, scans=(scan,), problems=tuple(problems))


def _advisory_id(entry: dict[str, JsonValue]) -> str | None:
    return as_str(as_dict(entry.get("advisory")).get("id"))


def _finding(entry: dict[str, JsonValue], lockfile: str | None) -> Finding | None:
    advisory = as_dict(entry.get("advisory"))
    advisory_id = _advisory_id(entry)
    if not advisory_id:
        return None
    package = as_dict(entry.get("package"))
    name = as_str(package.get("name")) or as_str(advisory.get("package")) or "(unnamed crate)"
    version = as_str(package.get("version")) or ""
    title = as_str(advisory.get("title"))
    return Finding(
        tool=TOOL,
        rule_id=advisory_id,
        rule_name=title,
        severity=_severity(advisory),
        message=cap_text(title or as_str(advisory.get("description")) or advisory_id, READ_CAP),
        path=lockfile,
        package=name,
        version=version or None,
        advisory=RUSTSEC_URL.format(advisory_id) if advisory_id.startswith("RUSTSEC-") else None,
        aliases=tuple(sorted(set(as_strs(advisory.get("aliases"))) - {advisory_id})),
        fixed_versions=as_strs(as_dict(entry.get("versions")).get("patched")),
        fingerprint=fingerprint(TOOL, name, version, advisory_id),
    )


def _severity(advisory: dict[str, JsonValue]) -> Severity:
    cvss = advisory.get("cvss")
    score = as_number(as_dict(cvss).get("score")) if isinstance(cvss, dict) else as_number(cvss)
    if score is not None:
        return severity_from_score(score)
    if as_str(advisory.get("informational")):
        return Severity.INFO
    return UNRATED
