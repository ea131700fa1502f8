"""read_workspace lists the checkout deterministically, skips heavy folders and never follows symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from issueplan.errors import UsageError
from issueplan.model import ContentMatch, Workspace
from issueplan.policy import content_probes, load_config, read_workspace
from issueplan.policy.trigger_spec import ContentSignal
from issueplan.policy.workspace import PROBE_FILE_BYTES, compile_glob, matches_any


def touch(root: Path, *paths: str) -> None:
    for relative in paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")


def test_lists_relative_posix_paths_sorted_skipping_heavy_folders(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "src/app.py",
        ".github/workflows/ci.yml",
        "README.md",
        ".git/config",
        "node_modules/k6/index.js",
        ".venv/lib/locustfile.py",
        "web/node_modules/x.js",
    )
    workspace = read_workspace(tmp_path)
    assert workspace.paths == (".github/workflows/ci.yml", "README.md", "src/app.py")
    assert workspace.root == str(tmp_path)


def test_symlinks_are_neither_followed_nor_listed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "prometheus.yml", "deep/alert.rules")
    checkout = tmp_path / "checkout"
    touch(checkout, "app.py")
    (checkout / "linked-dir").symlink_to(outside, target_is_directory=True)
    (checkout / "prometheus.yml").symlink_to(outside / "prometheus.yml")
    assert read_workspace(checkout).paths == ("app.py",)


def test_the_cap_keeps_a_stable_prefix(tmp_path: Path) -> None:
    touch(tmp_path, *(f"d{i % 3}/f{i:03d}.txt" for i in range(30)))
    capped = read_workspace(tmp_path, max_files=7)
    assert len(capped.paths) == 7
    assert capped == read_workspace(tmp_path, max_files=7)
    assert set(capped.paths) <= set(read_workspace(tmp_path).paths)


def test_a_missing_workspace_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a directory"):
        read_workspace(tmp_path / "nope")


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        (".github/workflows/*.yml", ".github/workflows/ci.yml", True),
        (".github/workflows/*.yml", ".github/workflows/sub/ci.yml", False),
        ("**/locustfile*.py", "locustfile.py", True),
        ("**/locustfile*.py", "perf/load/locustfile_api.py", True),
        ("**/k6/**/*.js", "tests/k6/scenarios/smoke.js", True),
        ("**/k6/**/*.js", "tests/k6.js", False),
        ("**/*.jmx", "perf/Plan.JMX", True),
        ("Jenkinsfile", "sub/Jenkinsfile", False),
        ("file?.txt", "file1.txt", True),
        ("file?.txt", "file/.txt", False),
        ("a+b.txt", "a+b.txt", True),
    ],
)
def test_globs(glob: str, path: str, matches: bool) -> None:
    assert bool(compile_glob(glob).fullmatch(path)) is matches
    assert matches_any([path], [glob]) is matches


# --- content probes: tools recognised by what their files say ----------------------------------------------

K6 = ContentSignal(what="a k6 script", globs=("**/*.js",), contains=("k6/http",))
SENTRY = ContentSignal(
    what="Sentry setup", globs=("**/requirements*.txt", "**/*.py"), contains=("sentry_sdk", "sentry-sdk")
)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(workspace: Workspace, signal: ContentSignal) -> ContentMatch:
    return next(match for match in workspace.contents if match.probe == signal.key)


def test_a_probe_finds_the_first_file_in_its_globs_order_that_contains_a_string(tmp_path: Path) -> None:
    write(tmp_path, "app/a.py", "import sentry_sdk\n")
    write(tmp_path, "requirements.txt", "flask\nsentry-sdk==2.0\n")
    write(tmp_path, "scripts/smoke.js", "import http from 'k6/http';\n")
    write(tmp_path, "web/app.js", "console.log(1)\n")
    workspace = read_workspace(tmp_path, probes=(K6, SENTRY, K6))
    assert len(workspace.contents) == 2  # the same probe twice is probed once
    sentry = found(workspace, SENTRY)
    assert (sentry.path, sentry.needle) == ("requirements.txt", "sentry-sdk")  # manifests first
    assert (found(workspace, K6).path, found(workspace, K6).looked_into) == ("scripts/smoke.js", 1)


def test_large_files_symlinks_and_fifos_are_never_read(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", "k6.js", "import 'k6/http'\n")
    checkout = tmp_path / "checkout"
    write(checkout, "big.js", "x" * (PROBE_FILE_BYTES + 1) + "k6/http")
    (checkout / "linked.js").symlink_to(outside)
    os.mkfifo(checkout / "pipe.js")  # opening it for reading would block the run
    match = found(read_workspace(checkout, probes=(K6,)), K6)
    assert (match.path, match.looked_into, match.unread) == (None, 0, 2)


def test_the_read_budget_bounds_how_many_files_are_opened(tmp_path: Path) -> None:
    for index in range(5):
        write(tmp_path, f"src/m{index}.js", "module.exports = 1\n")
    write(tmp_path, "src/z.js", "import 'k6/http'\n")
    match = found(read_workspace(tmp_path, probes=(K6,), probe_files=3), K6)
    assert (match.path, match.looked_into, match.unread) == (None, 3, 3)


def test_content_probes_collects_the_signals_of_enabled_rules() -> None:
    rules = load_config(None).rules
    whats = [signal.what for signal in content_probes(rules)]
    assert "a k6 script" in whats
    assert "Sentry setup" in whats
    disabled = [rule.model_copy(update={"enabled": False}) for rule in rules]
    assert content_probes(disabled) == ()
