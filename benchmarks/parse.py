"""Parse benchmark: issueplan's JUnit reader against a bare lxml count (the floor) and junitparser.

    .venv/bin/python benchmarks/parse.py            # a 200 000-case file
    .venv/bin/python benchmarks/parse.py --big      # and a ~200 MB file

The generated report looks like a real pytest/surefire one, so that the per-case work is representative:
suites of 200 cases with declared counts, mostly passing cases, and per 1 000 cases 30 failures (message and
a multi-line traceback), 5 errors, 40 skips with a reason and 5 passing cases with system-out/system-err.
Every contender does what a reader of the file needs: the floor only counts <testcase> elements; issueplan
and junitparser read every case and its result (outcome, message, type, trace) and report the same counts.

Each contender runs in a fresh subprocess; imports happen before the clock starts, so the parse time excludes
interpreter start-up and imports; peak RSS comes from the kernel's rusage of that child (os.wait4). The time
shown is the best of --repeat runs (other processes only ever add time), the RSS the largest.
Targets: issueplan <= 1.5x the floor, >= 3x faster and leaner than junitparser, < 150 MB peak on 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MB = 1024 * 1024
SUITE_SIZE = 200
# (setup, timed body); the body sets RESULT to the counts (tests, failures, errors, skipped).
CHILD = {
    "floor": (
        "from lxml import etree",
        """
count = 0
for _, element in etree.iterparse(PATH, events=("end",), tag="testcase"):
    count += 1
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]
RESULT = (count, None, None, None)
""",
    ),
    "issueplan": (
        "from pathlib import Path\nfrom issueplan.sources import junit",
        """
totals = junit.read(Path(PATH)).totals
RESULT = (totals.tests, totals.failures, totals.errors, totals.skipped)
""",
    ),
    "junitparser": (
        "from junitparser import Error, Failure, JUnitXml, Skipped",
        """
counts = {Failure: 0, Error: 0, Skipped: 0}
tests = 0
duration = 0.0
for suite in JUnitXml.fromfile(PATH):
    for case in suite:
        tests += 1
        duration += case.time
        identity = (case.classname, case.name)
        for result in case.result:
            counts[type(result)] += 1
            detail = (result.message, result.type, result.text)
RESULT = (tests, counts[Failure], counts[Error], counts[Skipped])
""",
    ),
}

_PASSING = '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.00{t}"/>\n'
_OUTPUT = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.01{t}">'
    "<system-out>setting up fixture {n}\nconnected to localhost:5432\n</system-out>"
    "<system-err>DeprecationWarning: pkg_resources is deprecated</system-err></testcase>\n"
)
_SKIPPED = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0">'
    '<skipped type="pytest.skip" message="requires postgres &gt;= 14">'
    "tests/test_module{m}.py:{n}: requires postgres &gt;= 14</skipped></testcase>\n"
)
_FAILING = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.2{t}">'
    '<failure message="AssertionError: assert {n} == {t}" type="AssertionError">'
    "self = &lt;tests.test_module{m}.TestGroup object at 0x7f3a2c1b9d50&gt;\n\n"
    "    def test_case_{n}(self):\n"
    "        result = compute({n})\n"
    "&gt;       assert result == {t}\n"
    "E       AssertionError: assert {n} == {t}\n"
    "E        +  where {n} = compute({n})\n\n"
    "tests/test_module{m}.py:{n}: AssertionError</failure></testcase>\n"
)
_ERROR = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.0{t}">'
    '<error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111]&quot;">'
    "@pytest.fixture\n    def database():\n&gt;       return connect()\n\n"
    "src/app/db.py:{t}: ConnectionRefusedError</error></testcase>\n"
)


def _template(number: int) -> tuple[str, int]:
    """The case template for case `number`, and which count it adds to (0 pass, 1 fail, 2 error, 3 skip)."""
    slot = number % 1000
    if slot % 33 == 7 and slot < 990:  # 30 per 1 000
        return _FAILING, 1
    if slot % 200 == 101:  # 5 per 1 000
        return _ERROR, 2
    if slot % 25 == 3:  # 40 per 1 000
        return _SKIPPED, 3
    if slot % 200 == 150:  # 5 per 1 000
        return _OUTPUT, 0
    return _PASSING, 0


def _write_suite(out: IO[str], first: int, count: int) -> None:
    counts = [0, 0, 0, 0]
    body = []
    for number in range(first, first + count):
        template, kind = _template(number)
        counts[kind] += 1
        body.append(template.format(m=number // SUITE_SIZE, n=number, t=number % 10))
    failures, errors, skipped = counts[1:]
    out.write(
        f'  <testsuite name="tests.test_module{first // SUITE_SIZE}" tests="{count}" failures="{failures}" '
        f'errors="{errors}" skipped="{skipped}" time="{count * 0.01:.3f}" hostname="runner-1">\n'
        '    <properties><property name="python" value="3.11.9"/></properties>\n'
    )
    out.write("".join(body))
    out.write("  </testsuite>\n")


def write_report(path: Path, *, cases: int | None = None, megabytes: int | None = None) -> int:
    """A pytest-like report in suites of SUITE_SIZE cases; stops at `cases` cases or `megabytes` MB."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="pytest tests">\n')
        while (cases is None or written < cases) and (megabytes is None or out.tell() < megabytes * MB):
            count = SUITE_SIZE if cases is None else min(SUITE_SIZE, cases - written)
            _write_suite(out, written, count)
            written += count
        out.write("</testsuites>\n")
    return written


@dataclass(frozen=True)
class Figures:
    seconds: float  # wall clock
    cpu: float  # user + system time of the child: what other processes on the machine disturb least
    counts: tuple[int | None, ...]  # tests, failures, errors, skipped; None where not counted
    rss_mb: float


def run_child(name: str, path: Path) -> Figures:
    setup, body = CHILD[name]
    code = (
        f"import json, sys, time\nPATH = sys.argv[1]\n{setup}\n"
        f"start, cpu = time.perf_counter(), time.process_time()\n{body}\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'cpu': time.process_time() - cpu,"
        " 'counts': RESULT}))\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout is not None else ""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed with exit code {os.waitstatus_to_exitcode(status)}")
    printed = json.loads(output)
    rss_mb = usage.ru_maxrss / 1024  # KiB on Linux
    return Figures(printed["seconds"], printed["cpu"], tuple(printed["counts"]), rss_mb)


def best_of(name: str, path: Path, repeat: int) -> Figures:
    """The best times of `repeat` runs (other processes only ever add time), with the largest peak RSS."""
    runs = [run_child(name, path) for _ in range(repeat)]
    return Figures(
        min(figures.seconds for figures in runs),
        min(figures.cpu for figures in runs),
        runs[0].counts,
        max(figures.rss_mb for figures in runs),
    )


def report(label: str, path: Path, names: list[str], repeat: int) -> None:
    size = path.stat().st_size / MB
    print(f"\n{label}: {path.name}, {size:.0f} MB, best of {repeat}, load average {os.getloadavg()[0]:.1f}")
    results = {name: best_of(name, path, repeat) for name in names}
    floor = results["floor"]
    print(
        f"{'contender':<12} {'tests':>7} {'failed':>6} {'errors':>6} {'skipped':>7} "
        f"{'wall s':>7} {'x floor':>7} {'cpu s':>6} {'x floor':>7} {'peak RSS MB':>11}"
    )
    for name, figures in results.items():
        tests, failures, errors, skipped = ("-" if count is None else str(count) for count in figures.counts)
        print(
            f"{name:<12} {tests:>7} {failures:>6} {errors:>6} {skipped:>7} {figures.seconds:>7.2f} "
            f"{figures.seconds / floor.seconds:>7.2f} {figures.cpu:>6.2f} {figures.cpu / floor.cpu:>7.2f} "
            f"{figures.rss_mb:>11.0f}"
        )
    ours, theirs = results["issueplan"], results["junitparser"]
    if ours.counts != theirs.counts or ours.counts[0] != floor.counts[0]:
        raise SystemExit("the contenders disagree on the counts: they did not read the same cases")
    print(
        f"issueplan vs junitparser: {theirs.seconds / ours.seconds:.1f}x faster (wall), "
        f"{theirs.cpu / ours.cpu:.1f}x (cpu), {theirs.rss_mb / ours.rss_mb:.1f}x less memory"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big", action="store_true", help="also time a ~200 MB file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (default 3)")
    arguments = parser.parse_args()
    names = ["floor", "issueplan", "junitparser"]
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "cases-200k.xml"
        started = time.perf_counter()
        write_report(small, cases=200_000)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        report("200 000 cases", small, names, arguments.repeat)
        if arguments.big:
            big = Path(folder) / "big.xml"
            cases = write_report(big, megabytes=200)
            report(f"~200 MB ({cases} cases)", big, names, arguments.repeat)


if __name__ == "__main__":
    main()
