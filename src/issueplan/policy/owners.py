"""Which item lists a finding in full: each finding appears in one issue only, the others point there.

A findings item (a rule with a `findings_at_least` trigger: "Security Vulnerabilities Detected", "Code
quality findings") owns the findings it holds. Another item resting on the same findings (SEC-001 on the
high ones, SEC-002 on the data-protection CWEs) keeps them in plan.json, so its evidence stays whole, and
names the owners in `Evidence.findings_in`; its issue then says where they are listed instead of repeating
the tables (three copies of 35 KB each, before).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from issueplan.model import ActionItem
from issueplan.policy.rule import Rule
from issueplan.policy.trigger_spec import TriggerType


def point_to_owners(items: Sequence[ActionItem], rules: Iterable[Rule]) -> list[ActionItem]:
    """`items`, each non-owner whose every finding an owner lists naming those owners (by display id)."""
    owning = {rule.id for rule in rules if rule.trigger.type is TriggerType.FINDINGS_AT_LEAST}
    owners = [item for item in items if item.rule in owning and item.evidence.findings]
    listed = {item.id: {finding.fingerprint for finding in item.evidence.findings} for item in owners}
    pointed = []
    for item in items:
        wanted = {finding.fingerprint for finding in item.evidence.findings}
        holders = sorted(owner for owner, prints in listed.items() if prints & wanted)
        covered = set().union(*(listed[owner] for owner in holders)) if holders else set()
        if item.id in listed or not wanted or not wanted <= covered:
            pointed.append(item)
            continue
        evidence = item.evidence.model_copy(update={"findings_in": tuple(holders)})
        pointed.append(item.model_copy(update={"evidence": evidence}))
    return pointed
