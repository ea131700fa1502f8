"""The config file (`.github/issueplan.yml`): declared suites and the policy, validated by frozen models.

A user's config extends the shipped `default.yml` (`extends: default`, the default): a rule with the id of
a default rule overrides only the keys it sets, other rules are added after the defaults, and `sla`,
`labels`, `milestones`, `lifecycle` and `issue_types` override key by key. `extends: none` starts from an
empty policy.
Every error is a ConfigError naming the file, the key path and the fix; no YAML or pydantic traceback
reaches the user.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

import copy
import json
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, ValidationError, model_validator

from issueplan.errors import ConfigError, did_you_mean
from issueplan.model import Frozen, ItemType, Priority, Severity, SuiteSpec
from issueplan.naming import LabelNames, MilestoneNames, label_problem
from issueplan.policy.assignees import CodeownersSetting, Login
from issueplan.policy.config_errors import explain
from issueplan.policy.issue_types import IssueTypeNames
from issueplan.policy.lifecycle import Lifecycle
from issueplan.policy.project_fields import ProjectMapping
from issueplan.policy.rule import Rule

DEFAULT_CONFIG_PATH = Path(".github/issueplan.yml")
DEFAULT_POLICY_YAML = "default.yml"
DEFAULT_POLICY_JSON = "default.json"  # the same policy, read faster: see _default_raw


class Extends(StrEnum):
    DEFAULT = "default"
    NONE = "none"


class Sla(Frozen):
    """Days from first seen to due, by priority; `by_type` overrides some (priority, type) pairs."""

    critical: int = Field(default=3, ge=0)
    high: int = Field(default=10, ge=0)
    medium: int = Field(default=31, ge=0)
    low: int = Field(default=90, ge=0)
    by_type: dict[ItemType, dict[Priority, Annotated[int, Field(ge=0)]]] = Field(default_factory=dict)

    def days(self, priority: Priority, item_type: ItemType) -> int:
        specific = self.by_type.get(item_type, {})
        return specific.get(priority, int(getattr(self, priority.value)))


class Config(Frozen):
    """The validated config. `Config()` is an empty policy; `load_config(None)` is the shipped default."""

    extends: Extends = Extends.DEFAULT
    suites: tuple[SuiteSpec, ...] = ()
    min_severity: Severity = Severity.LOW
    group_flaky_over: int = Field(
        default=10,
        ge=0,
        description="More flaky tests than this in one suite and run make one grouped item for the suite "
        "(key flaky/<suite>) instead of one item per test.",
    )
    sla: Sla = Sla()
    labels: LabelNames = LabelNames()
    milestones: MilestoneNames = MilestoneNames()
    project: ProjectMapping = ProjectMapping()  # used by `--project` only
    issue_types: IssueTypeNames = IssueTypeNames()  # where the repository has issue types
    lifecycle: Lifecycle = Lifecycle()
    teams: dict[str, tuple[Login, ...]] = Field(
        default_factory=dict,
        description="Team (as the rules and suites name it) -> GitHub logins of the people its items' issues "
        "are assigned to; teams themselves stay labels.",
    )
    codeowners: CodeownersSetting = Field(
        default=False,
        description="Also assign the users CODEOWNERS names for the paths in an item's evidence: true looks "
        "where GitHub does (.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS), a path names the file.",
    )
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> Self:
        for what, values in (
            ("suite name", [suite.name for suite in self.suites]),
            ("rule id", [rule.id for rule in self.rules]),
            ("item id", [rule.item_id for rule in self.rules if rule.item_id]),
            ("item key", [rule.item_key for rule in self.rules if rule.item_key]),
        ):
            repeated = sorted({value for value in values if values.count(value) > 1})
            if repeated:
                raise ValueError(f"the {what} {repeated[0]!r} appears twice; each must be unique")
        item_ids = sorted(rule.item_id for rule in self.rules if rule.item_id)
        for rule in self.rules:
            for wanted in rule.depends_on:
                if wanted not in item_ids:
                    raise ValueError(
                        f"rule {rule.id!r}: depends_on {wanted!r} is not the item_id of any rule"
                        f"{did_you_mean(wanted, item_ids)}"
                    )
        return self


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the config file, for `issueplan schema` and editors."""
    return Config.model_json_schema()


def find_config(root: Path) -> Path | None:
    """The default config path under `root` if that file exists; its absence is fine (the defaults apply)."""
    candidate = root / DEFAULT_CONFIG_PATH
    return candidate if candidate.is_file() else None


def load_config(path: Path | None) -> Config:
    """The config at `path` over the shipped default; None gives the default policy alone."""
    if path is None:
        return _default_config()
    return config_from_mapping(_read_yaml(path), source=str(path))


def config_from_mapping(raw: object, *, source: str) -> Config:
    """Validate an already-parsed config (what `load_config` does after reading YAML)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{source}: the top level must be a mapping of settings, not a {type(raw).__name__}"
        )
    extends = raw.get("extends", Extends.DEFAULT.value)
    choices = [option.value for option in Extends]
    if extends not in choices:
        hint = did_you_mean(extends, choices)
        raise ConfigError(f"{source}: extends: {extends!r} is not one of {', '.join(choices)}{hint}")
    origin: list[int | None]
    if extends == Extends.NONE.value:
        merged, origin = raw, list(range(len(raw.get("rules") or [])))
    else:
        _check_overrides(raw, source=source)
        merged, origin = _merge(_default_raw(), raw)
    try:
        config = Config.model_validate(merged)
    except ValidationError as error:
        raise ConfigError(explain(error, source=source, root=Config, rule_origin=origin)) from None
    _check_team_labels(config, source=source, origin=origin)
    _check_team_map(config, source=source)
    return config


def _check_overrides(raw: dict[str, Any], *, source: str) -> None:
    """A user's rule without a trigger can only override a default rule: its id must name one (S24)."""
    rules = raw.get("rules")
    if not isinstance(rules, list):
        return
    known = [rule["id"] for rule in _default_raw().get("rules", [])]
    for index, rule in enumerate(rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        if isinstance(rule_id, str) and rule_id not in known and "trigger" not in rule:
            raise ConfigError(
                f"{source}: rules[{index}].id: {rule_id!r} is no rule of the default policy"
                f"{did_you_mean(rule_id, known)}, so there is nothing to override; use a default rule's id, "
                "or give a new rule its trigger (and title, type, priority, team)"
            )


def _check_team_labels(config: Config, *, source: str, origin: list[int | None]) -> None:
    """Every `team: <team>` label the config can make must be one GitHub accepts (S24)."""
    teams: list[tuple[str, str]] = [
        (f"suites[{index}].team", suite.team) for index, suite in enumerate(config.suites) if suite.team
    ]
    for index, rule in enumerate(config.rules):
        user_index = origin[index] if index < len(origin) else None
        rule_teams = [("team", rule.team)]
        rule_teams += [(f"by_kind.{kind.value}.team", o.team) for kind, o in rule.by_kind.items() if o.team]
        for key, team in rule_teams:
            # A default rule's team only overflows through the user's labels.team template.
            mine = user_index is not None
            teams.append((f"rules[{user_index}].{key}" if mine else f"labels.team ({rule.id}.{key})", team))
    for key, team in teams:
        label = config.labels.team_label(team)
        problem = label_problem(label)
        if problem is not None:
            raise ConfigError(
                f"{source}: {key}: the label {label!r} {problem} (shorten the team, or labels.team)"
            )


def _check_team_map(config: Config, *, source: str) -> None:
    """A team in `teams` that no rule or suite names would assign nobody, silently: most likely a typo."""
    known = sorted(
        {suite.team for suite in config.suites if suite.team}
        | {rule.team for rule in config.rules}
        | {o.team for rule in config.rules for o in rule.by_kind.values() if o.team}
    )
    for team in config.teams:
        if team not in known:
            teams = f"the teams are {', '.join(known)}" if known else "no rule or suite names a team"
            raise ConfigError(
                f"{source}: teams.{team}: no rule or suite has the team {team!r}{did_you_mean(team, known)}; "
                f"{teams}"
            )


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found; check the path, or leave it out for the defaults"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the config file ({error})") from None
    import yaml  # noqa: PLC0415 - only a user's config needs it: the default policy ships as JSON too

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: invalid YAML: {error}") from None


@cache
def _default_raw() -> dict[str, Any]:
    # default.yml is the policy people read and edit; default.json is the same data (a test holds them equal),
    # which `plan` reads in a millisecond where PyYAML's loader took a fifth of its start-up. It is read
    # beside this module (package data, installed with it): importlib.resources cost more than the read.
    text = (Path(__file__).parent / DEFAULT_POLICY_JSON).read_text(encoding="utf-8")
    loaded = json.loads(text)
    assert isinstance(loaded, dict), "default.json must be a mapping"  # noqa: S101 - shipped data, a bug if not
    return loaded


@cache
def _default_config() -> Config:
    return Config.model_validate(_default_raw())


def _merge(default: dict[str, Any], user: dict[str, Any]) -> tuple[dict[str, Any], list[int | None]]:
    """The user's config over the default; also, for each merged rule, its index in the user's `rules`."""
    merged = copy.deepcopy(default) | {key: value for key, value in user.items() if key != "rules"}
    for section in ("sla", "labels", "milestones", "lifecycle", "issue_types"):
        if isinstance(default.get(section), dict) and isinstance(user.get(section), dict):
            merged[section] = copy.deepcopy(default[section]) | user[section]
    rules: list[Any] = copy.deepcopy(default.get("rules", []))
    origin: list[int | None] = [None] * len(rules)
    user_rules = user.get("rules") or []
    if not isinstance(user_rules, list):
        merged["rules"] = user_rules
        return merged, []
    by_id = {rule["id"]: index for index, rule in enumerate(rules)}
    for user_index, rule in enumerate(user_rules):
        rule_id = rule.get("id") if isinstance(rule, dict) else None
        index = by_id.get(rule_id) if isinstance(rule_id, str) else None
        if index is None:
            rules.append(rule)
            origin.append(user_index)
        else:
            rules[index] = rules[index] | rule
            origin[index] = user_index
    merged["rules"] = rules
    return merged, origin
