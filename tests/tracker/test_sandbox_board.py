"""DIR/issues.md, the sandbox's readable board: what a person sees of each issue without a web UI."""

from __future__ import annotations

from github import Auth, Github

from issueplan.tracker.sandbox import FakeGitHub
from issueplan.tracker.sandbox.board import render_board

HEADER = "| # | state | title | issue type | milestone | labels | assignees | sub-issue of |"


def _table(board: str) -> list[str]:
    lines = board.splitlines()
    start = lines.index(HEADER)
    return lines[start + 2 : lines.index("", start)]


def test_the_board_shows_each_issues_type_assignees_and_parent(fake_github: FakeGitHub) -> None:
    fake_github.offer_issue_types(["Bug", "Task"])
    parent = fake_github.human_create_issue(title="Dashboard", body="", labels=["issueplan"])
    child = fake_github.human_create_issue(title="BUG-001: a | b", body="", labels=["issueplan"])
    fake_github.human_edit(child, assignees=["mona", "hubot"])
    fake_github.human_set_issue_type(child, "Bug")
    repo = Github(base_url=fake_github.base_url, auth=Auth.Token("t"), retry=None).get_repo("octo/demo")
    repo.get_issue(parent).add_sub_issue(repo.get_issue(child).id)

    rows = _table(render_board(fake_github))

    assert rows == [
        f"| {parent} | open | Dashboard |  |  | `issueplan` |  |  |",
        f"| {child} | open | BUG-001: a \\| b | Bug |  | `issueplan` | mona, hubot | #{parent} |",
    ]


def test_assignees_are_named_without_a_mention(fake_github: FakeGitHub) -> None:
    """The file may be pasted into an issue or a chat: `@mona` would notify mona."""
    number = fake_github.human_create_issue(title="t", body="", labels=["issueplan"])
    fake_github.human_edit(number, assignees=["mona"])

    board = render_board(fake_github)

    assert "mona" in board
    assert "@" not in board
