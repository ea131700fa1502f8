"""The sandbox's state file: written once per run, and still whole when the run is interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from issueplan.tracker.sandbox import FakeGitHub
from issueplan.tracker.sandbox import server as sandbox_server
from issueplan.tracker.sandbox.persistence import TERMINATED
from issueplan.tracker.sandbox.state import STATE_FILE, RepoState, load_state, save_state

# A run that writes, says so, and then waits to be stopped the way the test chooses.
CHILD = """
import os, signal, sys
from pathlib import Path
from issueplan.tracker.sandbox import FakeGitHub

hub = FakeGitHub(state_dir=Path(sys.argv[1]))
with hub:
    hub.human_create_issue(title="written before the interruption", body="b")
    print("file" if (Path(sys.argv[1]) / "github-state.json").exists() else "no file", flush=True)
    if sys.argv[2] == "exit":
        sys.exit(3)  # leaves the `with` block through SystemExit, before any stop()
    signal.pause()
"""


def titles(state: RepoState | None) -> list[str]:
    assert state is not None, "the state file is missing"
    return [issue.title for issue in state.issues if not issue.pull_request]


def run_child(tmp_path: Path, how: str) -> tuple[str, int]:
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), how], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        said = child.stdout.readline().strip()
        if how == "sigterm":
            child.send_signal(signal.SIGTERM)
        return said, child.wait(timeout=120)


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is a POSIX signal")
def test_a_run_ended_by_sigterm_leaves_its_writes_in_the_state_file(tmp_path: Path) -> None:
    said, status = run_child(tmp_path, "sigterm")

    assert said == "no file", "the state is written once, at the end, not after every write"
    assert status == TERMINATED
    assert titles(load_state(tmp_path / STATE_FILE)) == ["written before the interruption"]


def test_a_run_that_exits_inside_its_with_block_still_saves(tmp_path: Path) -> None:
    said, status = run_child(tmp_path, "exit")

    assert (said, status) == ("no file", 3)
    assert titles(load_state(tmp_path / STATE_FILE)) == ["written before the interruption"]


def test_many_writes_save_the_state_once_when_the_server_stops(
    fake_github_factory: Callable[..., FakeGitHub], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saves: list[int] = []

    def counting_save(state: RepoState, path: Path) -> None:
        saves.append(len(state.issues))
        save_state(state, path)

    monkeypatch.setattr(sandbox_server, "save_state", counting_save)
    hub = fake_github_factory(state_dir=tmp_path)
    session = requests.Session()
    for n in range(5):
        answer = session.post(
            f"{hub.base_url}/repos/octo/demo/issues",
            json={"title": f"issue {n}"},
            headers={"authorization": "token t"},
            timeout=30,
        )
        assert answer.status_code == 201
    assert saves == []
    hub.stop()

    assert saves == [6], "one save, holding the seeded pull request and the five issues"
    assert titles(load_state(tmp_path / STATE_FILE)) == [f"issue {n}" for n in range(5)]


def test_a_save_interrupted_midway_leaves_the_previous_state_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / STATE_FILE
    hub = FakeGitHub(state_dir=tmp_path)
    hub.human_create_issue(title="saved earlier", body="b")
    hub.flush()
    hub.human_create_issue(title="not saved", body="b")

    def interrupted(self: Path, target: Path) -> Path:
        raise KeyboardInterrupt  # as if the run were stopped between writing and renaming

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        hub.flush()
    monkeypatch.undo()

    assert titles(load_state(path)) == ["saved earlier"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_FILE], "no temporary file is left behind"
