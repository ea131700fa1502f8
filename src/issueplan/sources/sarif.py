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
from operator import itemgetter
from pathlib import Path

from issueplan.collector import collector_paused, settle_as_old
from issueplan.model import FileResult, FindingCategory, Problem, Scan, checked_findings
from issueplan.sources._json import JsonValue, as_dict, as_int, as_list, as_str, load_json, lost_integer
from issueplan.sources._sarif_result import (
    SET_FIELDS,
    Fields,
    InexactNumberError,
    Key,
    RunContext,
    finding_fields,
)
from issueplan.sources._sarif_rules import Rule, RuleFacts, RuleView
from issueplan.sources._security import is_security_scanner

FORMAT = "sarif"

_LOOKS_LIKE = re.compile(rb'"runs"\s*:|"\$schema"\s*:\s*"[^"]*sarif', re.IGNORECASE)
# Results that report a check passing or not applying: evidence of health, not findings.
_NOT_A_PROBLEM = frozenset({"pass", "notApplicable", "informational"})
_VERSION = re.compile(r"^(?:2\.1\.0|2\.0\.0|1\.0\.0)")


def detect(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and _LOOKS_LIKE.search(text) is not None


def read(path: Path) -> FileResult:
    # A 90 MB log is millions of containers and 100k findings: the collector would walk the growing tree again
    # and again. It waits until the tree is freed, so that it never walks what is garbage already, and the
    # findings join the old objects at once (collector.py).
    with collector_paused():
        # orjson may make a float of an integer beyond 64 bits: the reader checks each number it uses
        # (InexactNumberError), rather than scan the whole file for long digit runs first, and reads the
        # rare log that holds one again as json.loads reads it
        try:
            result = _read(str(path), load_json(path, exact_numbers=False), exact=False)
        except InexactNumberError:
            result = _read(str(path), load_json(path), exact=True)
        settle_as_old()
    return result


def read_parsed(file: str, document: JsonValue) -> FileResult:
    """`read` of a log that json.loads parsed (its numbers exact), named `file`. Its results are consumed:
    each is dropped from its run's list once read."""
    return _read(file, document, exact=True)


def _read(file: str, document: JsonValue | Problem, *, exact: bool) -> FileResult:
    if isinstance(document, Problem):
        return FileResult(file=file, format=FORMAT, problems=(document,))
    log = as_dict(document)
    if not _is_sarif(log):
        return FileResult(file=file, format=FORMAT, recognised=False)
    runs = log.get("runs")
    if not isinstance(runs, list):
        problem = Problem(file=file, message="not a SARIF log: no `runs` array")
        return FileResult(file=file, format=FORMAT, problems=(problem,))
    by_tool, scans, problems = _read_runs(file, runs, exact)
    del document, log, runs  # the tree, freed now (before the collector runs again)
    findings = checked_findings(map(itemgetter(1), _in_finding_order(by_tool)), SET_FIELDS)
    return FileResult(
        file=file,
        format=FORMAT,
        findings=tuple(findings),
        scans=tuple(sorted(scans, key=lambda s: (s.tool, s.findings))),
        problems=tuple(problems),
    )


def _in_finding_order(by_tool: dict[str, list[tuple[Key, Fields]]]) -> list[tuple[Key, Fields]]:
    """The findings in `finding_key`'s order, stably (findings of the same key keep the file's order): by
    tool, then each tool's by its own key. A key that starts with the path, not with the tool they all share,
    is told from another by its first item, which the sort compares fastest."""
    ordered: list[tuple[Key, Fields]] = []
    for tool in sorted(by_tool):
        keyed = by_tool[tool]
        keyed.sort(key=itemgetter(0))
        if len(by_tool) == 1:
            return keyed  # most logs: one tool
        ordered.extend(keyed)
    return ordered


def _read_runs(
    file: str, runs: list[JsonValue], exact: bool
) -> tuple[dict[str, list[tuple[Key, Fields]]], list[Scan], list[Problem]]:
    """Every run's findings (sort key and fields) by tool, its Scan, and the Problems of runs that are no
    object."""
    by_tool: dict[str, list[tuple[Key, Fields]]] = {}
    scans: list[Scan] = []
    problems: list[Problem] = []
    for number, run in enumerate(runs, start=1):
        if not isinstance(run, dict):
            problems.append(Problem(file=file, message=f"SARIF run {number} is not an object; skipped"))
            continue
        tool, version = _tool(run)
        run_findings, categories = _run_findings(run, tool, version, exact)
        by_tool.setdefault(tool, []).extend(run_findings)
        scans.append(Scan(tool=tool, file=file, findings=len(run_findings), categories=categories))
    if not runs:
        problems.append(Problem(file=file, message="SARIF log has no runs: no scanner result to use"))
    return by_tool, scans, problems


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
    run: dict[str, JsonValue], tool: str, version: str | None, exact: bool
) -> tuple[list[tuple[Key, Fields]], tuple[FindingCategory, ...]]:
    """The run's live findings (their sort keys and fields), and the categories it looks for: its rules', its
    findings', else its tool's."""
    components = _components(run)
    rule_lists = [_rules(component) for component in components]
    legacy = as_dict(as_dict(run.get("resources")).get("rules")) or as_dict(as_dict(run.get("rules")))
    rule_lists[0] = rule_lists[0] or [as_dict(rule) for rule in legacy.values()]
    driver = as_dict(as_dict(run.get("tool")).get("driver"))
    home = (as_str(driver.get("informationUri")) or "").rstrip("/")
    facts = RuleFacts(is_security_scanner(tool), home)
    view_lists = [[facts.view(rule) for rule in rules] for rules in rule_lists]
    by_id: dict[str, RuleView] = {}
    for views in reversed(view_lists):  # the driver's rule wins over an extension's of the same id
        by_id.update({view.id: view for view in views if view.id})
    named = {
        name: view
        for views in reversed(view_lists)
        for view in views
        for name in (view.id, as_str(view.rule.get("name")))
        if name
    }
    context = RunContext(tool, version, facts, named, exact)
    driver_views = view_lists[0]
    findings: list[tuple[Key, Fields]] = []
    append, rule_count = findings.append, len(driver_views)
    results = as_list(run.get("results"))
    for position, result in enumerate(results):
        # Each result is freed once read, while it is still in the cache (a 90 MB tree freed at the end
        # is 0.2 s of cache misses); nothing else refers to it.
        results[position] = None
        if not isinstance(result, dict):
            continue
        level = result.get("level")  # of any JSON type: only a string can be a pass
        if ("suppressions" in result or "baselineState" in result or "kind" in result) and not _is_live(
            result
        ):
            continue
        if isinstance(level, str) and level in _NOT_A_PROBLEM:
            continue
        index = result.get("ruleIndex")
        if type(index) is int and "rule" not in result and 0 <= index < rule_count:
            view = driver_views[index]  # most results: an index into the driver's rules
        else:
            view = _rule_of(result, view_lists, by_id, context)
        append(finding_fields(result, view, context))
    looked_for = {facts.category({}, {}, rule)[0] for rules in rule_lists for rule in rules}
    looked_for |= context.categories
    looked_for = looked_for or {facts.category({}, {}, {})[0]}
    return findings, tuple(category for category in FindingCategory if category in looked_for)


def _is_live(result: dict[str, JsonValue]) -> bool:
    """False for suppressed results, results gone since the baseline, and passes."""
    suppressions = result.get("suppressions")
    if isinstance(suppressions, list) and any(
        not isinstance(entry, dict) or entry.get("status") != "rejected" for entry in suppressions
    ):
        return False
    if result.get("baselineState") == "absent":
        return False
    kind, level = result.get("kind"), result.get("level")  # of any JSON type: only a string can be a pass
    passed = isinstance(kind, str) and kind in _NOT_A_PROBLEM
    return not (passed or (isinstance(level, str) and level in _NOT_A_PROBLEM))


def _rule_of(
    result: dict[str, JsonValue],
    view_lists: list[list[RuleView]],
    by_id: dict[str, RuleView],
    run: RunContext,
) -> RuleView:
    """The result's rule: by index (in the driver, or the extension its reference names), else by id."""
    reference = as_dict(result.get("rule"))
    index_value, index_reference = result.get("ruleIndex"), reference.get("index")
    component_value = as_dict(reference.get("toolComponent")).get("index")
    if not run.exact and (
        lost_integer(index_value) or lost_integer(index_reference) or lost_integer(component_value)
    ):
        raise InexactNumberError
    index = as_int(index_value)
    if index is None:
        index = as_int(index_reference)
    component = as_int(component_value)
    # `toolComponent.index` counts extensions only; one that names none (or is negative) means the driver
    views = (
        view_lists[component + 1] if component is not None and 0 <= component < len(view_lists) - 1 else []
    )
    views = views or view_lists[0]
    if index is not None and 0 <= index < len(views):
        return views[index]
    rule_id = as_str(result.get("ruleId")) or as_str(reference.get("id")) or ""
    # a hierarchical id ("C2001/1") names a sub-rule of "C2001"
    view = by_id.get(rule_id) or by_id.get(rule_id.split("/")[0])
    return run.facts.no_rule if view is None else view
