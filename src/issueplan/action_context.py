"""The action's inputs and outputs as action.yml declares them, how their raw text is read and checked, and
what the run's context (event, actor) says about whether writing is possible at all (RELIABILITY S11).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from issueplan.errors import UsageError, not_one_of
from issueplan.job_plan import parse_step_outcomes
from issueplan.model import StepOutcome

_Choice = TypeVar("_Choice", bound=StrEnum)
_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")


class ActionInput(StrEnum):
    """An input of action.yml, by its kebab-case name."""

    RESULTS = "results"
    CONFIG = "config"
    OUTCOMES = "outcomes"
    IF_NO_RESULTS = "if-no-results"
    GITHUB_TOKEN = "github-token"  # noqa: S105 - the input's name, not a secret
    REPOSITORY = "repository"
    API_URL = "api-url"
    SCOPE = "scope"
    LABEL = "label"
    MILESTONES = "milestones"
    DRY_RUN = "dry-run"
    MAX_WRITES = "max-writes"
    WRITE_INTERVAL = "write-interval"
    ALLOW_MASS_CLOSE = "allow-mass-close"
    MAX_NEW_ISSUES = "max-new-issues"
    ALLOW_MASS_CREATE = "allow-mass-create"
    DASHBOARD = "dashboard"
    PROJECT = "project"
    PROJECT_TOKEN = "project-token"  # noqa: S105 - the input's name, not a secret
    FAIL_ON = "fail-on"
    SUMMARY = "summary"

    @property
    def default(self) -> str:
        """The default action.yml declares (expressions are evaluated by GitHub before the step starts)."""
        return INPUT_DEFAULTS[self]

    def read(self, env: Mapping[str, str]) -> str:
        """The input's text, stripped; "" when not given. GitHub upper-cases the name and keeps its dashes."""
        upper = self.value.upper()
        for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
            if key in env:
                return env[key].strip()
        return ""


INPUT_DEFAULTS: dict[ActionInput, str] = {
    ActionInput.RESULTS: "test-results/**",
    ActionInput.CONFIG: "",
    ActionInput.OUTCOMES: "",
    ActionInput.IF_NO_RESULTS: "error",
    ActionInput.GITHUB_TOKEN: "${{ github.token }}",
    ActionInput.REPOSITORY: "${{ github.repository }}",
    ActionInput.API_URL: "${{ github.api_url }}",
    ActionInput.SCOPE: "default",
    ActionInput.LABEL: "",
    ActionInput.MILESTONES: "",
    ActionInput.DRY_RUN: "false",
    ActionInput.MAX_WRITES: "",
    ActionInput.WRITE_INTERVAL: "0.8",
    ActionInput.ALLOW_MASS_CLOSE: "false",
    ActionInput.MAX_NEW_ISSUES: "50",
    ActionInput.ALLOW_MASS_CREATE: "false",
    ActionInput.DASHBOARD: "false",
    ActionInput.PROJECT: "",
    ActionInput.PROJECT_TOKEN: "",
    ActionInput.FAIL_ON: "never",
    ActionInput.SUMMARY: "true",
}


class ActionOutput(StrEnum):
    """An output of action.yml, written to $GITHUB_OUTPUT."""

    OVERALL_STATUS = "overall-status"
    PLAN_JSON = "plan-json"
    PLAN_MARKDOWN = "plan-markdown"
    CREATED = "created"
    UPDATED = "updated"
    CLOSED = "closed"
    REOPENED = "reopened"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    LEFT = "left"
    ISSUES = "issues"
    NEW = "new"
    NEW_ITEMS = "new-items"


def parse_bool(name: ActionInput, env: Mapping[str, str]) -> bool:
    """GitHub's own boolean spelling (YAML 1.2 core schema), as @actions/core's getBooleanInput reads it."""
    raw = name.read(env) or name.default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise UsageError(f"input `{name}`: {raw!r} is not a boolean; use true or false")


def parse_choice(name: ActionInput, env: Mapping[str, str], choices: type[_Choice]) -> _Choice:
    raw = name.read(env) or name.default
    try:
        return choices(raw.lower())
    except ValueError:
        raise UsageError(f"input `{name}`: {not_one_of(raw, [c.value for c in choices])}") from None


def parse_outcomes(raw: str) -> dict[str, StepOutcome]:
    """`outcomes`: a JSON object of suite name to step outcome, e.g. built with steps.<id>.outcome."""
    if not raw:
        return {}
    example = '{"unit_tests": "${{ steps.unit.outcome }}"}'
    try:
        loaded = json.loads(raw)
    except ValueError as error:
        raise UsageError(
            f"input `outcomes`: not JSON ({error.args[0]}); expected an object like {example}"
        ) from None
    if not isinstance(loaded, dict):
        raise UsageError(f"input `outcomes`: expected a JSON object of suite to outcome, like {example}")
    return parse_step_outcomes(loaded, source="input `outcomes`")


PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})


def is_pull_request(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_EVENT_NAME", "") in PULL_REQUEST_EVENTS


def dry_run_reason(env: Mapping[str, str], *, has_token: bool) -> str | None:
    """Why this run cannot write issues, in one line; None when it can (S11).

    A pull request run is always a dry run: from a fork (and any run Dependabot triggers) its token is
    read-only, so trying to write would only fail halfway; from the repository itself, its results are of
    code not merged yet. The plan, the job summary and its "what this pull request changes" view are still
    produced.
    """
    if is_pull_request(env):
        fork = _fork_of(env.get("GITHUB_EVENT_PATH"))
        if fork is not None:
            return f"this pull request comes from {fork}, whose token is read-only; no issue changes"
        # Its results are of code not merged yet: the summary shows what it would change, issues stay as
        # they are until a run on a pushed branch writes them.
        return "a pull request run shows what it would change and writes no issue"
    if env.get("GITHUB_ACTOR") == "dependabot[bot]":
        return "Dependabot's runs get a read-only token; no issue is changed"
    if not has_token:
        return "no GitHub token (the github-token input is empty); no issue is changed"
    return None


def _fork_of(event_path: str | None) -> str | None:
    """The head repository when it differs from the base; an unreadable event counts as a fork (fail safe)."""
    try:
        event = json.loads(Path(event_path or "").read_text(encoding="utf-8"))
        pull = event["pull_request"]
        base = pull["base"]["repo"]["full_name"]
        head_repo = pull["head"]["repo"]
    except (OSError, ValueError, KeyError, TypeError):
        return "an unknown repository (the event payload could not be read)"
    if head_repo is None:
        return "a deleted fork"
    head = head_repo.get("full_name") if isinstance(head_repo, dict) else None
    if head != base:
        return f"the fork {head}"
    return None
