"""Where a run's project board is: on GitHub (the API's server, with the project token) or in the sandbox,
which seeds the project a `--project` URL names so a board can be tried offline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from issueplan.errors import UsageError
from issueplan.policy.project_fields import ProjectMapping
from issueplan.tracker.project_ref import OwnerKind, graphql_url, parse_project_url
from issueplan.tracker.project_sync import ProjectTarget

if TYPE_CHECKING:
    from issueplan.tracker.sandbox import FakeGitHub


def github_project(
    url: str | None,
    *,
    api_url: str,
    token: SecretStr | None,
    mapping: ProjectMapping,
    forced_dry_run: bool,
) -> ProjectTarget | None:
    """The board to keep, or None: no `--project`, or a fork's dry run, which gets no secrets."""
    if url is None:
        return None
    ref = parse_project_url(url)
    endpoint = graphql_url(api_url, ref)
    if token is None or not token.get_secret_value():
        if forced_dry_run:  # its dry run still shows the issues' changes
            return None
        raise UsageError(
            "--project needs a project token, and GITHUB_TOKEN cannot access projects: put a token that may "
            "write the project (a classic PAT with the `project` scope, or a GitHub App with the Projects "
            "permission) in a secret and name its variable with --project-token-env (action input "
            "project-token)"
        )
    return ProjectTarget(project=ref, graphql_url=endpoint, token=token, mapping=mapping)


def sandbox_project(
    url: str | None, hub: FakeGitHub, *, token: SecretStr, mapping: ProjectMapping
) -> ProjectTarget | None:
    """The sandbox's board: any host stands for GitHub; the project gets the default fields if it is new."""
    from issueplan.tracker.sandbox.project_state import OwnerKind as SandboxOwner  # noqa: PLC0415 - sandbox only

    if url is None:
        return None
    ref = parse_project_url(url)
    kind = SandboxOwner.USER if ref.owner_kind is OwnerKind.USER else SandboxOwner.ORGANIZATION
    hub.create_project(ref.owner, ref.number, kind=kind)
    return ProjectTarget(project=ref, graphql_url=f"{hub.base_url}/graphql", token=token, mapping=mapping)
