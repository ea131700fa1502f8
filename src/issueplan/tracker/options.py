"""How a sync behaves: the one options value shared by the diff, the applier and the orchestration."""

from __future__ import annotations

from pydantic import Field, SecretStr

from issueplan.limits import DEFAULT_WRITE_INTERVAL
from issueplan.model import Frozen, ItemType
from issueplan.modes import MilestoneMode
from issueplan.naming import LabelNames, MilestoneNames
from issueplan.policy.lifecycle import Lifecycle
from issueplan.render.links import SourceLinks
from issueplan.tracker.assignees import Owners

DEFAULT_LABEL = "issueplan"
API_VERSION = "2022-11-28"
DEFAULT_MAX_NEW_ISSUES = 50


class SyncOptions(Frozen):
    """Everything a sync needs to know besides the plan and the target.

    `write_interval` paces writes, start to start (tracker/pacing.py: 0.8 s is 75 a minute, under GitHub's
    ~80); `max_writes` is a
    per-run budget after which the run stops cleanly and reports what is left. More than `max_new_issues`
    new issues in one run are refused unless `allow_mass_create` (S23), as closing most is (S12).
    `dashboard` keeps one issue listing the open items (tracker/dashboard.py). `login` is the tool's own
    login when the caller knows it: then only its issues are managed (decision 2). It is never guessed nor
    looked up (`GET /user`): an Actions token is refused that call, and a login learned from a personal token
    would disown every issue an earlier token opened and recreate each of them after a token switch.

    `label` and `milestones` are this run's managed label and grouping; `label_names` and `milestone_names`
    (from the config) name the other labels and the milestones issueplan owns; `lifecycle` (the config's
    too) says when issues close, reopen and turn flaky (tracker/lifecycle.py). `owners` says who is
    assigned each item's issue (tracker/assignees.py; empty: nobody). `issue_types` maps item types to GitHub
    issue type names (the config's `issue_types:`); empty, the repository's types are not read.
    """

    scope: str = "default"
    label: str = DEFAULT_LABEL
    milestones: MilestoneMode = MilestoneMode.PRIORITY
    label_names: LabelNames = LabelNames()
    milestone_names: MilestoneNames = MilestoneNames()
    lifecycle: Lifecycle = Lifecycle()
    close_comment: bool = True
    dashboard: bool = False
    issue_types: dict[ItemType, str] = Field(default_factory=dict)
    write_interval: float = Field(default=DEFAULT_WRITE_INTERVAL, ge=0)
    max_writes: int | None = Field(default=None, ge=0)
    allow_mass_close: bool = False
    max_new_issues: int = Field(default=DEFAULT_MAX_NEW_ISSUES, ge=0)
    allow_mass_create: bool = False
    dry_run: bool = False
    run_url: str | None = None
    # Where bodies link their locations and the run that last saw them; never part of a body's identity.
    source_links: SourceLinks | None = None
    # Every token the run holds. Text from the report arrives cleaned of them (render/clean.py); these are for
    # text that does not come from the report, such as GitHub's own error messages.
    secrets: tuple[SecretStr, ...] = ()
    login: str | None = None
    owners: Owners = Owners()


class GitHubTarget(Frozen):
    """Where to sync: the REST API root, `owner/name`, and the token (never printed)."""

    api_url: str = "https://api.github.com"
    repo: str
    token: SecretStr
