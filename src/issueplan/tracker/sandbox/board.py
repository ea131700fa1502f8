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
        "| # | state | title | milestone | labels |",
        "| --- | --- | --- | --- | --- |",
    ]
    for issue in issues:
        state = issue["state"] + (f" ({issue['state_reason']})" if issue.get("state_reason") else "")
        milestone = issue["milestone"]["title"] if issue.get("milestone") else ""
        title = issue["title"].replace("|", "\\|")
        lines.append(f"| {issue['number']} | {state} | {title} | {milestone} | {_names(issue['labels'])} |")
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
