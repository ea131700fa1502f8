"""govulncheck -json (a stream of concatenated, often pretty-printed JSON messages) → Findings.

govulncheck sends one `finding` message per trace it found, at three levels: the module is required, a
vulnerable package is imported, or a vulnerable function is called (the first trace frame names a function).
Every level is a finding, one per (module, version, advisory) at the deepest level seen: a required-only
vulnerability is still a vulnerable dependency govulncheck reported, and dropping it would let a sync close an
issue whose module was never upgraded.

govulncheck rates nothing; its own verdict is the call level (only called vulnerabilities fail its run), so
the level is the severity: called HIGH, imported MEDIUM (the others' unrated default), required LOW.
A top-level JSON array of messages (how some tools save the stream) is read alike.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from issueplan.model import READ_CAP, FileResult, Finding, Problem, Scan, Severity, cap_text
from issueplan.sources._finding import fingerprint
from issueplan.sources._json import (
    MAX_JSON_BYTES,
    JsonRefusedError,
    JsonValue,
    as_dict,
    as_list,
    as_str,
    as_strs,
    json_refusals,
    may_hold_surrogates,
    refuse_surrogates,
)

FORMAT = "govulncheck"
TOOL = "govulncheck"
GO_VULN_URL = "https://pkg.go.dev/vuln/"
MAX_MESSAGES = 1_000_000  # bounds the decode loop whatever the input

_CONFIG = re.compile(rb'^\s*\[?\s*\{\s*"config"\s*:\s*\{')
_SCANNER = re.compile(rb'"scanner_name"\s*:\s*"govulncheck"')
_LEVELS = {"called": Severity.HIGH, "imported": Severity.MEDIUM, "required": Severity.LOW}
_DEPTH = ("required", "imported", "called")

Message = dict[str, JsonValue]


def detect(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf")
    return bool(_CONFIG.match(text) and _SCANNER.search(text))


def read(path: Path) -> FileResult:
    file = str(path)
    text = _load_text(path)
    if isinstance(text, Problem):
        return FileResult(file=file, format=FORMAT, problems=(text,))
    messages, problem = _messages(text, file)
    config = next((m["config"] for m in messages if "config" in m), None)
    if not isinstance(config, dict):
        missing = Problem(file=file, message="not a govulncheck stream: no `config` message")
        return FileResult(file=file, format=FORMAT, problems=(missing, *([problem] if problem else [])))
    advisories = {
        osv_id: entry
        for m in messages
        if (entry := as_dict(m.get("osv"))) and (osv_id := as_str(entry.get("id")))
    }
    reports = [as_dict(m.get("finding")) for m in messages if "finding" in m]
    findings, skipped = _findings(reports, advisories, config)
    if problem is not None:
        # a cut stream: what was read is shown, but no Scan, so nothing is closed on its strength
        return FileResult(file=file, format=FORMAT, findings=findings, problems=(problem,))
    # a whole stream with some unusable finding messages is still a scan; they are named, not hidden
    unusable = Problem(file=file, message=f"{skipped} finding messages without an osv id or trace; skipped")
    scan = Scan(tool=TOOL, file=file, findings=len(findings))
    problems = (unusable,) if skipped else ()
    return FileResult(file=file, format=FORMAT, findings=findings, scans=(scan,), problems=problems)


def _load_text(path: Path) -> str | Problem:
    file = str(path)
    try:
        with path.open("rb") as stream:
            too_big = os.fstat(stream.fileno()).st_size > MAX_JSON_BYTES
            raw = b"" if too_big else stream.read(MAX_JSON_BYTES + 1)
    except OSError as error:
        return Problem(file=file, message=f"cannot read: {error.strerror or error}")
    if too_big or len(raw) > MAX_JSON_BYTES:
        return Problem(file=file, message=f"not read: larger than {MAX_JSON_BYTES // 2**20} MiB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Problem(file=file, message=f"not UTF-8 text (byte {error.start})")


def _messages(text: str, file: str) -> tuple[list[Message], Problem | None]:
    """The stream's message objects, and what stopped the decoding early (None when it reached the end)."""
    decoder = json.JSONDecoder()
    messages: list[Message] = []
    index = 0
    escaped = may_hold_surrogates(text)
    for _ in range(MAX_MESSAGES):
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return messages, None
        try:
            with json_refusals():
                value, index = decoder.raw_decode(text, index)
            refuse_surrogates(value, escaped)
        except JsonRefusedError as refused:
            return messages, Problem(
                file=file, line=refused.line, column=refused.column, message=refused.message
            )
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, dict) for item in items):
            return messages, Problem(
                file=file, message="invalid govulncheck stream: a value is not an object"
            )
        messages.extend(item for item in items if isinstance(item, dict))
    return messages, Problem(file=file, message=f"more than {MAX_MESSAGES} messages; the rest is not read")


def _findings(
    reports: list[Message], advisories: dict[str, Message], config: Message
) -> tuple[tuple[Finding, ...], int]:
    """The findings, and how many finding messages were unusable."""
    skipped = 0
    deepest: dict[tuple[str, str, str], tuple[int, Message, set[str]]] = {}
    for report in reports:
        osv_id = as_str(report.get("osv"))
        trace = [as_dict(frame) for frame in as_list(report.get("trace"))]
        if not osv_id or not trace:
            skipped += 1
            continue
        top = trace[0]
        key = (as_str(top.get("module")) or "(unnamed module)", as_str(top.get("version")) or "", osv_id)
        depth = 2 if as_str(top.get("function")) else 1 if as_str(top.get("package")) else 0
        fixed = {version} if (version := as_str(report.get("fixed_version"))) else set()
        known = deepest.get(key)
        if known is not None:
            fixed |= known[2]
            if known[0] >= depth:
                deepest[key] = (known[0], known[1], fixed)
                continue
        deepest[key] = (depth, top, fixed)
    version = as_str(config.get("scanner_version"))
    found = [
        _finding(key, _DEPTH[depth], top, fixed, advisories.get(key[2], {}), version)
        for key, (depth, top, fixed) in deepest.items()
    ]
    return tuple(sorted(found, key=lambda f: (f.package or "", f.version or "", f.rule_id))), skipped


def _finding(
    key: tuple[str, str, str],
    level: str,
    top: Message,
    fixed: set[str],
    advisory: Message,
    tool_version: str | None,
) -> Finding:
    module, version, osv_id = key
    summary = as_str(advisory.get("summary"))
    url = as_str(as_dict(advisory.get("database_specific")).get("url")) or f"{GO_VULN_URL}{osv_id}"
    return Finding(
        tool=TOOL,
        tool_version=tool_version,
        rule_id=osv_id,
        rule_name=summary,
        severity=_LEVELS[level],
        message=cap_text(f"{summary or osv_id} ({_reach(level, top)})", READ_CAP),
        package=module,
        version=version or None,
        advisory=url,
        aliases=tuple(sorted(set(as_strs(advisory.get("aliases"))) - {osv_id})),
        fixed_versions=tuple(sorted(fixed)),
        fingerprint=fingerprint(TOOL, module, version, osv_id),
    )


def _reach(level: str, top: Message) -> str:
    package = as_str(top.get("package")) or ""
    if level == "called":
        receiver = as_str(top.get("receiver"))
        symbol = f"{receiver}.{top.get('function')}" if receiver else str(top.get("function"))
        return f"called: {package}.{symbol}"
    if level == "imported":
        return f"imported: {package}, no vulnerable function called"
    return "required: module in the build, vulnerable packages not imported"
