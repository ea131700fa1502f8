"""Parse benchmark: issueplan on every report shape of issue #14, against each shape's floor and junitparser.

    python benchmarks/parse.py            # the issue's sizes (a few minutes; junitparser on 1M cases is slow)
    python benchmarks/parse.py --quick    # a tenth of the sizes: a smoke run
    python benchmarks/parse.py --only sarif,cobertura
    python benchmarks/parse.py --instructions           # verdicts from callgrind instruction counts

Shapes (benchmarks/parse_shapes.py writes them into a temporary folder): pytest with junit_logging=all,
every passing case with <system-out>ok</system-out>, 1 000 000 pytest-like cases with output on every passing
case, a Maven Surefire tree (5 000 XML + 5 000 .txt), a Gradle tree (2 000 files), SARIF (100k results,
~93 MB) and Cobertura (50k classes, ~95 MB).

Floors do the least a reader of the shape must do: count <testcase> elements with lxml (trees: walk the
folder and count the cases of each XML file), `json.load` plus a loop over the SARIF results, count the
Cobertura classes and sum their line hits. issueplan runs `load_results` (parse only: imports happen before
the clock starts) and the real `issueplan parse --format json` (whole process, from spawn to exit, output to
/dev/null); junitparser walks every case and its result. Each run is a fresh subprocess; peak RSS is the
kernel's rusage of that child (os.wait4). Times are the best of --repeat runs (other processes only add
time), RSS the largest; ratios are of CPU time (user + system), which other work on the machine disturbs
least. A contender that is not installed (junitparser) is skipped, and so are its targets.

Measured as an installed package runs, as benchmarks/startup.py does: issueplan's bytecode is compiled before
anything is timed (a wheel install writes it). Without it, with PYTHONDONTWRITEBYTECODE set, the reader
modules the loader imports on first use would be compiled from source inside the timed region, on every run,
while the floor's lxml loads compiled. "Imports excluded" holds for what a process does once on first use
too: before its clock starts, every contender's child runs its timed body once on a tiny sample of the same
shape (a two-case report, a one-report tree, a two-result log), so issueplan's readers imported on first use
and its models built on first use (pydantic's defer_build, for a fast start-up), lxml's first parser and
junitparser's are not timed, for any contender. For issueplan that is about 37 M instructions (some 15 ms)
whatever the shape's size: 2 % of the full Gradle tree's floor, but 45 % of its `--quick` floor (the size
--instructions counts). The whole-process figures still include all of it.

--instructions also counts, once, the instructions of each contender with valgrind's callgrind (see
benchmarks/instructions.py: the same on every run, whatever the load), prints them beside the CPU figures and
takes the verdicts from them. Parse only is the part between two marks around the timed body; whole process
is everything from exec to exit, counted for the shape whose target needs it (junit-1M-output, with
junitparser) and left out elsewhere. The counts of a shape run after its timed runs, side by side, one per
core: at the full sizes a run of every shape takes about twenty minutes on two cores (junitparser on 1M
cases is half of it), at --quick a few minutes, but a tenth of a shape can flatter its floor (a tree's
fixed cost per run, the SARIF floor's collector, which grows faster than the log).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import instructions
import parse_shapes

MB = 1024 * 1024
_XML_COUNT = """
def count_cases(path):
    count = 0
    for _, element in etree.iterparse(path, events=("end",), tag="testcase"):
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count
"""
_WALK = """
def xml_files(root):
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith('.xml'):
                yield os.path.join(folder, name)
"""
# (setup, timed body) per floor kind; the body sets RESULT to the number of cases, results or classes read.
FLOORS = {
    "junit": ("from lxml import etree" + _XML_COUNT, "RESULT = count_cases(PATH)"),
    "tree": (
        "import os\nfrom lxml import etree" + _XML_COUNT + _WALK,
        "RESULT = sum(count_cases(p) for p in xml_files(PATH))",
    ),
    "sarif": (
        "import json",
        """
with open(PATH, 'rb') as f:
    log = json.load(f)
RESULT = 0
for run in log['runs']:
    for result in run['results']:
        RESULT += result.get('ruleId') is not None
""",
    ),
    "cobertura": (
        "from lxml import etree",
        """
RESULT = hits = 0
for _, c in etree.iterparse(PATH, events=('end',), tag='class'):
    RESULT += 1
    for line in c.iterfind('lines/line'):
        hits += int(line.get('hits'))
    c.clear()
""",
    ),
}
ISSUEPLAN = (
    "from issueplan.sources import load_results",
    """
report = load_results([PATH])
coverage = report.coverage.files if report.coverage else ()
RESULT = sum(s.tests for s in report.suites) or len(report.findings) or len(coverage)
""",
)
JUNITPARSER_SETUP = "import os\nfrom junitparser import Error, Failure, JUnitXml, Skipped" + _WALK
JUNITPARSER_BODY = """
tests = 0
for path in ([PATH] if os.path.isfile(PATH) else xml_files(PATH)):
    for suite in JUnitXml.fromfile(path):
        for case in suite:
            tests += 1
            duration, identity = case.time, (case.classname, case.name)
            for result in case.result:
                detail = (type(result), result.message, result.type, result.text)
RESULT = tests
"""


@dataclass(frozen=True)
class Shape:
    name: str
    floor: str  # a FLOORS key
    make: Callable[[Path, bool], tuple[Path, int]]  # (folder, quick) -> (path, items)
    # (folder) -> (path, items) of a tiny one of the same kind: what each contender reads before its clock
    sample: Callable[[Path], tuple[Path, int]]
    junit: bool  # junitparser can read it
    target: float  # parse-only ratio to the floor that issue #14 asks for


SHAPES = [
    Shape(
        "pytest-logging-all",
        "junit",
        lambda d, q: parse_shapes.junit_file(d / "all.xml", 20_000 if q else 200_000, "all"),
        lambda d: parse_shapes.junit_file(d / "sample.xml", 2, "all"),
        True,
        1.5,
    ),
    Shape(
        "system-out-ok",
        "junit",
        lambda d, q: parse_shapes.junit_file(d / "ok.xml", 20_000 if q else 200_000, "ok"),
        lambda d: parse_shapes.junit_file(d / "sample.xml", 2, "ok"),
        True,
        1.5,
    ),
    Shape(
        "junit-1M-output",
        "junit",
        lambda d, q: parse_shapes.junit_file(d / "1m.xml", 100_000 if q else 1_000_000, "ok"),
        lambda d: parse_shapes.junit_file(d / "sample.xml", 2, "ok"),
        True,
        1.5,
    ),
    Shape(
        "surefire-tree",
        "tree",
        lambda d, q: parse_shapes.surefire_tree(d / "surefire", 500 if q else 5_000),
        lambda d: parse_shapes.surefire_tree(d / "sample", 1),
        True,
        1.5,
    ),
    Shape(
        "gradle-tree",
        "tree",
        lambda d, q: parse_shapes.gradle_tree(d / "gradle", 200 if q else 2_000),
        lambda d: parse_shapes.gradle_tree(d / "sample", 4),
        True,
        1.5,
    ),
    Shape(
        "sarif",
        "sarif",
        lambda d, q: parse_shapes.sarif_file(d / "scan.sarif", 10_000 if q else 100_000),
        lambda d: parse_shapes.sarif_file(d / "sample.sarif", 2),
        False,
        1.3,
    ),
    Shape(
        "cobertura",
        "cobertura",
        lambda d, q: parse_shapes.cobertura_file(d / "coverage.xml", 5_000 if q else 50_000),
        lambda d: parse_shapes.cobertura_file(d / "sample.xml", 2),
        False,
        1.5,
    ),
]


@dataclass(frozen=True)
class Run:
    parse_cpu: float  # inside the child, imports excluded (NaN: a whole-process run)
    parse_wall: float
    whole_cpu: float  # the child's rusage, from spawn to exit
    whole_wall: float
    rss_mb: float
    result: int | None
    parse_ir: int | None = None  # instructions (--instructions): parse only, whole process
    whole_ir: int | None = None


def _spawn(command: list[str]) -> tuple[str, float, float, float]:
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout is not None else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # `parse` exits 0; a broken file would be a Problem
        raise SystemExit(f"{command[:4]} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return output, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024  # KiB on Linux


def script(setup: str, body: str) -> str:
    """The child's program: `body` run once on the sample (argv[2]), then timed on the shape (argv[1]),
    between two instruction-count marks, its RESULT printed."""
    return (
        f"import json, os, sys, time\nPATH = sys.argv[2]\n{setup}\n{body}\nPATH = sys.argv[1]\n"
        f"start, cpu = time.perf_counter(), time.process_time()\n{instructions.MARK}\n{body}\n"
        f"{instructions.MARK}\n"
        "taken = {'wall': time.perf_counter() - start, 'cpu': time.process_time() - cpu}\n"
        "print(json.dumps({**taken, 'result': RESULT}))\n"
    )


def run_script(setup: str, body: str, path: Path, sample: Path) -> Run:
    output, cpu, wall, rss = _spawn([sys.executable, "-c", script(setup, body), str(path), str(sample)])
    printed = json.loads(output)
    return Run(printed["cpu"], printed["wall"], cpu, wall, rss, printed["result"])


def count_script(setup: str, body: str, path: Path, sample: Path) -> tuple[int, int]:
    """(parse only, whole process) instructions of the script: its middle part, and all of it."""
    command = [sys.executable, "-c", script(setup, body), str(path), str(sample)]
    counted = instructions.count(command, marks=2)
    return counted.parts[1], counted.total


def cli_command(path: Path) -> list[str]:
    return [sys.executable, "-m", "issueplan", "parse", str(path), "--format", "json"]


def run_cli(path: Path) -> Run:
    _, cpu, wall, rss = _spawn(cli_command(path))
    return Run(math.nan, math.nan, cpu, wall, rss, None)


def _ir(value: int | None, floor: int | None) -> str:
    return "—" if value is None or not floor else f"{value / 1e6:.0f} {value / floor:.2f}"


def best(runs: list[Run]) -> Run:
    return Run(
        min(r.parse_cpu for r in runs),
        min(r.parse_wall for r in runs),
        min(r.whole_cpu for r in runs),
        min(r.whole_wall for r in runs),
        max(r.rss_mb for r in runs),
        runs[0].result,
    )


@dataclass
class Verdicts:
    rows: list[tuple[str, float, str, bool]]

    def add(self, what: str, ratio: float, baseline: str, met: bool) -> None:
        self.rows.append((what, ratio, baseline, met))


def make_apart(shape: Shape, folder: Path, quick: bool) -> tuple[Path, int, Path]:
    """Write the shape in a child process. Linux keeps a process's peak RSS across fork and exec, so a
    benchmark that had built a 90 MB SARIF log itself would lend that peak to every contender it spawns."""
    done = subprocess.run(
        [sys.executable, __file__, "--make", shape.name, str(folder), *(["--quick"] if quick else [])],
        check=True,
        capture_output=True,
        text=True,
    )
    made, items, sample = done.stdout.split()
    return Path(made), int(items), Path(sample)


def measure(shape: Shape, folder: Path, quick: bool, repeat: int, verdicts: Verdicts, counting: bool) -> None:
    started = time.perf_counter()
    path, items, sample = make_apart(shape, folder, quick)
    size = sum(f.stat().st_size for f in path.rglob("*")) if path.is_dir() else path.stat().st_size
    print(
        f"\n{shape.name}: {items} items, {size / MB:.0f} MB, made in {time.perf_counter() - started:.1f} s, "
        f"best of {repeat}, load average {os.getloadavg()[0]:.1f}"
    )
    whole_counted = shape.name == "junit-1M-output"  # the one shape with whole-process targets
    floor = best([run_script(*FLOORS[shape.floor], path, sample) for _ in range(repeat)])
    ours = best([run_script(*ISSUEPLAN, path, sample) for _ in range(repeat)])
    cli = best([run_cli(path) for _ in range(repeat)])
    junitparser = shape.junit and importlib.util.find_spec("junitparser") is not None
    theirs = (
        best([run_script(JUNITPARSER_SETUP, JUNITPARSER_BODY, path, sample) for _ in range(repeat)])
        if junitparser
        else None
    )
    if counting:  # after every timed run: the counts run side by side, one per core, and load the machine
        counts = _counts(shape, path, sample, whole_counted, junitparser)
        parse_ir, whole_ir = counts["floor"]
        floor = replace(floor, parse_ir=parse_ir, whole_ir=whole_ir)
        ours = replace(ours, parse_ir=counts["issueplan"][0])
        if whole_counted:
            cli = replace(cli, whole_ir=counts["cli"][1])
        if theirs is not None:
            parse_ir, whole_ir = counts.get("junitparser", (None, None))
            theirs = replace(theirs, parse_ir=parse_ir, whole_ir=whole_ir)
    rows = {"floor": (floor, floor), "issueplan": (ours, cli)}
    if theirs is not None:
        rows["junitparser"] = (theirs, theirs)
    print(
        f"{'contender':<12} {'items':>8} {'parse cpu s':>11} {'x floor':>7} "
        f"{'whole cpu s':>11} {'x floor':>7} "
        f"{'whole wall s':>12} {'peak RSS MB':>11}"
        + (f" {'parse Minstr x floor':>20} {'whole Minstr x floor':>20}" if counting else "")
    )
    for name, (parse, whole) in rows.items():
        print(
            f"{name:<12} {parse.result:>8} {parse.parse_cpu:>11.2f} "
            f"{parse.parse_cpu / floor.parse_cpu:>7.2f} "
            f"{whole.whole_cpu:>11.2f} {whole.whole_cpu / floor.whole_cpu:>7.2f} {whole.whole_wall:>12.2f} "
            f"{whole.rss_mb:>11.0f}"
            + (
                f" {_ir(parse.parse_ir, floor.parse_ir):>20} {_ir(whole.whole_ir, floor.whole_ir):>20}"
                if counting
                else ""
            )
        )
        if parse.result != items:
            raise SystemExit(
                f"{name} read {parse.result} of {items} items: the contenders did not read the same"
            )
    ratio, baseline = _pick(ours.parse_ir, floor.parse_ir, ours.parse_cpu, floor.parse_cpu, "floor")
    verdicts.add(f"{shape.name}: parse only", ratio, baseline, ratio <= shape.target)
    if whole_counted:
        ratio, baseline = _pick(cli.whole_ir, floor.whole_ir, cli.whole_cpu, floor.whole_cpu, "floor")
        verdicts.add(f"{shape.name}: whole process", ratio, baseline, ratio <= 1.5)
        if "junitparser" in rows:
            theirs = rows["junitparser"][1]
            faster, baseline = _pick(
                theirs.whole_ir, cli.whole_ir, theirs.whole_cpu, cli.whole_cpu, "junitparser"
            )
            if cli.whole_ir and theirs.whole_ir:  # the baseline is issueplan here: name junitparser's figure
                baseline = f"junitparser {theirs.whole_ir / 1e6:.0f} M instr"
            else:
                baseline = f"junitparser {theirs.whole_cpu:.2f} s"
            leaner = theirs.rss_mb / cli.rss_mb
            verdicts.add(f"{shape.name}: faster than junitparser", faster, baseline, faster >= 3)
            verdicts.add(
                f"{shape.name}: leaner than junitparser",
                leaner,
                f"junitparser {theirs.rss_mb:.0f} MB",
                leaner >= 3,
            )


def _counts(
    shape: Shape, path: Path, sample: Path, whole_counted: bool, junitparser: bool
) -> dict[str, tuple[int | None, int | None]]:
    """(parse only, whole process) instructions per contender, counted in parallel (each count is the
    same whatever runs beside it): the floor and issueplan; where the shape's whole-process targets need
    them, `issueplan parse` from spawn to exit and junitparser."""
    jobs: dict[str, Callable[[], tuple[int | None, int | None]]] = {
        "floor": lambda: count_script(*FLOORS[shape.floor], path, sample),
        "issueplan": lambda: count_script(*ISSUEPLAN, path, sample),
    }
    if whole_counted:
        jobs["cli"] = lambda: (None, instructions.count(cli_command(path), marks=None, ok=(0, 1)).total)
        if junitparser:
            jobs["junitparser"] = lambda: count_script(JUNITPARSER_SETUP, JUNITPARSER_BODY, path, sample)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def _pick(
    value_ir: int | None, base_ir: int | None, value_cpu: float, base_cpu: float, base_name: str
) -> tuple[float, str]:
    """(ratio, baseline text) from instruction counts where both were counted, else from CPU time."""
    if value_ir is not None and base_ir:
        return value_ir / base_ir, f"{base_name} {base_ir / 1e6:.0f} M instr"
    return value_cpu / base_cpu, f"{base_name} {base_cpu:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes, one run each")
    parser.add_argument("--repeat", type=int, default=None, help="runs per contender (default 3, quick 1)")
    parser.add_argument("--only", default="", help="comma-separated shape names")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind's callgrind, and take the verdicts from them",
    )
    parser.add_argument("--make", nargs=2, metavar=("SHAPE", "FOLDER"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.make:  # the child of make_apart
        name, folder = arguments.make
        shape = next(s for s in SHAPES if s.name == name)
        path, items = shape.make(Path(folder), arguments.quick)
        sample_folder = Path(folder) / "sample"
        sample_folder.mkdir()
        print(path, items, shape.sample(sample_folder)[0])
        return
    if arguments.instructions:
        instructions.require_valgrind()
    import issueplan  # noqa: PLC0415 - only to find the package's files

    compileall.compile_dir(Path(issueplan.__file__).parent, quiet=1)
    repeat = arguments.repeat or (1 if arguments.quick else 3)
    chosen = [s for s in SHAPES if not arguments.only or s.name in arguments.only.split(",")]
    print(
        f"{os.cpu_count()} cores, python {sys.version.split()[0]}, "
        f"{'quick' if arguments.quick else 'full'} sizes"
    )
    verdicts = Verdicts([])
    for shape in chosen:
        with tempfile.TemporaryDirectory() as folder:
            measure(shape, Path(folder), arguments.quick, repeat, verdicts, arguments.instructions)
    measure_name = "instructions (callgrind)" if arguments.instructions else "CPU time"
    print(f"\n{'target':<41} {'ratio':>6}  {'baseline':<22} verdict, by {measure_name}")
    for what, ratio, baseline, met in verdicts.rows:
        print(f"{what:<40} {ratio:>6.2f}x  {baseline:<22} {'MET' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
