"""The files the action writes into the workspace belong to the workspace's owner, as GitHub's Docker runs
need: the action runs as root, and a later step, as the runner's user, must still replace and delete them.

These run the action's entrypoint as root (as GitHub runs the container) on a workspace owned by another user,
so they need root and skip without it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from issueplan.action import main
from issueplan.tracker.sandbox import FakeGitHub

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RUNNER = 1234  # the runner's user and group, as a checkout has them (GitHub's hosted runners use 1001)

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="needs root: the action runs as root in its container",
)


@pytest.fixture
def workspace() -> Iterator[Path]:
    """A checkout owned by the runner's user, in a directory that user can reach (not under pytest's tmp_path,
    which only root may enter)."""
    with tempfile.TemporaryDirectory(prefix="issueplan-workspace-") as where:
        root = Path(where)
        shutil.copytree(EXAMPLES / "workspace", root, dirs_exist_ok=True)
        shutil.copytree(EXAMPLES / "results", root / "test-results")
        for entry in [root, *root.rglob("*")]:
            os.chown(entry, RUNNER, RUNNER)
        yield root


def _run_action(workspace: Path, fake: FakeGitHub, runner_files: Path, *, summary: Path | None = None) -> int:
    """The action's entrypoint, in-process, with the runner's file-command files in `runner_files`."""
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner_files / "output"),
        "GITHUB_STEP_SUMMARY": str(summary or runner_files / "summary.md"),
        "INPUT_RESULTS": str(workspace / "test-results"),
        "INPUT_OUTCOMES": (EXAMPLES / "outcomes.json").read_text(encoding="utf-8"),
        "INPUT_GITHUB-TOKEN": "ghs_" + "x" * 36,
        "INPUT_API-URL": fake.base_url,
        "INPUT_WRITE-INTERVAL": "0",
    }
    return main(env, stdout=io.StringIO())


def _owner(path: Path) -> tuple[int, int]:
    found = path.lstat()
    return found.st_uid, found.st_gid


def test_the_plan_files_belong_to_the_workspace_owner_and_a_later_step_can_delete_them(
    workspace: Path, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    assert _run_action(workspace, fake_github, tmp_path) == 0
    output = workspace / "issueplan-output"
    assert {path.name: _owner(path) for path in [output, *output.iterdir()]} == {
        "issueplan-output": (RUNNER, RUNNER),
        "plan.json": (RUNNER, RUNNER),
        "plan.md": (RUNNER, RUNNER),
    }
    # What the issue is about: the runner's user, in a later step, replaces and removes the action's files.
    later_step = subprocess.run(
        [
            shutil.which("sh") or "/bin/sh",
            "-c",
            'echo replaced > "$1/plan.md" && rm -r "$1"',
            "sh",
            str(output),
        ],
        user=RUNNER,
        group=RUNNER,
        extra_groups=[],
        capture_output=True,
        text=True,
        check=False,
    )
    assert later_step.returncode == 0, later_step.stderr
    assert not output.exists()


def test_a_step_summary_inside_the_workspace_is_handed_over_and_the_runners_own_files_are_left_alone(
    workspace: Path, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    inside = workspace / ".runner"
    inside.mkdir()
    os.chown(inside, RUNNER, RUNNER)
    summary = inside / "summary.md"
    assert _run_action(workspace, fake_github, tmp_path, summary=summary) == 0
    assert summary.read_text(encoding="utf-8").strip()
    assert _owner(summary) == (RUNNER, RUNNER)
    # The outputs file is the runner's, outside the workspace: not the workspace owner's to get.
    assert _owner(tmp_path / "output") == (0, 0)


def test_a_root_owned_output_folder_left_by_an_older_image_is_handed_over_too(
    workspace: Path, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    stale = workspace / "issueplan-output"
    stale.mkdir()
    (stale / "plan.md").write_text("an older run's plan\n", encoding="utf-8")
    assert _owner(stale) == (0, 0)
    assert _run_action(workspace, fake_github, tmp_path) == 0
    assert _owner(stale) == _owner(stale / "plan.md") == _owner(stale / "plan.json") == (RUNNER, RUNNER)


def test_an_output_folder_that_links_out_of_the_workspace_gives_nothing_outside_away(
    workspace: Path, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (workspace / "issueplan-output").symlink_to(outside, target_is_directory=True)
    assert _run_action(workspace, fake_github, tmp_path) == 0
    assert sorted(path.name for path in outside.iterdir()) == ["plan.json", "plan.md"]
    assert _owner(outside) == (0, 0)
    assert all(_owner(path) == (0, 0) for path in outside.iterdir())


def test_a_workspace_root_owns_is_left_as_it_is(fake_github: FakeGitHub, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(EXAMPLES / "results", workspace / "test-results")
    assert _run_action(workspace, fake_github, tmp_path) == 0
    assert _owner(workspace / "issueplan-output" / "plan.json") == (0, 0)
