"""Shared fixtures. `shared_dir` points at ../shared (the corpus, the seed, GitHub's API description)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "tests" / "data"


def _shared() -> Path:
    return Path(os.environ.get("ISSUEPLAN_SHARED", REPO_ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    shared = _shared()
    if not shared.is_dir():
        pytest.skip(f"{shared} is absent: the shared corpus/seed/API description are not on this machine")
    return shared


@pytest.fixture(scope="session")
def seed_dir(shared_dir: Path) -> Path:
    return shared_dir / "seed"


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"
