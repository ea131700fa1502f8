"""read_workspace lists the checkout deterministically, skips heavy folders and never follows symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from issueplan.errors import UsageError
from issueplan.policy import read_workspace
from issueplan.policy.workspace import compile_glob, matches_any


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
