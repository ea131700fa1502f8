"""Start-up benchmark: what a command costs before it does any work (issue #14).

    python benchmarks/startup.py [--repeat 15] [--instructions]

Targets: `issueplan parse` and `issueplan plan` on a tiny report cost no more than `python -c "import github,
pydantic"` (the imports they no longer need), and `issueplan --version` at most 3x `python -c pass`.
Each command runs --repeat times in a fresh process; the figure is the best CPU time (user + system of the
child, from os.wait4), which other work on the machine disturbs least; the best wall time is shown beside it.

Measured as an installed package runs: issueplan's bytecode is compiled first (a wheel install writes it;
without it, with PYTHONDONTWRITEBYTECODE set, every run would recompile the package while the baseline's
libraries load from their cached bytecode), and the commands run in a folder holding only the tiny report, so
`plan`'s look at its workspace (the current directory) costs what it costs in a small checkout.

--instructions also counts each command's instructions, from exec to exit, once under valgrind's callgrind
(benchmarks/instructions.py: the same on every run, whatever the load), prints them beside the CPU figures and
takes the verdicts from them.
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import instructions

TINY = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="unit" tests="2" failures="1">
<testcase classname="t" name="ok"/>
<testcase classname="t" name="bad"><failure message="no">x</failure></testcase>
</testsuite></testsuites>
"""


IMPORTS = "python -c 'import github, pydantic'"


def cost(command: list[str], repeat: int, folder: Path) -> tuple[float, float]:
    """(best CPU seconds, best wall seconds) of `command` run in `folder`, output discarded."""
    cpu, wall = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall.append(time.perf_counter() - started)
        if os.waitstatus_to_exitcode(status) not in (0, 1):  # `plan` exits 1 when the plan has work
            raise SystemExit(f"{command} exited with {os.waitstatus_to_exitcode(status)}")
        cpu.append(usage.ru_utime + usage.ru_stime)
    return min(cpu), min(wall)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (default 15)")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind's callgrind, and take the verdicts from them",
    )
    arguments = parser.parse_args()
    repeat, counting = arguments.repeat, arguments.instructions
    if counting:
        instructions.require_valgrind()
    python = sys.executable
    import issueplan  # noqa: PLC0415 - only to find the package's files

    compileall.compile_dir(Path(issueplan.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "junit.xml").write_text(TINY, encoding="utf-8")
        commands = {
            "python -c pass": [python, "-c", "pass"],
            IMPORTS: [python, "-c", "import github, pydantic"],
            "issueplan --version": [python, "-m", "issueplan", "--version"],
            "issueplan parse (tiny)": [python, "-m", "issueplan", "parse", "junit.xml"],
            "issueplan parse --format json": [
                python,
                "-m",
                "issueplan",
                "parse",
                "junit.xml",
                "--format",
                "json",
            ],
            "issueplan plan (tiny)": [python, "-m", "issueplan", "plan", "junit.xml"],
        }
        figures = {name: cost(command, repeat, folder) for name, command in commands.items()}
        counts = {
            name: instructions.count(command, marks=None, cwd=folder, ok=(0, 1)).total if counting else 0
            for name, command in commands.items()
        }
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, best of {repeat}")
    print(f"{'command':<38} {'cpu s':>6} {'wall s':>7}" + (f" {'M instr':>8}" if counting else ""))
    for name, (cpu, wall) in figures.items():
        print(f"{name:<38} {cpu:>6.3f} {wall:>7.3f}" + (f" {counts[name] / 1e6:>8.1f}" if counting else ""))
    targets = [
        ("parse / import github, pydantic", "issueplan parse (tiny)", IMPORTS, 1.0),
        ("parse --format json / import github, pydantic", "issueplan parse --format json", IMPORTS, 1.0),
        ("plan / import github, pydantic", "issueplan plan (tiny)", IMPORTS, 1.0),
        ("--version / python -c pass", "issueplan --version", "python -c pass", 3.0),
    ]
    measure = "instructions (callgrind)" if counting else "CPU time"
    print(
        f"\n{'target':<48} {'cpu':>6}"
        + (f" {'instr':>6}" if counting else "")
        + f" {'limit':>6}  verdict, by {measure}"
    )
    for name, ours, baseline, limit in targets:
        by_cpu = figures[ours][0] / figures[baseline][0]
        ratio = counts[ours] / counts[baseline] if counting else by_cpu
        print(
            f"{name:<48} {by_cpu:>5.2f}x"
            + (f" {ratio:>5.2f}x" if counting else "")
            + f" {limit:>5.1f}x  {'MET' if ratio <= limit else 'NOT MET'}"
        )


if __name__ == "__main__":
    main()
