"""The GitHub Action's entrypoint: INPUT_* and the run's context in, the same run_job() the CLI calls, then
GITHUB_OUTPUT, the job summary and annotations out. One error boundary maps every failure to an exit code.

`python -m issueplan.action` runs main(); action.yml and the README's tables list the inputs of ActionInput.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from pydantic import Field, SecretStr

from issueplan.action_context import (
    ActionInput,
    ActionOutput,
    dry_run_reason,
    parse_bool,
    parse_choice,
    parse_outcomes,
)
from issueplan.errors import ExitCode, GitHubError, IssueplanError, SafetyStopError, UsageError
from issueplan.job import JobOptions, JobResult, fails_threshold, run_job
from issueplan.model import Frozen, StepOutcome
from issueplan.modes import FailOn, MilestoneMode
from issueplan.render.annotations import annotate_report
from issueplan.render.safety import Span, neutralise
from issueplan.render.workflow import WorkflowCommand, WorkflowLog, format_output

OUTPUT_DIR = "issueplan-output"
MAX_WRITE_INTERVAL = 60.0
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


class ActionInputs(Frozen):
    """Everything the action was asked to do, validated: the inputs plus the context GitHub gives the step."""

    results: tuple[str, ...]
    config: Path | None = None
    outcomes: Mapping[str, StepOutcome] = Field(default_factory=dict)
    token: SecretStr | None = None
    # Tokens the step's environment holds besides the one it uses ($GITHUB_TOKEN): cleaned from the report.
    secrets: tuple[SecretStr, ...] = ()
    repository: str | None = None
    api_url: str = "https://api.github.com"
    scope: str = "default"
    label: str | None = None
    milestones: MilestoneMode | None = None
    dry_run: bool = False
    dry_run_reason: str | None = None
    max_writes: int | None = None
    write_interval: float = 1.0
    allow_mass_close: bool = False
    dashboard: bool = False
    fail_on: FailOn = FailOn.NEVER
    summary: bool = True
    workspace: Path = Path()
    run_url: str | None = None
    output_file: Path | None = None
    summary_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        """Read INPUT_* (GitHub keeps the dashes: INPUT_GITHUB-TOKEN; underscores are accepted too) and the
        GITHUB_* context. A bad value raises UsageError naming the input and the fix."""
        workspace = Path(env.get("GITHUB_WORKSPACE") or Path.cwd())
        token = ActionInput.GITHUB_TOKEN.read(env) or env.get("GITHUB_TOKEN") or None
        repository = ActionInput.REPOSITORY.read(env) or env.get("GITHUB_REPOSITORY") or None
        if repository is not None and not _REPOSITORY.fullmatch(repository):
            raise UsageError(f"input `repository`: {repository!r} is not OWNER/NAME, e.g. octo-org/octo-repo")
        config = ActionInput.CONFIG.read(env)
        api_url = ActionInput.API_URL.read(env) or env.get("GITHUB_API_URL") or "https://api.github.com"
        if not api_url.startswith(("https://", "http://")):
            raise UsageError(
                f"input `api-url`: {api_url!r} is not an http(s) URL; GitHub Enterprise Server: https://HOST/api/v3"
            )
        return cls(
            results=_results(ActionInput.RESULTS.read(env) or ActionInput.RESULTS.default),
            config=Path(config) if config else None,
            outcomes=parse_outcomes(ActionInput.OUTCOMES.read(env)),
            token=SecretStr(token) if token is not None else None,
            secrets=_other_secrets(env, token),
            repository=repository,
            api_url=api_url.rstrip("/"),
            scope=ActionInput.SCOPE.read(env) or ActionInput.SCOPE.default,
            label=ActionInput.LABEL.read(env) or None,
            milestones=parse_choice(ActionInput.MILESTONES, env, MilestoneMode)
            if ActionInput.MILESTONES.read(env)
            else None,
            dry_run=parse_bool(ActionInput.DRY_RUN, env),
            dry_run_reason=dry_run_reason(env, has_token=token is not None),
            max_writes=_max_writes(ActionInput.MAX_WRITES.read(env)),
            write_interval=_write_interval(ActionInput.WRITE_INTERVAL.read(env)),
            allow_mass_close=parse_bool(ActionInput.ALLOW_MASS_CLOSE, env),
            dashboard=parse_bool(ActionInput.DASHBOARD, env),
            fail_on=parse_choice(ActionInput.FAIL_ON, env, FailOn),
            summary=parse_bool(ActionInput.SUMMARY, env),
            workspace=workspace,
            run_url=_run_url(env),
            output_file=Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None,
            summary_file=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
        )

    def job_options(self) -> JobOptions:
        """The same options the CLI's `sync` builds. Without a token there is nothing to read: plan only."""
        return JobOptions(
            results=self.results,
            config=self.config,
            outcomes=self.outcomes,
            workspace=self.workspace,
            sync=self.token is not None,
            repo=self.repository,
            token=self.token,
            secrets=self.secrets,
            api_url=self.api_url,
            scope=self.scope,
            label=self.label,
            milestones=self.milestones,
            dry_run=self.dry_run,
            dry_run_reason=self.dry_run_reason,
            max_writes=self.max_writes,
            write_interval=self.write_interval,
            allow_mass_close=self.allow_mass_close,
            dashboard=self.dashboard,
            output_dir=self.workspace / OUTPUT_DIR,
            run_url=self.run_url,
        )


def _other_secrets(env: Mapping[str, str], token: str | None) -> tuple[SecretStr, ...]:
    """$GITHUB_TOKEN when the step was given another token: the run holds it all the same."""
    other = env.get("GITHUB_TOKEN")
    return (SecretStr(other),) if other and other != token else ()


def _results(raw: str) -> tuple[str, ...]:
    # Kept as given, relative to the working directory (the workspace in a workflow): the paths show up in the
    # plan and in issue bodies, and must read the same as the CLI's so a switch between the two edits nothing.
    patterns = tuple(part.strip() for part in re.split(r"[\n,]", raw) if part.strip())
    if not patterns:
        raise UsageError(
            "input `results` is empty: give result files, folders or globs, e.g. test-results/**"
        )
    return patterns


def _max_writes(raw: str) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise UsageError(
            f"input `max-writes`: {raw!r} is not a whole number >= 0; leave it empty for no limit"
        )
    return value


def _write_interval(raw: str) -> float:
    try:
        value = float(raw or ActionInput.WRITE_INTERVAL.default)
    except ValueError:
        value = -1.0
    # A minute between writes is far beyond any need; more is surely a typo (ms for s).
    if not 0 <= value <= MAX_WRITE_INTERVAL:
        raise UsageError(f"input `write-interval`: {raw!r} is not a number of seconds from 0 to 60, e.g. 1")
    return value


def _run_url(env: Mapping[str, str]) -> str | None:
    server, repository, run_id = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if not (server and repository and run_id):
        return None
    return f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}"


# --- the entrypoint ----------------------------------------------------------------------------------------


def main(env: Mapping[str, str] | None = None, *, stdout: TextIO | None = None) -> int:
    """Run the action; the one place where failures become exit codes (errors.ExitCode)."""
    environ = os.environ if env is None else env
    log = WorkflowLog(stdout or sys.stdout)
    # Mask before anything can print it, even an input error.
    log.mask(ActionInput.GITHUB_TOKEN.read(environ) or environ.get("GITHUB_TOKEN") or "")
    try:
        return _run(ActionInputs.from_env(environ), log)
    except IssueplanError as error:
        log.command(WorkflowCommand.ERROR, str(error), title="issueplan")
        return int(error.exit_code)
    except KeyboardInterrupt:
        log.line("issueplan: interrupted")
        return int(ExitCode.INTERRUPTED)
    except Exception:  # noqa: BLE001 - the one boundary that turns a bug into a report
        log.line(traceback.format_exc())
        log.command(
            WorkflowCommand.ERROR,
            "this is a bug in issueplan; please report it with the traceback above",
            title="issueplan",
        )
        return int(ExitCode.BUG)


def _run(inputs: ActionInputs, log: WorkflowLog) -> int:
    if inputs.dry_run_reason:
        log.command(WorkflowCommand.NOTICE, inputs.dry_run_reason, title="issueplan dry run")
    options = inputs.job_options()
    failure: IssueplanError | None = None
    try:
        result = run_job(options, log=log.line)
    except (GitHubError, SafetyStopError) as error:
        # Nothing was synced, but the plan is still worth showing: build it again without GitHub.
        failure = error
        log.line("Nothing was synced; building the plan again without GitHub, for the summary and outputs")
        result = run_job(options.model_copy(update={"sync": False}), log=log.line)
    _publish(result, inputs, log, failure)
    if failure is not None:
        if inputs.dry_run_reason is None:
            raise failure
        log.command(WorkflowCommand.WARNING, f"could not read the issues for the dry run: {failure}")
    if fails_threshold(result.plan, inputs.fail_on):
        log.command(
            WorkflowCommand.ERROR,
            f"the plan has items at or above fail-on: {inputs.fail_on.value} "
            f"(overall status {result.plan.overall_status.value})",
            title="issueplan",
        )
        return int(ExitCode.FAILED)
    return int(ExitCode.OK)


def _publish(
    result: JobResult, inputs: ActionInputs, log: WorkflowLog, failure: IssueplanError | None
) -> None:
    if result.changes_text:
        dry = inputs.dry_run or inputs.dry_run_reason is not None
        with log.group("Changes (dry run: nothing written)" if dry else "Changes"):
            for change in result.changes_text:
                log.line(change)
    for note in result.notes:
        log.line(note)
    annotations = annotate_report(result.report, workspace=inputs.workspace)
    for annotation in annotations.shown:
        log.raw(annotation.command())
    if annotations.omitted:
        log.line(f"{annotations.omitted} more annotations not shown (GitHub shows 10 of each kind per step)")
    log.line(
        f"{result.plan.summary.total} items, status {result.plan.overall_status.value}: "
        f"{result.created} created, {result.updated} updated, {result.closed} closed, "
        f"{result.reopened} reopened, {result.unchanged} unchanged"
    )
    if inputs.summary and inputs.summary_file is not None:
        with inputs.summary_file.open("a", encoding="utf-8") as summary:
            summary.write(_summary_preface(inputs, failure) + result.summary_markdown.rstrip("\n") + "\n")
    if inputs.output_file is not None:
        with inputs.output_file.open("a", encoding="utf-8") as outputs:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            for name, value in _outputs(result, inputs.workspace).items():
                outputs.write(format_output(name, value, delimiter))


def _summary_preface(inputs: ActionInputs, failure: IssueplanError | None) -> str:
    lines: list[str] = []
    if inputs.dry_run_reason:
        lines.append(f"> **Dry run:** {neutralise(inputs.dry_run_reason, Span.LINE)}")
    if failure is not None:
        lines.append(f"> **Not synced:** {neutralise(str(failure), Span.LINE)}")
    return "\n>\n".join(lines) + "\n\n" if lines else ""


def _outputs(result: JobResult, workspace: Path) -> dict[ActionOutput, str]:
    return {
        ActionOutput.OVERALL_STATUS: result.plan.overall_status.value,
        ActionOutput.PLAN_JSON: _shown_path(result.plan_json_path, workspace),
        ActionOutput.PLAN_MARKDOWN: _shown_path(result.plan_markdown_path, workspace),
        ActionOutput.CREATED: str(result.created),
        ActionOutput.UPDATED: str(result.updated),
        ActionOutput.CLOSED: str(result.closed),
        ActionOutput.REOPENED: str(result.reopened),
        ActionOutput.UNCHANGED: str(result.unchanged),
        ActionOutput.ISSUES: json.dumps(dict(sorted(result.issues.items())), separators=(",", ":")),
    }


def _shown_path(path: Path | None, workspace: Path) -> str:
    """Relative to the workspace: the container's /github/workspace is another path on the runner."""
    if path is None:
        return ""
    try:
        return path.relative_to(workspace).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
