"""sources/_security: the one table of all-security scanners is what the README shows, and names match the
way scanners spell themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from issueplan.sources._security import QUALITY_ONLY_CWES, SECURITY_SCANNERS, is_security_scanner

README = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_table_is_the_scanner_table() -> None:
    block = re.search(r"<!-- security-scanners:.*?-->\n(.*?)<!-- /security-scanners -->", README, re.DOTALL)
    assert block is not None, "README.md lost its table of security scanners"
    rows = [line.strip("|").split("|") for line in block.group(1).splitlines()[2:]]
    assert [(name.strip(), what.strip()) for name, what in rows] == list(SECURITY_SCANNERS)


@pytest.mark.parametrize(
    ("tool", "security"),
    [("Bandit", True), ("bandit", True), ("OWASP ZAP", True), ("owasp-zap", True), ("grype", True),
     ("Dependency-Check", True), ("dependency-check", True), ("ESLint", False), ("Semgrep OSS", False),
     ("CodeQL", False)],
)  # fmt: skip
def test_scanner_names_match_ignoring_case_spaces_and_dashes(tool: str, security: bool) -> None:
    assert is_security_scanner(tool) is security


def test_the_quality_only_cwes_are_the_readmes() -> None:
    assert 561 in QUALITY_ONLY_CWES
    for cwe in (398, 561, 563, 570, 571, 1041, 1078, 1099, 1106, 1107, 1109, 1164):
        assert f"{cwe}" in README.split("### Security or code quality")[1].split("<!--")[0]
    assert set(range(1113, 1118)) <= QUALITY_ONLY_CWES
    assert not QUALITY_ONLY_CWES & {79, 89, 259, 327, 798}
