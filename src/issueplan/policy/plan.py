"""build_plan: one run's observations and the policy in, the prioritised Plan out. Pure: no I/O, no clock."""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import NamedTuple

from issueplan.model import (
    ActionItem,
    Coverage,
    Dependency,
    Evidence,
    HealthyFact,
    KnownItem,
    OverallStatus,
    Plan,
    PlanCoverage,
    PlanSummary,
    Priority,
    RunMark,
    RunReport,
    Suite,
    Workspace,
    suite_digest,
)
from issueplan.policy.config import Config
from issueplan.policy.describe import case_sort_key, describe_suite, suite_title
from issueplan.policy.flips import commit_memory
from issueplan.policy.healthy import healthy_facts
from issueplan.policy.owners import point_to_owners
from issueplan.policy.rule import Rule
from issueplan.policy.triggers import evaluate
from issueplan.policy.verdict import Observation, Reason, TriggerResult, Verdict

EVIDENCE_CASES = 10
# The plan shows the least covered files; plan.json is no place for every file of a large repository.
COVERAGE_FILES = 10
NOTHING_KNOWN: Mapping[str, KnownItem] = MappingProxyType({})
UNKNOWN_RUN = RunMark()  # neither the commit nor the workflow run known: nothing can have flipped


class _Draft(NamedTuple):
    """An item before its display id is known: ids depend on every other item of the run."""

    key: str
    rule: Rule
    suite: Suite | None
    evidence: Evidence
    reasons: tuple[Reason, ...] = ()
    test: str | None = None  # a per-subject item's {test}
    title: str | None = None  # a subject's own finished title (a grouped item)


def build_plan(
    report: RunReport,
    config: Config,
    *,
    now: datetime,
    known: Mapping[str, KnownItem] = NOTHING_KNOWN,
    workspace: Workspace | None = None,
    scope: str = "default",
    mark: RunMark = UNKNOWN_RUN,
) -> Plan:
    """Evaluate every enabled rule against the run and make the plan.

    `known` maps item keys to what the tracker remembers (display id, first seen, runs by commit), closed
    items included, so an item keeps its id and its due date across runs. `mark` names this run's commit
    and workflow run, so tests that flipped since an earlier run of the commit are flaky (policy/flips.py).
    `now` must carry a time zone.
    """
    if now.tzinfo is None:
        raise ValueError("build_plan needs a timezone-aware `now`")
    run = Observation(
        report=report,
        workspace=workspace,
        min_severity=config.min_severity,
        required_suites=frozenset(suite.name for suite in config.suites if suite.required),
        known_keys=frozenset(known),
        group_flaky_over=config.group_flaky_over,
        same_commit=commit_memory(config.rules, known, mark, now),
    )
    drafts: list[_Draft] = []
    healthy: set[str] = set()
    facts: dict[str, tuple[HealthyFact, ...]] = {}
    for rule in config.rules:
        if rule.enabled:
            result = evaluate(rule.trigger, run, rule.key or rule.id)
            drafts.extend(_drafts(rule, result))
            healthy.update(_healthy_keys(rule, result))
            facts.update(healthy_facts(rule, result, run))
    healthy -= _resting_on_untold_outcomes(healthy, report, known)
    ids = _assign_ids(drafts, config, known)
    teams = {suite.name: suite.team for suite in config.suites if suite.team}
    items = [_item(draft, ids[draft.key], config, known, now, teams) for draft in drafts]
    items = point_to_owners(items, config.rules)  # each finding listed in one issue only
    in_plan = {item.id for item in items}
    items = [
        item.model_copy(
            update={
                "dependencies": tuple(
                    d.model_copy(update={"in_plan": d.id in in_plan}) for d in item.dependencies
                )
            }
        )
        for item in items
    ]
    items.sort(key=lambda item: (item.priority.rank, item.due_date, item.type.rank, _id_order(item.id)))
    return Plan(
        generated_at=now,
        scope=scope,
        overall_status=_overall(items),
        summary=PlanSummary(
            total=len(items),
            by_priority={priority: sum(item.priority is priority for item in items) for priority in Priority},
            estimated_completion=max((item.due_date for item in items), default=None),
        ),
        items=tuple(items),
        healthy=tuple(sorted(healthy)),
        healthy_facts={key: facts[key] for key in sorted(healthy) if facts.get(key)},
        problems=tuple(
            sorted(report.problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.message))
        ),
        coverage=summarise_coverage(report.coverage),
    )


def summarise_coverage(coverage: Coverage | None, shown: int = COVERAGE_FILES) -> PlanCoverage | None:
    """The run's coverage totals and its `shown` least covered files (by line rate, then path)."""
    if coverage is None:
        return None
    measured = [entry for entry in coverage.files if entry.line_rate is not None]
    least = sorted(measured, key=lambda entry: (entry.line_rate or 0.0, entry.path))[:shown]
    return PlanCoverage(
        lines_valid=coverage.lines_valid,
        lines_covered=coverage.lines_covered,
        branches_valid=coverage.branches_valid,
        branches_covered=coverage.branches_covered,
        line_rate=coverage.line_rate,
        branch_rate=coverage.branch_rate,
        files=len(coverage.files),
        least_covered=tuple(least),
    )


def _drafts(rule: Rule, result: TriggerResult) -> Iterable[_Draft]:
    if rule.per_subject:
        for subject in result.subjects:
            if subject.verdict is Verdict.FIRED:
                evidence = Evidence(suites=(_trimmed(subject.suite),), facts=subject.facts)
                key = f"{rule.key}/{subject.key}"
                yield _Draft(key, rule, subject.suite, evidence, subject.reasons, subject.test, subject.title)
    elif rule.per_suite:
        for judged in result.per_suite:
            if judged.verdict is Verdict.FIRED:
                facts = (describe_suite(judged.suite),)
                evidence = Evidence(suites=(_trimmed(judged.suite),), facts=facts)
                yield _Draft(f"{rule.id}/{judged.suite.name}", rule, judged.suite, evidence)
    elif result.fired and rule.item_key is not None:
        suites = tuple(_trimmed(suite) for suite in result.suites)
        evidence = Evidence(suites=suites, findings=result.findings, facts=result.facts)
        yield _Draft(rule.item_key, rule, None, evidence, result.reasons)


def _healthy_keys(rule: Rule, result: TriggerResult) -> Iterable[str]:
    if rule.per_subject:
        yield from (f"{rule.key}/{s.key}" for s in result.subjects if s.verdict is Verdict.FINE)
    elif rule.per_suite:
        yield from (f"{rule.id}/{j.suite.name}" for j in result.per_suite if j.verdict is Verdict.FINE)
    elif result.verdict is Verdict.FINE and rule.item_key is not None:
        yield rule.item_key


def _resting_on_untold_outcomes(
    keys: Iterable[str], report: RunReport, known: Mapping[str, KnownItem]
) -> set[str]:
    """Keys found fine whose item rested on a step outcome this run was not told (S22): unknown, not fine.

    A suite with a green report but no outcome cannot tell whether its step still fails; an item filed from
    the report alone (no step outcome in its marker) still closes on the report, so report-only runs work.
    """
    told = {suite_digest(suite.name) for suite in report.suites if suite.outcome is not None}
    return {key for key in keys if key in known and not set(known[key].step_outcomes) <= told}


def _trimmed(suite: Suite) -> Suite:
    """The suite with its first few non-passing cases, failing first, in an order input cannot change."""
    cases = tuple(sorted(suite.cases, key=case_sort_key)[:EVIDENCE_CASES])
    return suite.model_copy(update={"cases": cases, "files": tuple(sorted(suite.files))})


def _id_order(item_id: str) -> tuple[str, int, str]:
    prefix, _, number = item_id.rpartition("-")
    return (prefix, int(number), item_id) if number.isdigit() else (item_id, 0, item_id)


def _assign_ids(drafts: list[_Draft], config: Config, known: Mapping[str, KnownItem]) -> dict[str, str]:
    """Fixed ids for template items; a known item keeps its id; a new one takes the next number of its prefix,
    above every number ever used (closed items are in `known`), in rule order, then suite order."""
    taken = [item.id for item in known.values()] + [rule.item_id for rule in config.rules if rule.item_id]
    highest: dict[str, int] = {}
    for item_id in taken:
        prefix, _, number = item_id.rpartition("-")
        if number.isdigit():
            highest[prefix] = max(highest.get(prefix, 0), int(number))
    ids: dict[str, str] = {}
    for draft in drafts:
        if draft.rule.item_id is not None:
            ids[draft.key] = draft.rule.item_id
        elif draft.key in known:
            ids[draft.key] = known[draft.key].id
    for draft in drafts:
        new_prefix = draft.rule.id_prefix
        if draft.key not in ids and new_prefix is not None:
            highest[new_prefix] = highest.get(new_prefix, 0) + 1
            ids[draft.key] = f"{new_prefix}-{highest[new_prefix]:03d}"
    return ids


def _item(
    draft: _Draft,
    item_id: str,
    config: Config,
    known: Mapping[str, KnownItem],
    now: datetime,
    teams: Mapping[str, str],
) -> ActionItem:
    suite = draft.suite
    rule = draft.rule.for_kind(suite.kind) if suite else draft.rule
    names = (
        {"suite": suite.name, "suite_title": suite_title(suite.name), "kind": suite.kind.value}
        if suite
        else {}
    )
    if draft.test is not None:
        names["test"] = draft.test
    priority = rule.priority_for(draft.reasons)
    # A rule's own offset is for its own priority; a priority the evidence chose takes that priority's SLA.
    days = rule.due_offset_days if priority is rule.priority else None
    if days is None:
        days = config.sla.days(priority, rule.type)
    first_seen = known[draft.key].first_seen if draft.key in known else now
    return ActionItem(
        id=item_id,
        key=draft.key,
        rule=rule.id,
        title=draft.title or rule.title.format(**names),
        description=_description(rule, draft.evidence.facts, names),
        type=rule.type,
        priority=priority,
        team=teams.get(suite.name, rule.team) if suite else rule.team,
        effort=rule.effort,
        first_seen=first_seen,
        due_date=first_seen + timedelta(days=days),
        dependencies=tuple(
            Dependency(id=wanted, in_plan=False, title=_rule_titles(config).get(wanted, ""))
            for wanted in rule.depends_on
        ),
        steps=tuple(step.format(**names) for step in rule.steps),
        acceptance_criteria=tuple(text.format(**names) for text in rule.acceptance_criteria),
        evidence=draft.evidence,
    )


def _rule_titles(config: Config) -> dict[str, str]:
    """Item id -> title of the rules that make one numbered item (what a dependency names)."""
    return {rule.item_id: rule.title for rule in config.rules if rule.item_id is not None}


def _description(rule: Rule, facts: tuple[str, ...], names: Mapping[str, str]) -> str:
    """What happened, in facts, and what the rule asks for. Template items lead with their goal."""
    goal = rule.description.format(**names).strip()
    happened = "\n".join(f"{fact}." for fact in facts)
    if rule.item_id is not None:
        return "\n\n".join(part for part in (goal, f"Triggered by:\n{happened}" if happened else "") if part)
    return "\n\n".join(part for part in (happened, goal) if part)


def _overall(items: list[ActionItem]) -> OverallStatus:
    priorities = {item.priority for item in items}
    if Priority.CRITICAL in priorities:
        return OverallStatus.CRITICAL_FAILURE
    if Priority.HIGH in priorities:
        return OverallStatus.FAILING
    return OverallStatus.DEGRADED if items else OverallStatus.HEALTHY
