"""yarn audit NDJSON → Findings: yarn 1's `yarn audit --json` and yarn 4's `yarn npm audit --json` lines.

yarn 1 prints one `auditAdvisory` line per (advisory, dependency path) and a final `auditSummary`; the same
advisory on several paths is one finding per (package, version, advisory). yarn 4 prints one
`{"value": package, "children": {...}}` line per (package, advisory), deprecations included (yarn reports them
with a severity of their own, so they are kept). yarn 2/3's single `{"actions", "advisories"}` object is npm
audit's v1 shape and is left to npm_audit.

A Scan is only reported when the run visibly completed: yarn 1's `auditSummary` line, or a yarn 4 stream with
no unreadable line. Without it (a crash, a cut file) absent findings must not count as fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

from issueplan.model import READ_CAP, FileResult, Finding, Problem, Scan, Severity, cap_text
from issueplan.sources._finding import cwe_ids, fingerprint, severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str, as_strs
from issueplan.sources._ndjson import EventLines

FORMAT = "yarn-audit"
TOOL_V1 = "yarn audit"
TOOL_BERRY = "yarn npm audit"
UNRATED = Severity.MEDIUM

_BOM = b"\xef\xbb\xbf"
# yarn 1 may print `info`/`warning` lines first ("No lockfile found."): an audit type must follow in the head
_V1_FIRST = re.compile(rb'^\{\s*"type"\s*:\s*"(?:audit\w+|info|warning|error)"\s*,\s*"data"\s*:')
_V1_AUDIT = re.compile(rb'^\{\s*"type"\s*:\s*"audit(?:Advisory|Summary|Action)"', re.MULTILINE)
_BERRY = re.compile(rb'^\{\s*"value"\s*:\s*"[^"\n]*"\s*,\s*"children"\s*:\s*\{\s*"ID"\s*:')


def detect(head: bytes) -> bool:
    text = head.removeprefix(_BOM).lstrip()
    if _BERRY.match(text):
        return True
    return bool(_V1_FIRST.match(text) and _V1_AUDIT.search(text))


def read(path: Path) -> FileResult:
    file = str(path)
    findings: list[Finding] = []
    errors: list[Problem] = []
    summary = berry = False
    try:
        with path.open("rb") as stream:
            lines = EventLines(stream, file)
            for number, event in lines:
                kind = as_str(event.get("type"))
                data = event.get("data")
                if kind == "auditAdvisory":
                    findings.extend(_v1_findings(as_dict(as_dict(data).get("advisory"))))
                elif kind == "auditSummary":
                    summary = True
                elif kind == "error":
                    text = as_str(data) or "(no message)"
                    errors.append(Problem(file=file, line=number, message=f"yarn audit failed: {text}"))
                elif "children" in event:
                    berry = True
                    findings.extend(_berry_findings(event))
    except OSError as error:
        problem = Problem(file=file, message=f"cannot read: {error.strerror or error}")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    problems = lines.problems() + errors
    unique = {finding.fingerprint: finding for finding in findings}
    ordered = tuple(sorted(unique.values(), key=lambda f: (f.package or "", f.version or "", f.rule_id)))
    complete = not errors and (summary or (berry and lines.bad_lines == 0))
    if not complete:
        why = _incomplete(lines.events, berry, bool(errors))
        problems.append(
            Problem(file=file, message=f"yarn audit output incomplete ({why}): not counted as a scan")
        )
        return FileResult(file=file, format=FORMAT, findings=ordered, problems=tuple(problems))
    scan = Scan(tool=TOOL_BERRY if berry else TOOL_V1, file=file, findings=len(ordered))
    return FileResult(file=file, format=FORMAT, findings=ordered, scans=(scan,), problems=tuple(problems))


def _incomplete(events: int, berry: bool, failed: bool) -> str:
    if failed:
        return "yarn reported an error"
    if berry:
        return "some lines could not be read"
    return "no auditSummary line" if events else "no yarn audit event"


def _v1_findings(advisory: dict[str, JsonValue]) -> list[Finding]:
    if not advisory:
        return []
    package = as_str(advisory.get("module_name")) or "(unnamed package)"
    url = as_str(advisory.get("url")) or ""
    ghsa = as_str(advisory.get("github_advisory_id")) or ""
    number = advisory.get("id")
    number_text = str(number) if isinstance(number, int | str) and not isinstance(number, bool) else ""
    # the GHSA id is the one other tools (npm v2, OSV) use; old npm-registry advisories only have a number
    advisory_id = ghsa or number_text or url.rsplit("/", 1)[-1] or "(unnamed advisory)"
    title = as_str(advisory.get("title"))
    cwe = advisory.get("cwe")
    patched = as_str(advisory.get("patched_versions"))
    versions = sorted({as_str(as_dict(f).get("version")) or "" for f in as_list(advisory.get("findings"))})
    return [
        Finding(
            tool=TOOL_V1,
            rule_id=advisory_id,
            rule_name=title,
            severity=_severity(as_str(advisory.get("severity")), as_dict(advisory.get("cvss"))),
            cwe=cwe_ids([cwe] if isinstance(cwe, str) else as_strs(cwe)),
            message=cap_text(title or f"{package} is vulnerable ({advisory_id})", READ_CAP),
            package=package,
            version=version or None,
            advisory=url or None,
            aliases=tuple(sorted({*as_strs(advisory.get("cves")), ghsa, number_text} - {advisory_id, ""})),
            fixed_versions=(patched,) if patched else (),
            fingerprint=fingerprint(TOOL_V1, package, version, advisory_id),
        )
        for version in versions or [""]
    ]


def _berry_findings(event: dict[str, JsonValue]) -> list[Finding]:
    children = as_dict(event.get("children"))
    package = as_str(event.get("value")) or "(unnamed package)"
    url = as_str(children.get("URL")) or ""
    raw_id = children.get("ID")
    number = str(raw_id) if isinstance(raw_id, int | str) and not isinstance(raw_id, bool) else ""
    tail = url.rsplit("/", 1)[-1]
    advisory_id = tail if tail.startswith("GHSA-") else number or tail or "(unnamed advisory)"
    issue = as_str(children.get("Issue"))
    versions = sorted(set(as_strs(children.get("Tree Versions"))))
    return [
        Finding(
            tool=TOOL_BERRY,
            rule_id=advisory_id,
            rule_name=issue,
            severity=_severity(as_str(children.get("Severity")), {}),
            message=cap_text(issue or f"{package} is vulnerable ({advisory_id})", READ_CAP),
            package=package,
            version=version or None,
            advisory=url or None,
            aliases=tuple(sorted({number} - {advisory_id, ""})),
            fingerprint=fingerprint(TOOL_BERRY, package, version, advisory_id),
        )
        for version in versions or [""]
    ]


def _severity(word: str | None, cvss: dict[str, JsonValue]) -> Severity:
    severity = severity_from_word(word) if word else None
    if severity is not None:
        return severity
    score = as_number(cvss.get("score"))
    return severity_from_score(score) if score else UNRATED
