"""What a SARIF rule tells a reader beyond its id: its help text and page, and, for a producer that names no
rule on its results (Gitleaks), which rule a result's message names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TypeVar

from issueplan.sources._json import JsonValue

Rule = dict[str, JsonValue]
T = TypeVar("T")
_NAME_CHARS = 200
_WORD_END = re.compile(r"\s")


def text_of(value: JsonValue) -> str:
    """A SARIF string that may be plain or a `{"text": …}` message object."""
    if isinstance(value, str):
        return value
    text = value.get("text") if isinstance(value, dict) else None
    return text if isinstance(text, str) else ""


def rule_in_message(message: str, named: Mapping[str, T]) -> T | None:
    """The rule whose name (or id) the message starts with, the longest such, or None. Only the message's
    word-boundary prefixes are looked up, so a file of many rules costs no more per result."""
    head = message[:_NAME_CHARS]
    for end in sorted({match.start() for match in _WORD_END.finditer(head)} | {len(head)}, reverse=True):
        rule = named.get(head[:end])
        if rule is not None:
            return rule
    return None


HelpTexts = tuple[tuple[str, str], ...]  # (text, casefolded text)


def help_texts(rule: Rule) -> HelpTexts:
    """The rule's help texts that say more than its name (SARIF `help`, `fullDescription`,
    `shortDescription`, in that order of preference), read once per rule: what `rule_help` picks from."""
    name = text_of(rule.get("name")).strip().casefold()
    found = []
    for field in ("help", "fullDescription", "shortDescription"):
        text = text_of(rule.get(field)).strip()
        if (folded := text.casefold()) not in (name, ""):
            found.append((text, folded))
    return tuple(found)


def rule_help(texts: HelpTexts, message: str) -> str | None:
    """A finding's rule help: the rule's own words on what is wrong and how to fix it, the first of `texts`
    (`help_texts`) that says more than the result's message too."""
    said = message.strip()
    # Casefolding makes no text shorter and keeps an ASCII one as long and ASCII, so most messages are told
    # from a help text by their lengths, without casefolding them (a 100k-result log: 100k messages).
    size, ascii_only = len(said), said.isascii()
    folded_said = None
    for text, folded in texts:
        if len(folded) < size or (ascii_only and (len(folded) != size or not folded.isascii())):
            return text
        if folded_said is None:
            folded_said = said.casefold()
        if folded != folded_said:
            return text
    return None


def help_uri(rule: Rule) -> str | None:
    uri = rule.get("helpUri")
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        return None
    # A bare site (`https://www.mayhem.security/`) is the producer's home page, not help on this rule.
    return uri if uri.split("://", 1)[1].strip("/").count("/") else None


def first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0].strip() if text.strip() else ""
    return line[:100]
