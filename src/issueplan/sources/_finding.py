"""The vocabulary scanners and audit tools share: severity words and scores, CWE ids, fingerprints."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from issueplan.model import Severity

_WORDS = {
    "critical": Severity.CRITICAL,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "low": Severity.LOW,
    "minor": Severity.LOW,
    "info": Severity.INFO,
    "informational": Severity.INFO,
    "negligible": Severity.INFO,
    "none": Severity.INFO,
}

# "external/cwe/cwe-327", "CWE-798: Use of …", "cwe-79", "CWE:79", "CWE 22", a cwe.mitre.org definition URL
_CWE = re.compile(r"\bcwe[-_:/ ]?(\d{1,6})\b|cwe\.mitre\.org/data/definitions/(\d{1,6})", re.IGNORECASE)


def severity_from_score(score: float) -> Severity:
    """CVSS-style 0-10 score bands (the ones GitHub code scanning uses for `security-severity`)."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO


def severity_from_word(word: str) -> Severity | None:
    """A severity word as tools spell it ("HIGH", "Moderate", "informational"), or None when unknown."""
    return _WORDS.get(word.strip().lower())


def cwe_ids(texts: Iterable[str]) -> tuple[int, ...]:
    """Every CWE id mentioned in `texts`, sorted and without repeats."""
    found = {int(tag or url) for text in texts for tag, url in _CWE.findall(text)}
    return tuple(sorted(found))


def fingerprint(*parts: str) -> str:
    """A stable identity from `parts`; NUL-separated so ("ab", "c") and ("a", "bc") differ. (The SARIF reader
    computes it inline, once per result: the same digest, by the golden files.)"""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
