"""What a SARIF rule says about its findings (id, name, help, page, severity, category and CWEs), read once
per run, and what a result adds to the category.

A large scan has thousands of results per rule; reading the rule's tags, properties and relationships again
for each result was a third of the SARIF reader's time.
"""

from __future__ import annotations

from dataclasses import dataclass

from issueplan.model import FindingCategory, Severity
from issueplan.sources._finding import cwe_ids, severity_from_score, severity_from_word
from issueplan.sources._json import JsonValue, as_dict, as_list, as_number, as_str
from issueplan.sources._sarif_rule_text import HelpTexts, help_texts, help_uri, text_of
from issueplan.sources._security import classify

Rule = dict[str, JsonValue]
TOOL_SEVERITY_KEYS = ("issue_severity", "severity", "Severity")


def word_severity(props: dict[str, JsonValue]) -> Severity | None:
    """The first of a tool's own severity words (Bandit's `issue_severity`, a generic `severity`) known."""
    for key in TOOL_SEVERITY_KEYS:
        word = props.get(key)
        severity = severity_from_word(word) if isinstance(word, str) and word else None
        if severity is not None:
            return severity
    return None


@dataclass(frozen=True, slots=True, eq=False)
class RuleView:
    """What the reader takes from one rule (an empty one when a result names none), read once per run."""

    rule: Rule
    id: str | None
    name: str | None
    advisory: str | None  # a help page on this rule (not the tool's home page)
    scored: Severity | None  # from the rule's `security-severity`
    worded: Severity | None  # from a tool's severity word in the rule's properties
    level: str | None  # the rule's default level
    help_texts: HelpTexts  # for rule_help

    @classmethod
    def of(cls, rule: Rule, home: str) -> RuleView:
        props = as_dict(rule.get("properties"))
        score = as_number(props.get("security-severity"))
        advisory = help_uri(rule)
        level = as_str(as_dict(rule.get("defaultConfiguration")).get("level")) or as_str(
            as_dict(rule.get("configuration")).get("defaultLevel")
        )
        return cls(
            rule=rule,
            id=as_str(rule.get("id")),
            name=text_of(rule.get("name")) or None,
            # Some producers give every rule the tool's home page as its help: no advisory of the finding.
            advisory=None if advisory is not None and advisory.rstrip("/") == home else advisory,
            scored=None if score is None else severity_from_score(score),
            worded=word_severity(props),
            level=level,
            help_texts=help_texts(rule),
        )


@dataclass(frozen=True)
class _Marks:
    """What a rule or a result says about the finding's category: its tags, CWEs and security score."""

    tags: tuple[str, ...]
    cwes: frozenset[int]
    scored: bool


class RuleFacts:
    """Category and CWEs of a run's findings; a rule's own marks are read once, not once per result (a rule
    of a large scan has thousands of results)."""

    def __init__(self, security_tool: bool, home: str) -> None:
        self._security_tool = security_tool
        self._home = home  # the tool's home page, no trailing "/"
        self._views: dict[int, RuleView] = {}  # by id(): rules are dicts, unhashable; a view keeps its rule
        self._rules: dict[int, tuple[Rule, _Marks]] = {}
        # A result that marks itself by tags alone (most do, with the same few) decides like any other with
        # those tags under the same rule: (rule id(), tags, scored) -> what category() gave.
        self._tagged: dict[
            tuple[int, tuple[JsonValue, ...], bool], tuple[FindingCategory, tuple[int, ...]]
        ] = {}
        self.no_rule = self.view({})

    def view(self, rule: Rule) -> RuleView:
        """The rule's view, made on its first use in the run."""
        view = self._views.get(id(rule))
        if view is None:
            view = self._views[id(rule)] = RuleView.of(rule, self._home)
        return view

    def category(
        self, result: dict[str, JsonValue], props: dict[str, JsonValue], rule: Rule
    ) -> tuple[FindingCategory, tuple[int, ...]]:
        """The finding's category and CWEs; `props` are the result's properties."""
        if "taxa" in result or "cwe" in props:
            return self._category(result, rule)
        listed = props.get("tags")
        # the tags as they are, for the key: they decide what their strings decide
        key = (
            id(rule),
            tuple(listed) if isinstance(listed, list) else (),
            props.get("security-severity") is not None,
        )
        try:
            decided = self._tagged.get(key)
        except TypeError:  # a tag that is an object or a list: no key, decided afresh
            return self._category(result, rule)
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
