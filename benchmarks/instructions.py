"""Instruction counts with valgrind's callgrind: figures that the machine's load cannot move (issue #14).

CPU time on a shared machine moves by a third with the load; the number of instructions a process executes
does not (hash randomisation is turned off, so one run of the same code on the same input is enough). Python
runs about 50x slower under callgrind: benchmarks/parse.py runs its counts side by side, one per core.

A child marks where a measured part begins and ends with `os.getppid()` (MARK): callgrind dumps its
counters before every call of libc's getppid (`--dump-before=getppid`), so part N holds the instructions
executed between mark N and mark N+1; part 0 runs from the start to the first mark, the last part from the
last mark to the exit. Nothing in Python, lxml, pydantic or requests calls getppid on its own; a count of
marks other than the one expected stops the benchmark rather than print a wrong figure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MARK = "os.getppid()"  # the statement a child runs where a part begins or ends (it needs `import os`)
OUT = "callgrind.out"


def require_valgrind() -> str:
    """valgrind's path, or exit 2 with a message saying what to install."""
    found = shutil.which("valgrind")
    if found is None:
        print(
            "--instructions needs valgrind (callgrind) on PATH: install it (apt-get install valgrind) "
            "or leave --instructions out to measure CPU time",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return found


def parse_total(text: str) -> int:
    """The instruction total of one callgrind output file: its `totals:` line, else its `summary:` line."""
    found: dict[str, int] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon and key in ("totals", "summary") and key not in found and value.split():
            found[key] = int(value.split()[0])  # the first event is Ir, the only one callgrind collects here
    if not found:
        raise ValueError("not a callgrind output file: no 'totals:' or 'summary:' line")
    return found.get("totals", found.get("summary", 0))


@dataclass(frozen=True)
class Counted:
    parts: tuple[int, ...]  # instructions of each part, in order (see the module's docstring)
    output: str  # the child's standard output

    @property
    def total(self) -> int:
        return sum(self.parts)


def count(
    command: list[str], *, marks: int | None, cwd: Path | None = None, ok: tuple[int, ...] = (0,)
) -> Counted:
    """Run `command` under callgrind; `marks` is how many times it runs MARK (None: any, only the total
    matters). A child that exits with a code outside `ok` stops the benchmark, with valgrind's last words."""
    valgrind = require_valgrind()
    with tempfile.TemporaryDirectory(prefix="callgrind-") as name:
        folder = Path(name)
        done = subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--quiet",
                f"--callgrind-out-file={folder / OUT}",
                "--dump-before=getppid",
                *command,
            ],
            cwd=cwd,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in ok:
            raise SystemExit(
                f"{command[:4]} exited with {done.returncode} under valgrind: {done.stderr[-2000:]}"
            )
        return Counted(_parts(folder, marks, command), done.stdout)


def _parts(folder: Path, marks: int | None, command: list[str]) -> tuple[int, ...]:
    """The totals of callgrind's dumps in `folder`: OUT.1, OUT.2, … (one per mark), then OUT (at exit)."""
    dumps = sorted(folder.glob(f"{OUT}.*"), key=lambda path: int(path.suffix[1:]))
    if marks is not None and len(dumps) != marks:
        raise SystemExit(f"{command[:4]}: expected {marks} marks, callgrind dumped {len(dumps)} parts")
    return tuple(parse_total(path.read_text(encoding="utf-8")) for path in [*dumps, folder / OUT])


def ratio(value: int, baseline: int) -> float:
    return value / baseline if baseline else float("inf")
