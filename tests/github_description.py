"""GitHub's OpenAPI description as the contract checks use it: the copy of the shared subset, plus the
operations issueplan added since (tests/data/github-api-extra/README.md), taken from the same npm package.

The subset stays a byte-for-byte copy of ../shared (tests/test_data_copies.py); the extra operations live
in their own file and refer to the subset's components, so they are merged here, not there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
SUBSET = DATA / "github-api" / "openapi-issues-subset.json"
EXTRA = DATA / "github-api-extra" / "openapi-extra.json"


def load_description() -> dict[str, Any]:
    """The subset with the extra paths and components added; an operation in both is a mistake."""
    spec: dict[str, Any] = json.loads(SUBSET.read_text(encoding="utf-8"))
    extra: dict[str, Any] = json.loads(EXTRA.read_text(encoding="utf-8"))
    for path, item in extra["paths"].items():
        methods = spec["paths"].setdefault(path, {})
        overlap = set(methods) & set(item)
        assert not overlap, f"{path} {sorted(overlap)} is in the subset already: drop it from {EXTRA.name}"
        methods.update(item)
    for kind, entries in extra["components"].items():
        section = spec["components"].setdefault(kind, {})
        overlap = set(section) & set(entries)
        assert not overlap, f"components/{kind} {sorted(overlap)} are in the subset already"
        section.update(entries)
    return spec
