"""Progress of a sync: the callback hears of every change with growing counts; a terminal gets one line
rewritten in place, CI gets a plain line every few changes."""

from __future__ import annotations

import io

from tracker_plans import make_item, remembering

from issueplan.progress import LogProgress, TerminalProgress, report_progress
from issueplan.tracker import GitHubTarget, SyncOptions, sync_plan
from issueplan.tracker.sandbox import FakeGitHub


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_callback_counts_every_change_upwards_including_the_links_of_new_issues(
    fake_github: FakeGitHub,
) -> None:
    # BUG-002 waits on BUG-001: both are new, so a follow-up of the ChangeSet writes the link once the
    # numbers exist; it is counted like every other change, not in a hidden pass.
    items = [
        make_item("suite-failed/a", "BUG-001"),
        make_item("suite-failed/b", "BUG-002", depends_on=[("BUG-001", True)]),
    ]
    calls: list[tuple[int, int, str]] = []
    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="test-token")

    _, changes, _ = sync_plan(
        remembering(items),  # type: ignore[arg-type]
        target,
        SyncOptions(write_interval=0),
        sleep=lambda _: None,
        progress=lambda done, total, text: calls.append((done, total, text)),
    )

    assert [call[0] for call in calls] == list(range(1, len(changes) + 1))
    assert {total for _, total, _ in calls} == {len(changes)}
    assert [text for _, _, text in calls] == list(changes.describe())
    assert any("links to the new issues of BUG-001" in text for _, _, text in calls)


def test_a_terminal_gets_one_line_rewritten_in_place_without_escape_sequences_from_titles() -> None:
    stream = Terminal()
    progress = report_progress(print, stream=stream, env={})

    progress(1, 3, "create issue BUG-001: 'a\x1b[31mred'")
    progress(2, 3, "create issue BUG-002")
    progress(3, 3, "close issue #4")

    text = stream.getvalue()
    assert isinstance(progress, TerminalProgress)
    assert text.count("\r") == 3
    assert text.count("\n") == 1
    assert text.endswith("writing 3/3… close issue #4\x1b[K\n")
    assert "\x1b[31m" not in text


def test_ci_gets_a_log_line_every_few_changes_and_at_the_end() -> None:
    lines: list[str] = []
    progress = report_progress(lines.append, stream=Terminal(), env={"CI": "true"})

    for done in range(1, 61):
        progress(done, 60, f"create issue BUG-{done:03d}")

    assert isinstance(progress, LogProgress)
    assert lines == ["Tried 25 of 60 changes", "Tried 50 of 60 changes", "Tried 60 of 60 changes"]


def test_a_log_that_is_not_a_terminal_gets_plain_lines() -> None:
    lines: list[str] = []
    progress = report_progress(lines.append, stream=io.StringIO(), env={})

    progress(1, 1, "create label 'issueplan'")

    assert lines == ["Tried 1 of 1 changes"]
