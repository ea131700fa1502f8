"""SARIF logs (2.1.0; 2.0 and 1.0 read on a best-effort basis) → Findings, and one Scan per run.

Severity, in order of trust: a numeric `security-severity` (result, then rule), a tool's own severity word
(Bandit's `issue_severity`, a generic `severity`), then the SARIF level (result, then the rule's default).
Each finding is security or code quality by `_security.classify`; each Scan says which of the two its
run looks for (its rules' categories, or its tool's), so a clean linter run never closes a security item.

A JSON file with `runs` but neither a SARIF `version` nor a SARIF `$schema` is no SARIF log: it comes back
`recognised=False`, for the loader's note, not as a broken file.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from issueplan.collector import collector_paused
from issueplan.model import FileResult, Finding, FindingCategory, Problem, Scan, Severity
from issueplan.sources._finding import fingerprint, severity_from_score, severity_from_word
from issueplan.sources._json import (
    JsonValue,
    as_dict,
    as_int,
    as_list,
    as_number,
    as_str,
    load_json,
)
from issueplan.sources._sarif_rule_text import first_line, help_uri, rule_in_message
from issueplan.sources._sarif_rules import Rule, RuleFacts
from issueplan.sources._security import is_security_scanner

FORMAT = "sarif"

_LOOKS_LIKE = re.compile(rb'"runs"\s*:|"\$schema"\s*:\s*"[^"]*sarif', re.IGNORECASE)
_LEVELS = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
# Results that report a check passing or not applying: evidence of health, not findings.
_NOT_A_PROBLEM = frozenset({"pass", "notApplicable", "informational"})
_TOOL_SEVERITY_KEYS = ("issue_severity", "severity", "Severity")
_SPACE = re.compile(r"\s+")
_DRIVE = re.compile(r"^/[A-Za-z]:/")
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_VERSION = re.compile(r"^(?:2\.1\.0|2\.0\.0|1\.0\.0)")


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and _LOOKS_LIKE.search(text) is not None


def read(path: Path) -> FileResult:
    file = str(path)
    document = load_json(path)
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    log = as_dict(document)
    if not _is_sarif(log):
        return FileResult(file=file, format=FORMAT, recognised=False)
    runs = log.get("runs")
    if not isinstance(runs, list):
        problem = Problem(file=file, message="not a SARIF log: no `runs` array")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    findings: list[Finding] = []
    scans: list[Scan] = []
    problems: list[Problem] = []
    with (
        collector_paused()
    ):  # 100k findings are 100k new objects for a tree the GC would sweep again and again
        for number, run in enumerate(runs, start=1):
            if not isinstance(run, dict):
                problems.append(Problem(file=file, message=f"SARIF run {number} is not an object; skipped"))
                continue
            tool, version = _tool(run)
            run_findings, categories = _run_findings(run, tool, version)
            findings.extend(run_findings)
            scans.append(Scan(tool=tool, file=file, findings=len(run_findings), categories=categories))
    if not runs:
        problems.append(Problem(file=file, message="SARIF log has no runs: no scanner result to use"))
    findings.sort(key=_order)
    return FileResult(
        file=file,
        format=FORMAT,
        findings=tuple(findings),
        scans=tuple(sorted(scans, key=lambda s: (s.tool, s.findings))),
        problems=tuple(problems),
    )


def _order(finding: Finding) -> tuple[str, str, int, str, str]:
    found = finding.__dict__  # the fields themselves: 100k findings are half a million attribute look-ups
    return (found["tool"], found["path"] or "", found["line"] or 0, found["rule_id"], found["fingerprint"])


def _is_sarif(log: dict[str, JsonValue]) -> bool:
    """A SARIF `version` (1.0.0, 2.0.0, 2.1.0) or a `$schema` naming SARIF: `runs` alone is any JSON's key."""
    version = as_str(log.get("version")) or ""
    schema = as_str(log.get("$schema")) or ""
    return bool(_VERSION.match(version)) or "sarif" in schema.casefold()


def _tool(run: dict[str, JsonValue]) -> tuple[str, str | None]:
    tool = as_dict(run.get("tool"))
    driver = as_dict(tool.get("driver")) or tool  # SARIF 1.0/2.0 name the tool on `tool` itself
    name = as_str(driver.get("name")) or as_str(driver.get("fullName")) or "unknown scanner"
    version = as_str(driver.get("semanticVersion")) or as_str(driver.get("version"))
    return name, version


def _components(run: dict[str, JsonValue]) -> list[dict[str, JsonValue]]:
    """The driver first, then each extension: `toolComponent.index` counts extensions only."""
    tool = as_dict(run.get("tool"))
    driver = as_dict(tool.get("driver"))
    return [driver, *(as_dict(extension) for extension in as_list(tool.get("extensions")))]


def _rules(component: dict[str, JsonValue]) -> list[Rule]:
    rules = component.get("rules")
    if isinstance(rules, dict):  # SARIF 1.0/2.0: a map from id to rule
        return [as_dict(rule) for rule in rules.values()]
    return [as_dict(rule) for rule in as_list(rules)]


def _run_findings(
    run: dict[str, JsonValue], tool: str, version: str | None
) -> tuple[list[Finding], tuple[FindingCategory, ...]]:
    """The run's live findings, and the categories it looks for: its rules', its findings', else its
    tool's."""
    components = _components(run)
    rule_lists = [_rules(component) for component in components]
    legacy = as_dict(as_dict(run.get("resources")).get("rules")) or as_dict(as_dict(run.get("rules")))
    rule_lists[0] = rule_lists[0] or [as_dict(rule) for rule in legacy.values()]
    by_id: dict[str, Rule] = {}
    for rules in reversed(rule_lists):  # the driver's rule wins over an extension's of the same id
        by_id.update({rule_id: rule for rule in rules if (rule_id := as_str(rule.get("id")))})
    facts = RuleFacts(is_security_scanner(tool))
    named = {
        name: rule
        for rules in reversed(rule_lists)
        for rule in rules
        for name in (as_str(rule.get("id")), as_str(rule.get("name")))
        if name
    }
    driver = as_dict(as_dict(run.get("tool")).get("driver"))
    home = (as_str(driver.get("informationUri")) or "").rstrip("/")
    findings = []
    for result in as_list(run.get("results")):
        if isinstance(result, dict) and _is_live(result):
            rule = _rule_of(result, rule_lists, by_id)
            found = _finding(result, rule, tool, version, facts, named)
            # Some producers give every rule the tool's home page as its help: no advisory of the finding.
            if found.advisory is not None and found.advisory.rstrip("/") == home:
                found = found.model_copy(update={"advisory": None})
            findings.append(found)
    looked_for = {facts.category({}, rule)[0] for rules in rule_lists for rule in rules}
    looked_for |= {finding.category for finding in findings}
    looked_for = looked_for or {facts.category({}, {})[0]}
    return findings, tuple(category for category in FindingCategory if category in looked_for)


def _is_live(result: dict[str, JsonValue]) -> bool:
    """False for suppressed results, results gone since the baseline, and passes."""
    suppressions = [as_dict(entry) for entry in as_list(result.get("suppressions"))]
    if suppressions and any(entry.get("status") != "rejected" for entry in suppressions):
        return False
    if result.get("baselineState") == "absent":
        return False
    return result.get("kind") not in _NOT_A_PROBLEM and result.get("level") not in _NOT_A_PROBLEM


def _rule_of(result: dict[str, JsonValue], rule_lists: list[list[Rule]], by_id: dict[str, Rule]) -> Rule:
    reference = as_dict(result.get("rule"))
    index = as_int(result.get("ruleIndex"))
    if index is None:
        index = as_int(reference.get("index"))
    component = as_int(as_dict(reference.get("toolComponent")).get("index"))
    rules = rule_lists[component + 1] if component is not None and component + 1 < len(rule_lists) else []
    rules = rules or rule_lists[0]
    if index is not None and 0 <= index < len(rules):
        return rules[index]
    rule_id = as_str(result.get("ruleId")) or as_str(reference.get("id")) or ""
    # a hierarchical id ("C2001/1") names a sub-rule of "C2001"
    return by_id.get(rule_id) or by_id.get(rule_id.split("/")[0]) or {}


def _finding(
    result: dict[str, JsonValue],
    rule: Rule,
    tool: str,
    version: str | None,
    facts: RuleFacts,
    named: dict[str, Rule],
) -> Finding:
    message = _message(result, rule)
    if not rule:  # Gitleaks names no rule on its results, only in its message: `AWS Access Key secret …`
        rule = rule_in_message(message, named)
    rule_id = (
        as_str(result.get("ruleId"))
        or as_str(as_dict(result.get("rule")).get("id"))
        or as_str(rule.get("id"))
        or first_line(message)
        or f"{tool} finding"
    )
    path, line, snippet = _location(result)
    fingerprints = {**_strings(result.get("fingerprints")), **_strings(result.get("partialFingerprints"))}
    if fingerprints:
        identity = [f"{key}={value}" for key, value in sorted(fingerprints.items())]
    else:  # never the line number: the finding must keep its identity when code above it moves
        identity = [path or "", _SPACE.sub(" ", snippet or message).strip()]
    category, cwes = facts.category(result, rule)
    # Not model_construct: pydantic's pure-Python construct costs twice the compiled validation here.
    return Finding(
        tool=tool,
        tool_version=version,
        rule_id=rule_id,
        rule_name=_text(rule.get("name")) or None,
        rule_help=facts.help(rule, message),
        advisory=help_uri(rule),
        severity=_severity(result, rule),
        cwe=cwes,
        category=category,
        message=message,
        path=path,
        line=line,
        fingerprint=fingerprint(tool, rule_id, *identity),
    )


def _severity(result: dict[str, JsonValue], rule: Rule) -> Severity:
    result_props = as_dict(result.get("properties"))
    rule_props = as_dict(rule.get("properties"))
    for props in (result_props, rule_props):
        score = as_number(props.get("security-severity"))
        if score is not None:
            return severity_from_score(score)
    for props in (result_props, rule_props):
        for key in _TOOL_SEVERITY_KEYS:
            word = as_str(props.get(key))
            severity = severity_from_word(word) if word else None
            if severity is not None:
                return severity
    level = (
        as_str(result.get("level"))
        or as_str(as_dict(rule.get("defaultConfiguration")).get("level"))
        or as_str(as_dict(rule.get("configuration")).get("defaultLevel"))
        or "warning"  # SARIF's own default level
    )
    return _LEVELS.get(level, Severity.MEDIUM)


def _location(result: dict[str, JsonValue]) -> tuple[str | None, int | None, str | None]:
    for entry in as_list(result.get("locations")):
        location = as_dict(entry)
        physical = as_dict(location.get("physicalLocation"))
        artifact = (
            as_dict(physical.get("artifactLocation"))
            or as_dict(physical.get("fileLocation"))  # SARIF 2.0
            or as_dict(location.get("resultFile"))  # SARIF 1.0
            or as_dict(location.get("analysisTarget"))
        )
        uri = as_str(artifact.get("uri"))
        region = as_dict(physical.get("region")) or as_dict(as_dict(location.get("resultFile")).get("region"))
        if uri:
            snippet = as_str(as_dict(region.get("snippet")).get("text"))
            return _path(uri), as_int(region.get("startLine")), snippet
    return None, None, None


def _path(uri: str) -> str:
    if uri.startswith("file:"):
        path = unquote(urlparse(uri).path)
        return path[1:] if _DRIVE.match(path) else path  # file:///C:/x → C:/x
    return unquote(uri)


def _message(result: dict[str, JsonValue], rule: Rule) -> str:
    message = result.get("message")
    if isinstance(message, str):  # SARIF 1.0
        return message
    body = as_dict(message) or as_dict(result.get("formattedRuleMessage"))
    text = as_str(body.get("text")) or as_str(body.get("markdown"))
    arguments = [str(argument) for argument in as_list(body.get("arguments"))]
    if text is None:
        message_id = as_str(body.get("id")) or as_str(body.get("formatId")) or ""
        template = as_dict(rule.get("messageStrings")).get(message_id)
        text = _text(template) or " ".join(arguments) or message_id
    if "{" not in text:  # most messages have no placeholder: no regex pass (and no closure) for them
        return text
    return _PLACEHOLDER.sub(lambda m: _argument(arguments, int(m.group(1)), m.group(0)), text)


def _argument(arguments: list[str], index: int, placeholder: str) -> str:
    return arguments[index] if index < len(arguments) else placeholder


def _text(value: JsonValue) -> str:
    """A SARIF string that may be plain or a `{"text": …}` message object."""
    return as_str(value) or as_str(as_dict(value).get("text")) or ""


def _strings(value: JsonValue) -> dict[str, str]:
    return {key: item for key, item in as_dict(value).items() if isinstance(item, str)}
