"""Newline-delimited JSON (one event object per line) read line by line, bad lines turned into Problems.

Memory is bounded by the longest line, never by the file: an event stream can be gigabytes of test output.
A line that is not a JSON object (cut by a crash, interleaved stderr, binary garbage) is skipped with a
Problem naming its line number; every other line is still used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from issueplan.model import Problem
from issueplan.sources._json import (
    JsonRefusedError,
    JsonValue,
    json_refusals,
    may_hold_surrogates,
    refuse_surrogates,
)

MAX_LINE_BYTES = 8 * 2**20
# One Problem per bad line up to this many, then one summary: a file of garbage must not flood the report.
PROBLEM_CAP = 10
_BOM = b"\xef\xbb\xbf"


class EventLines:
    """Iterate (line number, event object) over `stream`; `problems()` afterwards says what was skipped."""

    def __init__(self, stream: IO[bytes], file: str) -> None:
        self._stream = stream
        self._file = file
        self._problems: list[Problem] = []
        self.bad_lines = 0
        self.events = 0

    def __iter__(self) -> Iterator[tuple[int, dict[str, JsonValue]]]:
        number = 0
        while raw := self._stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                self._skip_rest_of_line()
                self._bad(number, None, f"is longer than {MAX_LINE_BYTES // 2**20} MiB")
                continue
            if number == 1:
                raw = raw.removeprefix(_BOM)
            if not raw.strip():
                continue
            event = self._parse(number, raw)
            if event is not None:
                self.events += 1
                yield number, event

    def problems(self) -> list[Problem]:
        found = list(self._problems)
        if self.bad_lines > len(found):
            more = self.bad_lines - len(found)
            found.append(Problem(file=self._file, message=f"{more} more lines are not JSON objects; skipped"))
        return found

    def _parse(self, number: int, raw: bytes) -> dict[str, JsonValue] | None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            self._bad(number, error.start + 1, "is not UTF-8 text")
            return None
        try:
            with json_refusals():
                value: JsonValue = json.loads(text)
            refuse_surrogates(value, may_hold_surrogates(text))
        except JsonRefusedError as refused:
            why = f"is not usable JSON ({refused})" if refused.well_formed else f"is not JSON ({refused})"
            self._bad(number, refused.column, why)
            return None
        if not isinstance(value, dict):
            self._bad(number, None, "is not a JSON object")
            return None
        return value

    def _bad(self, number: int, column: int | None, why: str) -> None:
        self.bad_lines += 1
        if len(self._problems) < PROBLEM_CAP:
            message = f"line {number} {why}; skipped, the other lines are used"
            self._problems.append(Problem(file=self._file, line=number, column=column, message=message))

    def _skip_rest_of_line(self) -> None:
        while chunk := self._stream.readline(MAX_LINE_BYTES):
            if chunk.endswith(b"\n"):
                return
