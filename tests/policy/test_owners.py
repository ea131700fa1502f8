"""policy/owners through build_plan: the findings item lists each finding; SEC-001 and SEC-002, resting on
the same findings, name it instead (Evidence.findings_in); plan.json keeps every finding on each."""

from __future__ import annotations

from datetime import UTC, datetime

from issueplan.model import Finding, RunReport, Scan, Severity
from issueplan.policy import build_plan, load_config

NOW = datetime(2025, 8, 20, tzinfo=UTC)


def _finding(rule: str, severity: Severity, cwe: tuple[int, ...] = ()) -> Finding:
    return Finding(
        tool="Bandit", rule_id=rule, severity=severity, cwe=cwe, fingerprint=f"fp-{rule}", path="a.py"
    )


def test_other_items_point_to_the_findings_item_that_lists_their_findings() -> None:
    findings = (_finding("B324", Severity.HIGH, (327,)), _finding("B608", Severity.MEDIUM, (89,)))
    report = RunReport(findings=findings, scans=(Scan(tool="Bandit", file="b.sarif", findings=2),))
    plan = build_plan(report, load_config(None), now=NOW)
    by_rule = {item.rule: item for item in plan.items}
    owner = next(item for item in plan.items if item.key == "findings/security")
    assert owner.evidence.findings_in == ()
    assert len(owner.evidence.findings) == 2
    pointing = [item for item in plan.items if item.evidence.findings and item is not owner]
    assert pointing, by_rule.keys()
    for item in pointing:
        assert item.evidence.findings_in == (owner.id,)
        assert item.evidence.findings  # still in plan.json
