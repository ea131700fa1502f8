"""What a SARIF rule and a result say about a finding's category and CWEs, a rule's part read once per run.

A large scan has thousands of results per rule; reading the rule's tags, properties and relationships again
for each result was a third of the SARIF reader's time.
"""

from __future__ import annotations

from dataclasses import dataclass

from issueplan.model import FindingCategory
from issueplan.sources._finding import cwe_ids
from issueplan.sources._json import JsonValue, as_dict, as_list, as_str
from issueplan.sources._sarif_rule_text import RuleHelp
from issueplan.sources._security import classify

Rule = dict[str, JsonValue]


@dataclass(frozen=True)
class _Marks:
    """What a rule or a result says about the finding's category: its tags, CWEs and security score."""

    tags: tuple[str, ...]
    cwes: frozenset[int]
    scored: bool


class RuleFacts:
    """Category and CWEs of a run's findings; a rule's own marks are read once, not once per result (a rule
    of a large scan has thousands of results)."""

    def __init__(self, security_tool: bool) -> None:
        self._security_tool = security_tool
        self._rules: dict[int, tuple[Rule, _Marks]] = {}  # by id(): rules are dicts, unhashable
        # A result that marks itself by tags alone (most do, with the same few) decides like any other with
        # those tags under the same rule: (rule id(), tags, scored) -> what category() gave.
        self._tagged: dict[tuple[int, tuple[str, ...], bool], tuple[FindingCategory, tuple[int, ...]]] = {}
        self.help = RuleHelp()  # a finding's rule help, the rule's texts read once

    def category(self, result: dict[str, JsonValue], rule: Rule) -> tuple[FindingCategory, tuple[int, ...]]:
        props = as_dict(result.get("properties"))
        if "taxa" in result or "cwe" in props:
            return self._category(result, rule)
        tags = tuple(tag for tag in as_list(props.get("tags")) if isinstance(tag, str))
        key = (id(rule), tags, props.get("security-severity") is not None)
        decided = self._tagged.get(key)
        if decided is None:
            decided = self._tagged[key] = self._category(result, rule)
        return decided

    def _category(self, result: dict[str, JsonValue], rule: Rule) -> tuple[FindingCategory, tuple[int, ...]]:
        cached = self._rules.get(id(rule))
        if cached is None:
            cached = self._rules[id(rule)] = (rule, _marks(rule, rule.get("relationships")))
        rule_marks = cached[1]
        own = _marks(result, result.get("taxa"), help_uri=False) if result else _NO_MARKS
        cwes = tuple(sorted(rule_marks.cwes | own.cwes))
        category = classify(
            tool="",
            tags=(*own.tags, *rule_marks.tags),
            cwes=cwes,
            security_severity=self._security_tool or own.scored or rule_marks.scored,
        )
        return category, cwes


def _marks(entry: dict[str, JsonValue], relations: JsonValue, *, help_uri: bool = True) -> _Marks:
    """The marks of a rule (its helpUri, properties and relationships) or of a result (properties, taxa)."""
    props = as_dict(entry.get("properties"))
    tags = tuple(tag for tag in as_list(props.get("tags")) if isinstance(tag, str))
    texts = [as_str(entry.get("helpUri")) or ""] if help_uri else []
    texts.extend(tags)
    texts.extend(item for item in as_list(props.get("cwe")) if isinstance(item, str))
    if isinstance(props.get("cwe"), str):
        texts.append(str(props["cwe"]))
    for relation in as_list(relations):
        target = as_dict(as_dict(relation).get("target")) or as_dict(relation)
        component = as_str(as_dict(target.get("toolComponent")).get("name")) or ""
        target_id = as_str(target.get("id")) or ""
        texts.append(f"CWE-{target_id}" if component.upper() == "CWE" and target_id.isdigit() else target_id)
    return _Marks(tags, frozenset(cwe_ids(texts)), props.get("security-severity") is not None)


_NO_MARKS = _Marks((), frozenset(), scored=False)
