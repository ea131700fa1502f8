"""Config loading: the shipped default, extends, overrides, and errors naming file, key and fix."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
import yaml

from issueplan.errors import ConfigError, ExitCode
from issueplan.model import ItemType, Priority, Severity
from issueplan.policy import Config, config_json_schema, find_config, load_config
from issueplan.policy.config import DEFAULT_CONFIG_PATH, DEFAULT_POLICY_JSON, DEFAULT_POLICY_YAML, Extends
from issueplan.policy.default_json import policy_json

DEFAULT_RULES = [
    ("suite-failed", None),
    ("flaky-tests", None),
    ("security-findings", None),
    ("code-quality", None),
    ("security-program", "SEC-001"),
    ("security-framework", "ENH-001"),
    ("data-protection", "SEC-002"),
    ("test-coverage-gaps", "ENH-002"),
    ("ci-pipeline", "INF-001"),
    ("monitoring", "INF-002"),
    ("performance-failures", "PERF-001"),
    ("load-testing", "PERF-002"),
    ("coverage", "QA-001"),
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issueplan.yml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "Traceback" not in message
    assert "errors.pydantic.dev" not in message
    assert caught.value.exit_code is ExitCode.USAGE
    return message.replace(str(path), "issueplan.yml")


def test_no_config_gives_the_default_policy() -> None:
    config = load_config(None)
    assert [(rule.id, rule.item_id) for rule in config.rules] == DEFAULT_RULES
    assert config.min_severity is Severity.LOW
    assert config.labels.managed == "issueplan"
    assert config.milestones.critical == "Critical action items"
    assert config.suites == ()


def test_an_empty_file_is_the_default_policy(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")) == load_config(None)


def test_a_rule_overrides_only_the_keys_it_sets(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "rules:\n  - id: security-program\n    priority: high\n"))
    program = next(rule for rule in config.rules if rule.id == "security-program")
    assert program.priority is Priority.HIGH
    assert program.title == "Implement Comprehensive Security Testing"
    assert [rule.id for rule in config.rules] == [rule_id for rule_id, _ in DEFAULT_RULES]


def test_new_rules_follow_the_defaults_and_sections_merge_by_key(tmp_path: Path) -> None:
    text = """
suites:
  - {name: unit_tests, team: core_team, required: true}
min_severity: medium
sla: {high: 7}
labels: {managed: ci-plan}
rules:
  - id: low-coverage
    trigger: {type: coverage_below, line_rate: 0.8}
    item_id: COV-001
    title: Raise line coverage
    type: enhancement
    priority: medium
    team: qa_team
"""
    config = load_config(write(tmp_path, text))
    assert config.rules[-1].id == "low-coverage"
    assert len(config.rules) == len(DEFAULT_RULES) + 1
    assert (config.sla.high, config.sla.critical) == (7, 3)
    assert (config.labels.managed, config.labels.priority) == ("ci-plan", "priority: {priority}")
    assert config.min_severity is Severity.MEDIUM
    assert config.suites[0].team == "core_team"


def test_extends_none_starts_empty(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "extends: none\n"))
    assert config.rules == ()
    assert config.extends is Extends.NONE
    assert config == Config(extends=Extends.NONE)


def test_a_typo_in_an_enum_value_says_did_you_mean(tmp_path: Path) -> None:
    text = """
extends: none
rules:
  - {id: a, trigger: {type: no_scanner_output}, item_id: A-001, title: A, type: security, priority: high,
     team: t}
  - {id: b, trigger: {type: no_scanner_output}, item_id: B-001, title: B, type: security, priority: low,
     team: t}
  - {id: c, trigger: {type: no_scanner_output}, item_id: C-001, title: C, type: security, priority: critcal,
     team: t}
"""
    assert error_of(tmp_path, text) == (
        "issueplan.yml: rules[2].priority: 'critcal' is not one of critical, high, medium, low "
        "(did you mean 'critical'?)"
    )


def test_an_error_in_an_override_points_at_the_users_own_rule(tmp_path: Path) -> None:
    text = "rules:\n  - id: monitoring\n    team: ops\n  - id: suite-failed\n    type: bugfix\n"
    assert error_of(tmp_path, text) == (
        "issueplan.yml: rules[1].type: 'bugfix' is not one of security, bug_fix, enhancement, infrastructure "
        "(did you mean 'bug_fix'?)"
    )


def test_an_unknown_key_says_did_you_mean(tmp_path: Path) -> None:
    assert error_of(tmp_path, "rules:\n  - id: suite-failed\n    priorty: high\n") == (
        "issueplan.yml: rules[0]: unknown key 'priorty' (did you mean 'priority'?)"
    )
    assert error_of(tmp_path, "min_severty: high\n") == (
        "issueplan.yml: unknown key 'min_severty' (did you mean 'min_severity'?)"
    )


def test_trigger_errors_name_the_trigger_not_pydantic_internals(tmp_path: Path) -> None:
    message = error_of(tmp_path, "rules:\n  - id: suite-failed\n    trigger: {type: suite_faild}\n")
    assert message.startswith(
        "issueplan.yml: rules[0].trigger: unknown type 'suite_faild'; one of suite_failed,"
    )
    assert message.endswith("(did you mean 'suite_failed'?)")
    message = error_of(
        tmp_path, "rules:\n  - id: suite-failed\n    trigger: {type: suite_failed, kind: [api]}\n"
    )
    assert message == "issueplan.yml: rules[0].trigger: unknown key 'kind' (did you mean 'kinds'?)"
    message = error_of(
        tmp_path, "rules:\n  - id: suite-failed\n    trigger: {type: suite_failed, kinds: [securty]}\n"
    )
    assert message == (
        "issueplan.yml: rules[0].trigger.kinds[0]: 'securty' is not one of security, api, frontend, "
        "performance, unit, integration, other (did you mean 'security'?)"
    )


def test_a_bad_value_type_is_explained(tmp_path: Path) -> None:
    message = error_of(tmp_path, "sla: {high: soon}\n")
    assert message == (
        "issueplan.yml: sla.high: input should be a valid integer, unable to parse string as an integer "
        "(got 'soon')"
    )


def test_a_rule_that_is_not_a_mapping_is_explained(tmp_path: Path) -> None:
    assert error_of(tmp_path, "rules: [suite-failed]\n") == (
        "issueplan.yml: rules[0]: should be a mapping of keys to values (got 'suite-failed')"
    )


def test_extends_accepts_default_or_none(tmp_path: Path) -> None:
    assert error_of(tmp_path, "extends: defualt\n") == (
        "issueplan.yml: extends: 'defualt' is not one of default, none (did you mean 'default'?)"
    )


def test_template_placeholders_are_a_fixed_set(tmp_path: Path) -> None:
    message = error_of(tmp_path, "rules:\n  - id: suite-failed\n    title: 'Fix {suit}'\n")
    assert message == (
        "issueplan.yml: rules[0]: title: unknown placeholder {suit} (did you mean 'suite'?); "
        "known: {suite}, {suite_title}, {kind}"
    )
    message = error_of(tmp_path, "rules:\n  - id: security-program\n    title: 'Fix {suite}'\n")
    assert "unknown placeholder {suite}" in message
    message = error_of(tmp_path, "rules:\n  - id: suite-failed\n    title: 'Fix {suite.__class__}'\n")
    assert "unknown placeholder {suite.__class__}" in message
    message = error_of(tmp_path, "labels: {priority: 'prio {prio}'}\n")
    assert message.startswith("issueplan.yml: labels: priority: unknown placeholder {prio}")


def test_a_rule_makes_either_fixed_or_numbered_items(tmp_path: Path) -> None:
    message = error_of(tmp_path, "rules:\n  - id: suite-failed\n    item_id: BUG-001\n")
    assert message.startswith("issueplan.yml: rules[0]: set exactly one of item_id")
    text = "rules:\n  - id: security-findings\n    key: null\n"
    assert error_of(tmp_path, text) == (
        "issueplan.yml: rules[0]: trigger findings_at_least judges the whole run, not each suite: "
        "set key (one numbered item, like findings/security) or item_id"
    )
    message = error_of(tmp_path, "rules:\n  - id: monitoring\n    item_id: inf-2\n")
    assert message == (
        "issueplan.yml: rules[0].item_id: 'inf-2' is not an item id like SEC-001 (capitals, a dash, a number)"
    )


def test_references_between_rules_are_checked(tmp_path: Path) -> None:
    message = error_of(tmp_path, "rules:\n  - id: monitoring\n    depends_on: [INF-01]\n")
    assert message == (
        "issueplan.yml: rule 'monitoring': depends_on 'INF-01' is not the item_id of any rule "
        "(did you mean 'INF-001'?)"
    )
    message = error_of(tmp_path, "rules:\n  - id: monitoring\n    item_id: SEC-001\n")
    assert message == "issueplan.yml: the item id 'SEC-001' appears twice; each must be unique"


def test_yaml_syntax_errors_give_line_and_column(tmp_path: Path) -> None:
    message = error_of(tmp_path, "rules:\n  - id: a\n    title: [unclosed\n")
    assert message.startswith("issueplan.yml:4:1: invalid YAML:")
    assert error_of(tmp_path, "- just\n- a list\n") == (
        "issueplan.yml: the top level must be a mapping of settings, not a list"
    )


def test_a_missing_explicit_path_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yml"
    with pytest.raises(ConfigError, match=r"nope\.yml: config file not found"):
        load_config(missing)


def test_the_default_path_is_optional(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    (tmp_path / DEFAULT_CONFIG_PATH).parent.mkdir(parents=True)
    (tmp_path / DEFAULT_CONFIG_PATH).write_text("min_severity: high\n")
    found = find_config(tmp_path)
    assert found == tmp_path / ".github" / "issueplan.yml"
    assert load_config(found).min_severity is Severity.HIGH


def test_the_json_schema_describes_rules_and_triggers() -> None:
    schema = config_json_schema()
    assert set(schema["properties"]) >= {
        "extends",
        "suites",
        "rules",
        "sla",
        "labels",
        "milestones",
        "min_severity",
    }
    assert schema["additionalProperties"] is False
    text = json.dumps(schema)
    assert '"propertyName": "type"' in text
    assert "security_framework" in text
    assert "workspace_lacks" in text


def test_sla_by_type_overrides_some_pairs(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "sla:\n  by_type:\n    security: {critical: 1}\n"))
    assert config.sla.days(Priority.CRITICAL, ItemType.SECURITY) == 1
    assert config.sla.days(Priority.CRITICAL, ItemType.BUG_FIX) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rules:\n  - id: security-findings\n    priority_by_reason: { finding_meduim: high }\n",
            (
                "issueplan.yml: rules[0].priority_by_reason.finding_meduim: 'finding_meduim' is not one of "
                "suite_failed, suite_skipped, suite_without_report, no_suite_of_kind, no_scanner_output, "
                "no_security_testing, workspace_lacks, coverage_below, finding_critical, finding_high, "
                "finding_medium, finding_low, finding_info, flaky_test, "
                "flaky_tests_grouped (did you mean 'finding_medium'?)"
            ),
        ),
        (
            "rules:\n  - id: security-findings\n    priority_by_reason: { finding_medium: hihg }\n",
            (
                "issueplan.yml: rules[0].priority_by_reason.finding_medium: 'hihg' is not one of critical, "
                "high, medium, low (did you mean 'high'?)"
            ),
        ),
        (
            "rules:\n  - id: suite-failed\n    priority_by_reason: { suite_failed: high }\n",
            (
                "issueplan.yml: rules[0]: priority_by_reason sets the priority of one-item rules; vary a "
                "per-suite rule with by_kind"
            ),
        ),
    ],
)
def test_priority_by_reason_errors_name_the_reason_and_the_fix(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert error_of(tmp_path, text) == expected


def test_a_users_priority_by_reason_replaces_the_defaults_map(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "rules:\n  - id: security-findings\n    priority_by_reason: { finding_low: low }\n")
    )
    findings = next(rule for rule in config.rules if rule.id == "security-findings")
    assert findings.priority_by_reason == {"finding_low": Priority.LOW}


def test_the_shipped_default_json_is_default_yml() -> None:
    """`plan` reads the default policy from default.json (PyYAML's loader was a fifth of its start-up), so it
    must say exactly what default.yml says. After editing default.yml, run
    python -m issueplan.policy.default_json."""
    folder = resources.files("issueplan.policy")
    written = folder.joinpath(DEFAULT_POLICY_JSON).read_text(encoding="utf-8")
    source = folder.joinpath(DEFAULT_POLICY_YAML).read_text(encoding="utf-8")
    assert json.loads(written) == yaml.safe_load(source)
    assert written == policy_json(source), "run: python -m issueplan.policy.default_json"
