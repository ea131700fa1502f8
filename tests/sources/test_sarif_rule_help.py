"""sources/sarif: what a rule tells a reader (help text, help page) reaches the finding; a result that
names no rule (Gitleaks) takes the rule its message names, never "(no rule id)"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.sources import npm_audit, sarif
from issueplan.sources._sarif_rule_text import help_texts, rule_help

ROOT = Path(__file__).resolve().parent.parent.parent


def _read(tmp_path: Path, rules: list[dict[str, Any]], *results: dict[str, Any]) -> list[Any]:
    driver = {"name": "Scanner", "informationUri": "https://scanner.example/home", "rules": rules}
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": list(results)}]}
    path = tmp_path / "scan.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    return list(sarif.read(path).findings)


def _result(message: str, **fields: Any) -> dict[str, Any]:
    location = {"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"startLine": 2}}}
    return {"message": {"text": message}, "locations": [location], **fields}


def test_the_rules_help_and_help_page_reach_the_finding(tmp_path: Path) -> None:
    rule = {
        "id": "py/flask-debug",
        "name": "py/flask-debug",
        "shortDescription": {"text": "Flask app is run in debug mode"},
        "helpUri": "https://codeql.example/py-flask-debug",
    }
    (finding,) = _read(
        tmp_path, [rule], _result("A Flask app appears to be run in debug mode.", ruleId="py/flask-debug")
    )
    assert finding.rule_help == "Flask app is run in debug mode"
    assert finding.advisory == "https://codeql.example/py-flask-debug"


def test_the_tools_home_page_is_no_help_page(tmp_path: Path) -> None:
    rule = {"id": "R1", "helpUri": "https://scanner.example/home"}
    (finding,) = _read(tmp_path, [rule], _result("bad", ruleId="R1"))
    assert finding.advisory is None


def test_gitleaks_results_take_the_rule_their_message_names(tmp_path: Path) -> None:
    rules = [{"id": "AWS", "name": "AWS"}, {"id": "AWS Access Key", "name": "AWS Access Key"}]
    found = _read(tmp_path, rules, _result("AWS Access Key secret detected"), _result("Something else"))
    assert [f.rule_id for f in found] == ["AWS Access Key", "Something else"]


def test_the_real_gitleaks_log_has_no_finding_without_a_rule() -> None:
    # The golden of the real log (its reader test keeps the golden in step with the log).
    golden_path = ROOT / "tests/data/sarif/corpus/django-DefectDojo_gitleaks_7.5.0.sarif.json"
    golden = json.loads(golden_path.read_text(encoding="utf-8"))
    rule_ids = {finding["rule_id"] for finding in golden["findings"]}
    assert rule_ids == {"AWS Access Key", "Asymmetric Private Key"}


def test_npm_audit_v2_gives_the_vulnerable_range_and_whether_a_fix_is_available(tmp_path: Path) -> None:
    report = {
        "auditReportVersion": 2,
        "vulnerabilities": {
            "axios": {
                "name": "axios",
                "severity": "high",
                "via": [{"source": 1, "title": "SSRF", "url": "https://github.com/advisories/GHSA-4w2v-q235-vp99",
                         "severity": "high", "range": "<0.21.1"}],
                "fixAvailable": {"name": "axios", "version": "0.21.1"},
            },
            "lodash": {
                "name": "lodash",
                "severity": "low",
                "via": [{"source": 2, "title": "x", "url": "https://github.com/advisories/GHSA-29mw-wpgm-hmr9",
                         "severity": "low", "range": "<4.17.21"}],
                "fixAvailable": False,
            },
        },
    }  # fmt: skip
    path = tmp_path / "npm-audit.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    found = {f.package: f for f in npm_audit.read(path).findings}
    assert (found["axios"].vulnerable_range, found["axios"].fix_available) == ("<0.21.1", True)
    assert found["axios"].fixed_versions == ("0.21.1",)
    assert (found["lodash"].vulnerable_range, found["lodash"].fix_available) == ("<4.17.21", False)


# Pieces that casefold to more characters (ß, the ligature ﬁ, dotted İ), to ASCII (the Kelvin sign), or to
# one another (the Greek sigmas), beside plain ASCII and spaces.
_PIECES = ["a", "B", " ", "\n", "\u00df", "SS", "ss", "\ufb01", "FI", "\u212a", "k", "\u0130"]
_PIECES += ["\u03c3", "\u03a3", "\u03c2", "\u00e9"]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


@settings(max_examples=400, derandomize=True, database=None, deadline=None)
@given(name=_TEXTS, help_=_TEXTS, short=_TEXTS, message=_TEXTS)
def test_the_rule_help_is_the_first_text_that_says_more_than_the_message(
    name: str, help_: str, short: str, message: str
) -> None:
    """Whatever casefolding does to the texts (ß, ﬁ, the Kelvin sign, dotted İ), rule_help is the first help
    text that is neither the rule's name nor the result's message, compared casefolded and stripped."""
    rule = {"name": name, "help": {"text": help_}, "shortDescription": {"text": short}}
    texts = help_texts(rule)
    said = message.strip().casefold()
    assert rule_help(texts, message) == next((text for text, folded in texts if folded != said), None)
