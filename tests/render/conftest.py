"""Golden-file comparison for the renderers, regenerated with ISSUEPLAN_REGEN_GOLDEN=1."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "render"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare `text` with tests/data/render/<name>; ISSUEPLAN_REGEN_GOLDEN=1 rewrites the file instead."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.is_file(), f"{path} is missing: run the tests once with ISSUEPLAN_REGEN_GOLDEN=1"
        with path.open(encoding="utf-8", newline="") as expected:
            assert text == expected.read(), f"{name} differs from its golden file"

    return check
