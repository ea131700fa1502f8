"""benchmarks/instructions.py: the total read from callgrind's output files, the parts of a run cut at its
marks, and `--instructions` refusing to run without valgrind. No timing, and valgrind itself is not run: a
stand-in writes the files callgrind would."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
# Loaded from its file: benchmarks/ on sys.path would let its sync.py and text.py shadow other modules.
_SPEC = importlib.util.spec_from_file_location("benchmarks_instructions", BENCHMARKS / "instructions.py")
assert _SPEC is not None
assert _SPEC.loader is not None
instructions = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = instructions  # dataclasses look their module up there
_SPEC.loader.exec_module(instructions)

# The head of a real dump (valgrind 3.19, `--dump-before=getppid`), its cost lines cut.
SAMPLE = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 5747
cmd:  /usr/bin/python3 -c import os
part: 2

desc: I1 cache:
desc: Timerange: Basic block 7318165 - 56311351
desc: Trigger: --dump-before=getppid

positions: line
events: Ir
summary: 177976874

ob=(1) /usr/lib/x86_64-linux-gnu/libc.so.6
fl=(1) ./posix/getppid.c
fn=(1) getppid
0 5

totals: 177976874
"""

# What callgrind does, as far as these tests look: the command runs, its output passes through, and the
# dump files hold one total per part (here 100 before the first mark, 250 between the marks, 7 after).
FAKE_VALGRIND = """#!{python}
import subprocess, sys
out = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--callgrind-out-file="))
for name, total in ((out + ".1", 100), (out + ".2", 250), (out, 7)):
    with open(name, "w") as dump:
        dump.write(f"events: Ir\\nsummary: {{total}}\\ntotals: {{total}}\\n")
sys.exit(subprocess.call([sys.executable, "-c", sys.argv[sys.argv.index("-c") + 1]]))
"""


def test_the_total_is_read_from_a_callgrind_file(tmp_path: Path) -> None:
    dump = tmp_path / "callgrind.out.2"
    dump.write_text(SAMPLE, encoding="utf-8")
    assert instructions.parse_total(dump.read_text(encoding="utf-8")) == 177_976_874
    # an older callgrind writes only `summary:`; a file with neither is refused, not read as 0
    assert instructions.parse_total("events: Ir\nsummary: 42\n") == 42
    with pytest.raises(ValueError, match="no 'totals:' or 'summary:' line"):
        instructions.parse_total("events: Ir\n")


@pytest.fixture
def fake_valgrind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    valgrind = folder / "valgrind"
    valgrind.write_text(FAKE_VALGRIND.format(python=sys.executable), encoding="utf-8")
    valgrind.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.usefixtures("fake_valgrind")
def test_a_run_is_cut_into_parts_at_its_marks() -> None:
    counted = instructions.count([sys.executable, "-c", "print('read 3')"], marks=2)
    assert counted.parts == (100, 250, 7)
    assert counted.total == 357
    assert counted.output == "read 3\n"
    with pytest.raises(SystemExit, match="expected 1 marks, callgrind dumped 2 parts"):
        instructions.count([sys.executable, "-c", "pass"], marks=1)


@pytest.mark.usefixtures("fake_valgrind")
def test_a_failing_child_stops_the_count() -> None:
    with pytest.raises(SystemExit, match="exited with 3 under valgrind"):
        instructions.count([sys.executable, "-c", "raise SystemExit(3)"], marks=None)


@pytest.mark.parametrize("script", ["parse.py", "startup.py", "sync.py"])
def test_instructions_without_valgrind_exit_2_with_a_message(tmp_path: Path, script: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / script),
            "--quick" if script != "startup.py" else "--repeat=1",
            "--instructions",
        ],
        env={**os.environ, "PATH": str(tmp_path)},  # an empty folder: no valgrind on it
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "--instructions needs valgrind (callgrind) on PATH" in done.stderr
