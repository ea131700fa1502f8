"""Parse benchmark: issueplan's JUnit reader against a bare lxml count (the floor) and junitparser.

    .venv/bin/python benchmarks/parse.py            # a 200 000-case file
    .venv/bin/python benchmarks/parse.py --big      # and a ~200 MB file (floor and issueplan only)

Each contender runs in a fresh subprocess; its parse time is measured inside the child (interpreter start-up
and imports excluded) and its peak RSS comes from the kernel's rusage of that child (os.wait4).
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
from pathlib import Path

MB = 1024 * 1024
CHILD = {
    "floor": """
from lxml import etree
count = 0
for _, element in etree.iterparse(PATH, events=("end",), tag="testcase"):
    count += 1
    element.clear()
    while element.getprevious() is not None:
        del element.getparent()[0]
RESULT = count
""",
    "issueplan": """
from pathlib import Path
from issueplan.sources import junit
RESULT = junit.read(Path(PATH)).totals.tests
""",
    "junitparser": """
from junitparser import JUnitXml
count = 0
for suite in JUnitXml.fromfile(PATH):
    for case in suite:
        case.result
        count += 1
RESULT = count
""",
}


def write_report(path: Path, *, cases: int | None = None, megabytes: int | None = None) -> int:
    """A pytest-like report, one case in 50 failing; stops at `cases` cases or `megabytes` MB."""
    passing = '    <testcase classname="tests.test_module{m}" name="test_case_{n}" time="0.001"/>\n'
    failing = (
        '    <testcase classname="tests.test_module{m}" name="test_case_{n}" time="0.002">'
        '<failure message="AssertionError: assert 1 == 2">tests/test_module{m}.py:{n}: AssertionError'
        "</failure></testcase>\n"
    )
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n<testsuite name="pytest">\n')
        while (cases is None or written < cases) and (megabytes is None or out.tell() < megabytes * MB):
            template = failing if written % 50 == 0 else passing
            out.write(template.format(m=written // 1000, n=written))
            written += 1
        out.write("</testsuite>\n</testsuites>\n")
    return written


def run_child(name: str, path: Path) -> dict[str, float]:
    code = (
        "import json, sys, time\nPATH = sys.argv[1]\nstart = time.perf_counter()\n"
        + CHILD[name]
        + "\nprint(json.dumps({'seconds': time.perf_counter() - start, 'count': RESULT}))\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout is not None else ""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{name} failed with exit code {child.returncode}")
    figures: dict[str, float] = json.loads(output)
    figures["rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return figures


def report(label: str, path: Path, names: list[str]) -> None:
    size = path.stat().st_size / MB
    print(f"\n{label}: {path.name}, {size:.0f} MB")
    results = {name: run_child(name, path) for name in names}
    floor = results["floor"]["seconds"]
    print(f"{'contender':<12} {'cases':>9} {'parse s':>8} {'x floor':>8} {'peak RSS MB':>12}")
    for name, figures in results.items():
        print(
            f"{name:<12} {figures['count']:>9.0f} {figures['seconds']:>8.2f} "
            f"{figures['seconds'] / floor:>8.2f} {figures['rss_mb']:>12.0f}"
        )
    if "junitparser" in results:
        ours, theirs = results["issueplan"], results["junitparser"]
        print(
            f"issueplan vs junitparser: {theirs['seconds'] / ours['seconds']:.1f}x faster, "
            f"{theirs['rss_mb'] / ours['rss_mb']:.1f}x less memory"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big", action="store_true", help="also time a ~200 MB file")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "cases-200k.xml"
        started = time.perf_counter()
        write_report(small, cases=200_000)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        report("200 000 cases", small, ["floor", "issueplan", "junitparser"])
        if arguments.big:
            big = Path(folder) / "big.xml"
            write_report(big, megabytes=200)
            report("~200 MB", big, ["floor", "issueplan"])


if __name__ == "__main__":
    main()
