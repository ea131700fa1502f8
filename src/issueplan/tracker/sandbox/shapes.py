"""GitHub's JSON shapes for the fake's records (`components/schemas` of the OpenAPI description)."""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from issueplan.tracker.sandbox.dates import render_due_on
from issueplan.tracker.sandbox.state import (
    CommentRecord,
    IssueRecord,
    IssueState,
    IssueTypeRecord,
    LabelRecord,
    MilestoneRecord,
    RepoState,
)

JSON = dict[str, Any]


def stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Site:
    """Where the fake lives: `origin` is `http://127.0.0.1:<port>`, `prefix` the API path prefix
    ("" or "/api/v3", as on GitHub Enterprise Server)."""

    origin: str
    prefix: str = ""

    @property
    def api(self) -> str:
        return self.origin + self.prefix

    @property
    def web(self) -> str:
        return self.origin

    def repo_url(self, state: RepoState) -> str:
        return f"{self.api}/repos/{state.owner}/{state.repo}"

    def repo_html(self, state: RepoState) -> str:
        return f"{self.web}/{state.owner}/{state.repo}"


def user_json(site: Site, login: str) -> JSON:
    # A stable id from the login: the same user has the same id in every run.
    user_id = zlib.crc32(login.encode()) % 10_000_000 + 1
    url = f"{site.api}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": node_id("User", user_id),
        "avatar_url": f"{site.web}/avatars/{login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{site.web}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "user_view_type": "public",
        "site_admin": False,
    }


def label_json(site: Site, state: RepoState, label: LabelRecord) -> JSON:
    return {
        "id": label.id,
        "node_id": node_id("Label", label.id),
        "url": f"{site.repo_url(state)}/labels/{label.name}",
        "name": label.name,
        "description": label.description,
        "color": label.color,
        "default": label.default,
    }


def milestone_json(site: Site, state: RepoState, milestone: MilestoneRecord) -> JSON:
    open_count, closed_count = state.milestone_counts(milestone.number)
    url = f"{site.repo_url(state)}/milestones/{milestone.number}"
    return {
        "url": url,
        "html_url": f"{site.repo_html(state)}/milestone/{milestone.number}",
        "labels_url": f"{url}/labels",
        "id": milestone.id,
        "node_id": node_id("Milestone", milestone.id),
        "number": milestone.number,
        "state": milestone.state.value,
        "title": milestone.title,
        "description": milestone.description,
        "creator": user_json(site, milestone.creator),
        "open_issues": open_count,
        "closed_issues": closed_count,
        "created_at": stamp(milestone.created_at),
        "updated_at": stamp(milestone.updated_at),
        "closed_at": stamp(milestone.closed_at),
        "due_on": None if milestone.due_on is None else render_due_on(date.fromisoformat(milestone.due_on)),
    }


def comment_json(site: Site, state: RepoState, issue: IssueRecord, comment: CommentRecord) -> JSON:
    return {
        "id": comment.id,
        "node_id": node_id("IssueComment", comment.id),
        "url": f"{site.repo_url(state)}/issues/comments/{comment.id}",
        "html_url": f"{site.repo_html(state)}/issues/{issue.number}#issuecomment-{comment.id}",
        "issue_url": f"{site.repo_url(state)}/issues/{issue.number}",
        "body": comment.body,
        "user": user_json(site, comment.user),
        "created_at": stamp(comment.created_at),
        "updated_at": stamp(comment.updated_at),
        "author_association": "NONE",
    }


def _issue_type(state: RepoState, issue: IssueRecord) -> JSON | None:
    record = None if issue.issue_type is None else state.issue_type(issue.issue_type)
    return None if record is None else issue_type_json(record)


def issue_type_json(record: IssueTypeRecord) -> JSON:
    return {
        "id": record.id,
        "node_id": node_id("IssueType", record.id),
        "name": record.name,
        "description": record.description,
        "color": record.color,
        "is_enabled": True,
    }


def issue_json(site: Site, state: RepoState, issue: IssueRecord) -> JSON:
    url = f"{site.repo_url(state)}/issues/{issue.number}"
    kind = "pull" if issue.pull_request else "issues"
    labels = [state.label_by_id(i) for i in issue.label_ids]
    milestone = None if issue.milestone is None else state.milestone(issue.milestone)
    subs = [s for s in (state.issue_by_id(i) for i in issue.sub_issue_ids) if s is not None]
    done = sum(1 for s in subs if s.state is IssueState.CLOSED)
    parent = None if issue.parent_id is None else state.issue_by_id(issue.parent_id)
    blocking = state.blocking(issue.id)
    assignees = [user_json(site, login) for login in issue.assignees]
    body: JSON = {
        "id": issue.id,
        "node_id": node_id("Issue", issue.id),
        "url": url,
        "repository_url": site.repo_url(state),
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{site.repo_html(state)}/{kind}/{issue.number}",
        "number": issue.number,
        "state": issue.state.value,
        "state_reason": None if issue.state_reason is None else issue.state_reason.value,
        "title": issue.title,
        "body": issue.body,
        "user": user_json(site, issue.user),
        "labels": [label_json(site, state, lb) for lb in labels if lb is not None],
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None if milestone is None else milestone_json(site, state, milestone),
        "locked": issue.locked,
        "active_lock_reason": None,
        "comments": len(issue.comments),
        "closed_at": stamp(issue.closed_at),
        "closed_by": None if issue.closed_by is None else user_json(site, issue.closed_by),
        "timeline_url": f"{url}/timeline",
        "performed_via_github_app": None,
        "reactions": _no_reactions(f"{url}/reactions"),
        "created_at": stamp(issue.created_at),
        "updated_at": stamp(issue.updated_at),
        "author_association": "NONE",
        "type": _issue_type(state, issue),
        "sub_issues_summary": {
            "total": len(subs),
            "completed": done,
            "percent_completed": done * 100 // len(subs) if subs else 0,
        },
        "issue_dependencies_summary": {
            "blocked_by": sum(1 for i in issue.blocked_by_ids if _is_open(state, i)),
            "blocking": sum(1 for i in blocking if i.state is IssueState.OPEN),
            "total_blocked_by": len(issue.blocked_by_ids),
            "total_blocking": len(blocking),
        },
    }
    if parent is not None:
        body["parent_issue_url"] = f"{site.repo_url(state)}/issues/{parent.number}"
    if issue.pull_request:
        pull = f"{site.repo_url(state)}/pulls/{issue.number}"
        html = f"{site.repo_html(state)}/pull/{issue.number}"
        body["pull_request"] = {
            "url": pull,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": None,
        }
    return body


def _no_reactions(url: str) -> JSON:
    counts = ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket")
    return {"url": url, "total_count": 0, **dict.fromkeys(counts, 0)}


def _is_open(state: RepoState, issue_id: int) -> bool:
    other = state.issue_by_id(issue_id)
    return other is not None and other.state is IssueState.OPEN


def repository_json(site: Site, state: RepoState, owner_login: str, *, can_write: bool) -> JSON:
    """A `full-repository`, its URLs pointing at the fake."""
    base = site.repo_url(state)
    html = site.repo_html(state)
    open_count = sum(1 for i in state.issues if i.state is IssueState.OPEN)
    templated = {
        "archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}",
        "blobs_url": "/git/blobs{/sha}", "branches_url": "/branches{/branch}",
        "collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
        "commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}",
        "contents_url": "/contents/{+path}", "contributors_url": "/contributors",
        "deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events",
        "forks_url": "/forks", "git_commits_url": "/git/commits{/sha}", "git_refs_url": "/git/refs{/sha}",
        "git_tags_url": "/git/tags{/sha}", "hooks_url": "/hooks",
        "issue_comment_url": "/issues/comments{/number}", "issue_events_url": "/issues/events{/number}",
        "issues_url": "/issues{/number}", "keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}",
        "languages_url": "/languages", "merges_url": "/merges", "milestones_url": "/milestones{/number}",
        "notifications_url": "/notifications{?since,all,participating}", "pulls_url": "/pulls{/number}",
        "releases_url": "/releases{/id}", "stargazers_url": "/stargazers", "statuses_url": "/statuses/{sha}",
        "subscribers_url": "/subscribers", "subscription_url": "/subscription", "tags_url": "/tags",
        "teams_url": "/teams", "trees_url": "/git/trees{/sha}",
    }  # fmt: skip
    body: JSON = {
        "id": state.repo_id,
        "node_id": node_id("Repository", state.repo_id),
        "name": state.repo,
        "full_name": f"{state.owner}/{state.repo}",
        "owner": user_json(site, owner_login),
        "private": False,
        "html_url": html,
        "description": "issueplan sandbox repository",
        "fork": False,
        "url": base,
        **{key: base + suffix for key, suffix in templated.items()},
        "git_url": f"{html}.git",
        "ssh_url": f"{html}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": None,
        "forks_count": 0, "forks": 0, "stargazers_count": 0, "watchers_count": 0, "watchers": 0,
        "size": 0, "default_branch": "main",
        "open_issues_count": open_count, "open_issues": open_count,
        "is_template": False, "topics": [],
        "has_issues": True, "has_projects": False, "has_wiki": False, "has_pages": False,
        "has_downloads": False, "has_discussions": False,
        "archived": False, "disabled": False, "visibility": "public",
        "pushed_at": "2024-01-01T00:00:00Z", "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "permissions": {
            "admin": False, "maintain": False, "push": can_write, "triage": can_write, "pull": True,
        },
        "license": None,
        "organization": user_json(site, owner_login),
        "allow_auto_merge": False, "allow_forking": True, "allow_merge_commit": True,
        "allow_rebase_merge": True, "allow_squash_merge": True, "allow_update_branch": False,
        "delete_branch_on_merge": False, "use_squash_pr_title_as_default": False,
        "web_commit_signoff_required": False, "temp_clone_token": "",
        "subscribers_count": 0, "network_count": 0,
    }  # fmt: skip
    return body
