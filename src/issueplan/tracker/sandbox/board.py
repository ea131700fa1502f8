"""A readable view of the sandbox's issues, written to DIR/issues.md after each sandbox sync.

The sandbox has no web UI; this file is what a user opens to watch issues being created, updated, closed and
reopened across runs. Bodies are shown as GitHub would store them (the managed block and the hidden marker).
"""

from __future__ import annotations

from typing import Any

from issueplan.tracker.sandbox.people import HumanActions
from issueplan.tracker.sandbox.project_people import project_value


def _names(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"`{item['name']}`" for item in items) or "none"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _people(issue: dict[str, Any]) -> str:
    # Logins without `@`: the file may be pasted into an issue or a chat, where `@login` would notify.
    return ", ".join(user["login"] for user in issue.get("assignees") or ())


def _parent(issue: dict[str, Any]) -> str:
    """`#N` of the issue this one is a sub-issue of; GitHub names it only by URL (`.../issues/N`)."""
    url = issue.get("parent_issue_url")
    return f"#{url.rsplit('/', 1)[1]}" if url else ""


def render_board(hub: HumanActions) -> str:
    issues = sorted(
        (issue for issue in hub.issues() if "pull_request" not in issue), key=lambda issue: issue["number"]
    )
    open_count = sum(issue["state"] == "open" for issue in issues)
    lines = [
        "# Sandbox issues",
        "",
        f"{len(issues)} issues: {open_count} open, {len(issues) - open_count} closed.",
        "",
        "| # | state | title | issue type | milestone | labels | assignees | sub-issue of |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for issue in issues:
        state = issue["state"] + (f" ({issue['state_reason']})" if issue.get("state_reason") else "")
        milestone = _cell(issue["milestone"]["title"]) if issue.get("milestone") else ""
        kind = _cell(issue["type"]["name"]) if issue.get("type") else ""
        cells = [state, _cell(issue["title"]), kind, milestone, _names(issue["labels"]), _people(issue)]
        lines.append(f"| {issue['number']} | " + " | ".join([*cells, _parent(issue)]) + " |")
    lines += _projects(hub)
    for issue in issues:
        lines += ["", "---", "", f"## #{issue['number']} {issue['title']} ({issue['state']})", ""]
        lines.append(issue.get("body") or "")
        for comment in hub.comments(issue["number"]):
            lines += ["", f"> **comment by {comment['user']['login']}**", ">"]
            lines += [f"> {line}" for line in (comment.get("body") or "").splitlines()]
    return "\n".join(lines) + "\n"


def _projects(hub: HumanActions) -> list[str]:
    """Each project's items with their field values (the board a person would look at), by issue number."""
    lines: list[str] = []
    with hub.lock:
        for project in hub.state.projects:
            shown = [field for field in project.fields if field.data_type != "TITLE"]
            lines += ["", f"## Project {project.owner}/{project.number}: {project.title}", ""]
            lines.append("| # | " + " | ".join(field.name for field in shown) + " |")
            lines.append("| --- |" + " --- |" * len(shown))
            for item in sorted(project.items, key=lambda item: item.issue_number):
                cells = [
                    (project_value(project, item, field.id) or "").replace("|", "\\|") for field in shown
                ]
                lines.append(f"| {item.issue_number} | " + " | ".join(cells) + " |")
    return lines
