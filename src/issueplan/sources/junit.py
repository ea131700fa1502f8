"""Placeholder: being written."""

from __future__ import annotations

from pathlib import Path

from issueplan.model import FileResult

FORMAT = "junit"


def detect(head: bytes) -> bool:
    return False


def read(path: Path) -> FileResult:
    raise NotImplementedError
