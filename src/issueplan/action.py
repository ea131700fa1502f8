"""The GitHub Action's entrypoint: INPUT_* and the run's context in, the same run_job() the CLI calls, then
GITHUB_OUTPUT, the job summary and annotations out (written by action_publish.py). One error boundary maps
every failure to an exit code.

`python -m issueplan.action` runs main(); action.yml and the README's tables list the inputs of ActionInput.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from pydantic import Field, SecretStr

from issueplan.action_context import (
    ActionInput,
    dry_run_reason,
    is_pull_request,
    parse_bool,
    parse_choice,
    parse_outcomes,
)
from issueplan.action_publish import publish
from issueplan.errors import ExitCode, IssueplanError, UsageError
from issueplan.inputs import (
    ApiUrl,
    ExistingDirectory,
    ExistingFile,
    FrontEnd,
    LabelName,
    NewIssueBudget,
    Repository,
    Scope,
    WriteBudget,
    WriteInterval,
    validated,
)
from issueplan.job import JobOptions, run_job
from issueplan.limits import DEFAULT_WRITE_INTERVAL
from issueplan.model import Frozen, StepOutcome
from issueplan.modes import FailOn, IfNoResults, MilestoneMode
from issueplan.outcome import judge
from issueplan.render.links import SourceLinks, read_source_links
from issueplan.render.workflow import WorkflowCommand, WorkflowLog

OUTPUT_DIR = "issueplan-output"


class ActionInputs(Frozen):
    """Everything the action was asked to do, validated: the inputs plus the context GitHub gives the step."""

    results: tuple[str, ...]
    config: ExistingFile | None = None
    outcomes: Mapping[str, StepOutcome] = Field(default_factory=dict)
    if_no_results: IfNoResults = IfNoResults.ERROR
    token: SecretStr | None = None
    # Tokens the step's environment holds besides the one it uses ($GITHUB_TOKEN): cleaned from the report.
    secrets: tuple[SecretStr, ...] = ()
    repository: Repository | None = None
    api_url: ApiUrl = "https://api.github.com"
    scope: Scope = "default"
    label: LabelName | None = None
    milestones: MilestoneMode | None = None
    dry_run: bool = False
    dry_run_reason: str | None = None
    pull_request: bool = False  # a pull_request run: its summary says what it would change
    max_writes: WriteBudget | None = None
    write_interval: WriteInterval = DEFAULT_WRITE_INTERVAL
    allow_mass_close: bool = False
    max_new_issues: NewIssueBudget = 50
    allow_mass_create: bool = False
    dashboard: bool = False
    project: str | None = None
    project_token: SecretStr | None = None
    fail_on: FailOn = FailOn.NEVER
    summary: bool = True
    workspace: ExistingDirectory = Path()
    run_url: str | None = None
    source_links: SourceLinks | None = None
    output_file: Path | None = None
    summary_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionInputs:
        """Read INPUT_* (GitHub keeps the dashes: INPUT_GITHUB-TOKEN; underscores are accepted too) and the
        GITHUB_* context. A bad value raises UsageError naming the input and the fix (inputs.validated)."""
        workspace = Path(env.get("GITHUB_WORKSPACE") or Path.cwd())
        token = ActionInput.GITHUB_TOKEN.read(env) or env.get("GITHUB_TOKEN") or None
        project_token = ActionInput.PROJECT_TOKEN.read(env) or None
        repository = ActionInput.REPOSITORY.read(env) or env.get("GITHUB_REPOSITORY") or None
        config = ActionInput.CONFIG.read(env)
        api_url = ActionInput.API_URL.read(env) or env.get("GITHUB_API_URL") or "https://api.github.com"
        return validated(
            cls,
            FrontEnd.ACTION,
            results=_results(ActionInput.RESULTS.read(env) or ActionInput.RESULTS.default),
            config=Path(config) if config else None,
            outcomes=parse_outcomes(ActionInput.OUTCOMES.read(env)),
            if_no_results=parse_choice(ActionInput.IF_NO_RESULTS, env, IfNoResults),
            token=SecretStr(token) if token is not None else None,
            secrets=_other_secrets(env, token),
            repository=repository,
            api_url=api_url,
            # Given but empty is a mistake (an unset variable in `with:`), not the default scope.
            scope=_given(ActionInput.SCOPE, env, ActionInput.SCOPE.default),
            label=ActionInput.LABEL.read(env) or None,
            milestones=parse_choice(ActionInput.MILESTONES, env, MilestoneMode)
            if ActionInput.MILESTONES.read(env)
            else None,
            dry_run=parse_bool(ActionInput.DRY_RUN, env),
            dry_run_reason=dry_run_reason(env, has_token=token is not None),
            pull_request=is_pull_request(env),
            max_writes=ActionInput.MAX_WRITES.read(env) or None,
            write_interval=ActionInput.WRITE_INTERVAL.read(env) or ActionInput.WRITE_INTERVAL.default,
            allow_mass_close=parse_bool(ActionInput.ALLOW_MASS_CLOSE, env),
            max_new_issues=ActionInput.MAX_NEW_ISSUES.read(env) or ActionInput.MAX_NEW_ISSUES.default,
            allow_mass_create=parse_bool(ActionInput.ALLOW_MASS_CREATE, env),
            dashboard=parse_bool(ActionInput.DASHBOARD, env),
            project=ActionInput.PROJECT.read(env) or None,
            project_token=SecretStr(project_token) if project_token else None,
            fail_on=parse_choice(ActionInput.FAIL_ON, env, FailOn),
            summary=parse_bool(ActionInput.SUMMARY, env),
            workspace=workspace,
            run_url=_run_url(env),
            # The code and the run are the workflow's repository's, even when issues go to another one.
            source_links=read_source_links(
                env, repo=env.get("GITHUB_REPOSITORY") or repository, workspace=str(workspace.absolute())
            ),
            output_file=Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None,
            summary_file=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
        )

    def job_options(self) -> JobOptions:
        """The same options the CLI's `sync` builds. Without a token there is nothing to read: plan only."""
        return validated(
            JobOptions,
            FrontEnd.ACTION,
            results=self.results,
            config=self.config,
            outcomes=self.outcomes,
            if_no_results=self.if_no_results,
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
            max_new_issues=self.max_new_issues,
            allow_mass_create=self.allow_mass_create,
            dashboard=self.dashboard,
            project=self.project,
            project_token=self.project_token,
            output_dir=self.workspace / OUTPUT_DIR,
            run_url=self.run_url,
            source_links=self.source_links,
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


def _given(name: ActionInput, env: Mapping[str, str], default: str) -> str:
    """The input's text when it was given (even empty), else `default`: an empty `scope:` is refused."""
    given = any(key in env for key in (f"INPUT_{name.upper()}", f"INPUT_{name.upper().replace('-', '_')}"))
    return name.read(env) if given else default


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
    log.mask(ActionInput.PROJECT_TOKEN.read(environ))
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
    outcome = run_job(inputs.job_options(), log=log.line)
    verdict = judge(outcome, inputs.fail_on)
    publish(outcome, inputs, log, verdict)
    return int(verdict.exit_code)


if __name__ == "__main__":
    sys.exit(main())
