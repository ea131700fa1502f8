"""One SARIF result → the fields of its Finding, given its rule's view: the reader's per-result work.

A large scan has 100k results, so each is read once, field by field, with the rule's part read once per run
(`_sarif_rules.RuleView`) and a path's unquoting once per distinct uri. Every value is checked as it is taken
from the file (a string, an int that is no bool, an object), so sarif.read builds the Findings from them
with `model.checked_findings`, not by validating each again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any
from urllib.parse import unquote, urlparse

from issueplan.model import FindingCategory, Severity
from issueplan.sources._finding import severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str, lost_integer
from issueplan.sources._sarif_rule_text import first_line, rule_help, rule_in_message, text_of
from issueplan.sources._sarif_rules import TOOL_SEVERITY_KEYS, Rule, RuleFacts, RuleView

_LEVELS = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
_SPACE = re.compile(r"\s+")
_DRIVE = re.compile(r"^/[A-Za-z]:/")
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_EMPTY: dict[str, JsonValue] = {}  # read only: what a missing or mistyped object reads as

Fields = dict[str, object]  # keyword arguments of a Finding
Key = tuple[str, int, str, str]  # how a tool's findings sort: path, line, rule id, fingerprint


class InexactNumberError(Exception):
    """A number the reader uses may be an integer orjson could not keep (`_json.lost_integer`): the log is to
    be read again, parsed by json.loads."""


@dataclass(slots=True)
class RunContext:
    """What every result of one run shares: its tool, the rules' views, and the paths unquoted so far."""

    tool: str
    version: str | None
    facts: RuleFacts
    named: dict[str, RuleView]  # by rule id and by rule name, for a result that names its rule in its message
    exact: bool  # the log parsed by json.loads: no number to check (see InexactNumberError)
    paths: dict[str, str] = field(default_factory=dict)
    rules: dict[RuleView, _RuleRun] = field(default_factory=dict)  # by rule, made on its first result
    categories: set[FindingCategory] = field(default_factory=set)  # of the findings made so far


_UNSEEN = object()  # no result of the rule read yet: equal to no tags


class _RuleRun:
    """What the findings of one rule in one run share: their fields but the result's own (`row`, with the last
    result's rule id, severity, CWEs, category and help, which most of the next ones share), its first help
    text, and the category of the last result's tags (most results of a rule carry the same few)."""

    __slots__ = (
        *("decided", "help", "help_size", "row", "tags", "unscored"),
        *("categories", "category", "cwes", "rule_help", "rule_id", "severity"),
    )

    def __init__(self, run: RunContext, view: RuleView) -> None:
        self.row = _rule_row(run, view)
        self.categories = run.categories
        self.rule_id: str | None = None
        self.severity: Severity | None = None
        self.cwes: tuple[int, ...] | None = None
        self.category: FindingCategory | None = None
        self.rule_help: str | None = None
        # rule_help's answer, without a call, for most messages (see finding_fields)
        self.help = view.help_texts[0][0] if view.help_texts else None
        self.help_size = len(view.help_texts[0][1]) if view.help_texts else 0
        self.tags: object = _UNSEEN  # the last result's `tags` as they were (any JSON value) …
        self.unscored = True  # … whether it had no `security-severity` of its own …
        self.decided: tuple[FindingCategory, tuple[int, ...]] = (FindingCategory.SECURITY, ())  # … and so

    def remember(
        self,
        rule_id: str,
        severity: Severity,
        cwes: tuple[int, ...],
        category: FindingCategory,
        rule_help: str | None,
    ) -> None:
        """A result's own values of these fields, in `row` for the results that share them (and its category
        in the run's: every finding's is remembered before its row is made)."""
        self.categories.add(category)
        self.rule_id, self.severity, self.cwes, self.category, self.rule_help = (
            rule_id,
            severity,
            cwes,
            category,
            rule_help,
        )
        row = self.row
        row["rule_id"], row["severity"], row["cwe"], row["category"], row["rule_help"] = (
            rule_id,
            severity,
            cwes,
            category,
            rule_help,
        )


# The fields a SARIF finding sets (the others keep their defaults): its `model_fields_set`.
SET_FIELDS = frozenset(
    {"tool", "tool_version", "rule_id", "rule_name", "rule_help", "advisory", "severity", "cwe", "category"}
    | {"message", "path", "line", "fingerprint"}
)


def finding_fields(  # noqa: PLR0912, PLR0915 - one frame per result: a call per part costs as much as a part
    result: dict[str, JsonValue], view: RuleView, run: RunContext
) -> tuple[Key, Fields]:
    """The result's Finding as every field's value in the model's order (for `checked_findings`), and its
    sort key; `view` is its rule's (the empty rule's if it names none)."""
    get = result.get
    # A subscript succeeds only on what holds the key (a str key: an object; 0: a non-empty list), so what
    # most results hold is read by subscripts (half a `get`), the others go the long way.
    tree: Any = result
    try:
        message = tree["message"]["text"]
    except (LookupError, TypeError):
        message = None
    if type(message) is not str or not message or "{" in message:  # most: a text with no placeholder
        message = get("message")
        if not isinstance(message, str):  # a string is SARIF 1.0's message
            message = _message(result, view.rule, run.exact)
    if not view.rule:  # Gitleaks names no rule on its results, only in its message: `AWS Access Key secret …`
        view = rule_in_message(message, run.named) or run.facts.no_rule
    try:
        shared = run.rules[view]
    except KeyError:
        shared = run.rules[view] = _RuleRun(run, view)
    rule_id = get("ruleId")
    if not isinstance(rule_id, str) or not rule_id:
        rule_id = (
            as_str(as_dict(get("rule")).get("id")) or view.id or first_line(message) or f"{run.tool} finding"
        )
    # most results: the first location's uri and line, where SARIF 2.1.0 puts them
    region: dict[str, JsonValue]  # its snippet is read only where the identity needs it (few results)
    try:
        physical = tree["locations"][0]["physicalLocation"]
        uri, region = physical["artifactLocation"]["uri"], physical["region"]
        line = region["startLine"]
    except (LookupError, TypeError):
        uri = None
    path: str | None
    if isinstance(uri, str) and uri and type(line) is int:
        # a relative path with no escape is its own (unquote leaves it, no scheme): no look-up, no memo
        path = uri if "%" not in uri and ":" not in uri else run.paths.get(uri) or _unquoted(uri, run.paths)
    else:
        path, line, region = _location(get("locations"), run)
    partial = get("partialFingerprints")
    hashed = None
    if (
        type(partial) is dict
        and len(partial) == 2
        and not ("fingerprints" in result and tree["fingerprints"])
    ):
        # most producers (CodeQL: a line hash and a column): _identity's two names, by name, without a sort
        first, second = partial
        one, other = partial[first], partial[second]
        if type(one) is str and type(other) is str:
            if second < first:
                first, one, second, other = second, other, first, one
            hashed = f"{run.tool}\0{rule_id}\0{first}={one}\0{second}={other}"
    if hashed is None:
        hashed = f"{run.tool}\0{rule_id}\0{_identity(result, path, _snippet(region), message)}"
    digest = sha256(hashed.encode()).hexdigest()[:32]  # fingerprint(…), inline
    props = get("properties")
    props = props if isinstance(props, dict) else _EMPTY
    # most results have no score: `in` costs half a `get`
    score = props["security-severity"] if "security-severity" in props else None  # noqa: SIM401
    tags = props.get("tags")
    # Without taxa or CWEs of its own, a result's category is its rule's and its tags' and score's
    # (RuleFacts.category): equal tags decide as the last result's did.
    marked = "taxa" in result or "cwe" in props
    if not marked and tags == shared.tags and (score is None) is shared.unscored:
        category, cwes = shared.decided
    else:
        category, cwes = run.facts.category(result, props, view.rule)
        if not marked:
            shared.tags, shared.unscored, shared.decided = tags, score is None, (category, cwes)
    # the rule's score, the result giving none of its own
    severity = view.scored if view.scored is not None and score is None else _severity(result, props, view)
    helped = shared.help
    # An ASCII message shorter than the first help text's casefolded form is no casefolding of it: that text
    # is rule_help's answer (most messages; rule_help is the rest).
    if helped is not None and not (shared.help_size > len(message) and message.isascii()):
        helped = rule_help(view.help_texts, message)
    if (
        rule_id != shared.rule_id
        or severity is not shared.severity
        or cwes is not shared.cwes
        or category is not shared.category
        or helped is not shared.rule_help
    ):
        shared.remember(rule_id, severity, cwes, category, helped)
    row = shared.row.copy()  # a copy and 4 stores cost a third of a dict of 19 fields
    row["message"] = message
    row["path"] = path
    row["line"] = line
    row["fingerprint"] = digest
    return (path or "", line or 0, rule_id, digest), row


def _identity(result: dict[str, JsonValue], path: str | None, snippet: str | None, message: str) -> str:
    """The result's identity: its string fingerprints ("name=value", by name; a partial one wins over a full
    one of the same name), else its path and snippet (or message); never the line number, so that the
    identity survives code moving above it."""
    marked, partial = result.get("fingerprints"), result.get("partialFingerprints")
    fingerprints: dict[str, JsonValue]
    if marked:
        fingerprints = {**_strings(marked), **_strings(partial)}
    else:
        fingerprints = partial if isinstance(partial, dict) else _EMPTY
    # names are unique: values are never compared
    joined = "\0".join(
        [f"{key}={value}" for key, value in sorted(fingerprints.items()) if isinstance(value, str)]
    )
    return joined or f"{path or ''}\0{_SPACE.sub(' ', snippet or message).strip()}"


def _rule_row(run: RunContext, view: RuleView) -> Fields:
    """A Finding's fields of this run and rule, in the model's order: the others are the result's own."""
    return {
        "tool": run.tool,
        "tool_version": run.version,
        "rule_id": "",
        "rule_name": view.name,
        "severity": Severity.INFO,
        "cwe": (),
        "message": "",
        "path": None,
        "line": None,
        "fingerprint": "",
        "package": None,
        "version": None,
        "advisory": view.advisory,
        "aliases": (),
        "fixed_versions": (),
        "category": FindingCategory.SECURITY,
        "rule_help": None,
        "vulnerable_range": None,
        "fix_available": None,
    }


def _severity(result: dict[str, JsonValue], props: dict[str, JsonValue], view: RuleView) -> Severity:
    """In order of trust: a `security-severity` score (result, then rule), a tool's own severity word (result,
    then rule), the SARIF level (result, then the rule's default)."""
    score = props.get("security-severity")
    number = None if score is None else as_number(score)
    if number is not None:
        return severity_from_score(number)
    if view.scored is not None:
        return view.scored
    for key in TOOL_SEVERITY_KEYS:
        word = as_str(props.get(key))
        severity = severity_from_word(word) if word else None
        if severity is not None:
            return severity
    if view.worded is not None:
        return view.worded
    level = as_str(result.get("level")) or view.level or "warning"  # SARIF's own default level
    return _LEVELS.get(level, Severity.MEDIUM)


def _location(locations: JsonValue, run: RunContext) -> tuple[str | None, int | None, dict[str, JsonValue]]:
    """The first location with a uri: its path (unquoted, from `run.paths` when seen before), line and
    region (for its snippet)."""
    for entry in as_list(locations):
        if not isinstance(entry, dict):
            continue
        physical = entry.get("physicalLocation")
        physical = physical if isinstance(physical, dict) else _EMPTY
        artifact = physical.get("artifactLocation")
        if not isinstance(artifact, dict) or not artifact:
            artifact = (
                as_dict(physical.get("fileLocation"))  # SARIF 2.0
                or as_dict(entry.get("resultFile"))  # SARIF 1.0
                or as_dict(entry.get("analysisTarget"))
            )
        uri = artifact.get("uri")
        if isinstance(uri, str) and uri:
            region = physical.get("region")
            if not isinstance(region, dict) or not region:
                region = as_dict(as_dict(entry.get("resultFile")).get("region"))
            line = region.get("startLine")  # as_int: JSON's integers are ints, and a bool is none
            if not run.exact and lost_integer(line):
                raise InexactNumberError
            path = _unquoted(uri, run.paths)
            return path, line if type(line) is int else None, region
    return None, None, _EMPTY


def _snippet(region: dict[str, JsonValue]) -> str | None:
    held = region.get("snippet")
    text = held.get("text") if isinstance(held, dict) else None
    return text if isinstance(text, str) else None


def _unquoted(uri: str, paths: dict[str, str]) -> str:
    """The uri's path, unquoted once per distinct uri of the run."""
    path = paths.get(uri)
    if path is None:
        path = paths[uri] = _path(uri)
    return path


def _path(uri: str) -> str:
    if uri.startswith("file:"):
        path = unquote(urlparse(uri).path)
        return path[1:] if _DRIVE.match(path) else path  # file:///C:/x → C:/x
    return unquote(uri)


def _message(result: dict[str, JsonValue], rule: Rule, exact: bool) -> str:
    message = result.get("message")
    if isinstance(message, str):  # SARIF 1.0
        return message
    if isinstance(message, dict):  # most messages: a text with no placeholder, no regex pass for them
        text = message.get("text")
        if isinstance(text, str) and text and "{" not in text:
            return text
    body = as_dict(message) or as_dict(result.get("formattedRuleMessage"))
    text = as_str(body.get("text")) or as_str(body.get("markdown"))
    values = as_list(body.get("arguments"))
    if not exact and any(lost_integer(value) for value in values):
        raise InexactNumberError
    arguments = [str(value) for value in values]
    if text is None:
        message_id = as_str(body.get("id")) or as_str(body.get("formatId")) or ""
        template = as_dict(rule.get("messageStrings")).get(message_id)
        text = text_of(template) or " ".join(arguments) or message_id
    if "{" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: _argument(arguments, int(m.group(1)), m.group(0)), text)


def _argument(arguments: list[str], index: int, placeholder: str) -> str:
    return arguments[index] if index < len(arguments) else placeholder


def _strings(value: JsonValue) -> dict[str, JsonValue]:
    if not isinstance(value, dict) or not value:
        return _EMPTY
    return {key: item for key, item in value.items() if isinstance(item, str)}
