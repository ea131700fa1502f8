"""What a SARIF rule tells a reader beyond its id: its help text and page, and, for a producer that names no
rule on its results (Gitleaks), which rule a result's message names."""

from __future__ import annotations

import re

from issueplan.sources._json import JsonValue, as_dict, as_str

Rule = dict[str, JsonValue]
_NAME_CHARS = 200
_WORD_END = re.compile(r"\s")


def _text(value: JsonValue) -> str:
    """A SARIF string that may be plain or a `{"text": …}` message object."""
    return as_str(value) or as_str(as_dict(value).get("text")) or ""


def rule_in_message(message: str, named: dict[str, Rule]) -> Rule:
    """The rule whose name (or id) the message starts with, the longest such; none: an empty rule. Only the
    message's word-boundary prefixes are looked up, so a file of many rules costs no more per result."""
    head = message[:_NAME_CHARS]
    for end in sorted({match.start() for match in _WORD_END.finditer(head)} | {len(head)}, reverse=True):
        rule = named.get(head[:end])
        if rule is not None:
            return rule
    return {}


class RuleHelp:
    """A finding's rule help: the rule's own words on what is wrong and how to fix it, when they say more
    than its name and the result's message (SARIF `help`, `fullDescription`, `shortDescription`). A rule's
    texts are read once, not once per result (a rule of a large scan has thousands of results)."""

    def __init__(self) -> None:
        self._rules: dict[int, tuple[Rule, str, tuple[tuple[str, str], ...]]] = {}  # by id(): unhashable

    def __call__(self, rule: Rule, message: str) -> str | None:
        cached = self._rules.get(id(rule))
        if cached is None:
            name = (_text(rule.get("name")) or "").strip().casefold()
            texts = tuple(
                (text, text.casefold())
                for field in ("help", "fullDescription", "shortDescription")
                for text in (_text(rule.get(field)).strip(),)
            )
            cached = self._rules[id(rule)] = (rule, name, texts)
        _, name, texts = cached
        said = message.strip().casefold()
        for text, folded in texts:
            if folded not in (name, said, ""):
                return text
        return None


def help_uri(rule: Rule) -> str | None:
    uri = as_str(rule.get("helpUri"))
    if not uri or not uri.startswith(("https://", "http://")):
        return None
    # A bare site (`https://www.mayhem.security/`) is the producer's home page, not help on this rule.
    return uri if uri.split("://", 1)[1].strip("/").count("/") else None


def first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return line[:100]
