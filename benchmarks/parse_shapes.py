"""The report shapes `parse.py` times, written into a folder: each as real producers write them.

Every generator returns the path to hand to the readers (a file, or the root of a tree) and the number of
cases or results it holds, so that the contenders can be checked to have read the same thing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

SUITE_SIZE = 200

_PASSING = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.00{t}"{body}\n'
)
_ALL_OUTPUT = (
    "><system-out>--- setup ---\nconnecting to db {n}\n</system-out>"
    "<system-err>DeprecationWarning: pkg_resources is deprecated</system-err></testcase>"
)
_OK_OUTPUT = "><system-out>ok</system-out></testcase>"
_SKIPPED = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0">'
    '<skipped type="pytest.skip" message="requires postgres &gt;= 14">'
    "tests/test_module{m}.py:{n}: requires postgres &gt;= 14</skipped>{out}</testcase>\n"
)
_FAILING = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.2{t}">'
    '<failure message="AssertionError: assert {n} == {t}" type="AssertionError">'
    "self = &lt;tests.test_module{m}.TestGroup object at 0x7f3a2c1b9d50&gt;\n\n"
    "    def test_case_{n}(self):\n        result = compute({n})\n&gt;       assert result == {t}\n"
    "E       AssertionError: assert {n} == {t}\n\ntests/test_module{m}.py:{n}: AssertionError</failure>"
    "{out}</testcase>\n"
)
_ERROR = (
    '    <testcase classname="tests.test_module{m}.TestGroup" name="test_case_{n}" time="0.0{t}">'
    '<error message="failed on setup with &quot;ConnectionRefusedError: [Errno 111]&quot;">'
    "@pytest.fixture\n    def database():\n&gt;       return connect()\n\n"
    "src/app/db.py:{t}: ConnectionRefusedError</error>{out}</testcase>\n"
)


def _kind(number: int) -> int:
    """Per 1 000 cases: 30 failures, 5 errors, 40 skips, the rest passing (0 pass, 1 fail, 2 error, 3 skip)"""
    slot = number % 1000
    if slot % 33 == 7 and slot < 990:
        return 1
    if slot % 200 == 101:
        return 2
    if slot % 25 == 3:
        return 3
    return 0


def _case(number: int, output: str) -> tuple[str, int]:
    """Case `number` as XML; `output` is "all" (pytest's junit_logging=all), "ok" or "" (none)."""
    kind = _kind(number)
    m, t = number // SUITE_SIZE, number % 10
    extra = "<system-out>captured</system-out>" if output == "all" else ""
    if kind == 1:
        return _FAILING.format(m=m, n=number, t=t, out=extra), kind
    if kind == 2:
        return _ERROR.format(m=m, n=number, t=t, out=extra), kind
    if kind == 3:
        return _SKIPPED.format(m=m, n=number, out=extra), kind
    body = {"all": _ALL_OUTPUT.format(n=number), "ok": _OK_OUTPUT}.get(output, "/>")
    return _PASSING.format(m=m, n=number, t=t, body=body), kind


def _suite(out: IO[str], name: str, first: int, count: int, output: str, properties: str = "") -> None:
    counts = [0, 0, 0, 0]
    body = []
    for number in range(first, first + count):
        text, kind = _case(number, output)
        counts[kind] += 1
        body.append(text)
    out.write(
        f'  <testsuite name="{name}" tests="{count}" failures="{counts[1]}" errors="{counts[2]}" '
        f'skipped="{counts[3]}" time="{count * 0.01:.3f}" hostname="runner-1">\n{properties}'
    )
    out.write("".join(body))
    out.write("  </testsuite>\n")


def junit_file(path: Path, cases: int, output: str) -> tuple[Path, int]:
    """A pytest-like report of `cases` cases in suites of SUITE_SIZE."""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="pytest tests">\n')
        for first in range(0, cases, SUITE_SIZE):
            _suite(
                out, f"tests.test_module{first // SUITE_SIZE}", first, min(SUITE_SIZE, cases - first), output
            )
        out.write("</testsuites>\n")
    return path, cases


# Surefire writes the JVM's system properties into every report: a large part of each file.
_SUREFIRE_PROPERTIES = (
    "    <properties>\n"
    + "".join(
        f'      <property name="{key}" value="{value}"/>\n'
        for key, value in [
            ("java.version", "17.0.9"),
            ("java.vendor", "Eclipse Adoptium"),
            ("os.name", "Linux"),
            ("os.arch", "amd64"),
            ("user.dir", "/home/runner/work/app/app"),
            ("file.encoding", "UTF-8"),
            ("surefire.test.class.path", "/home/runner/.m2/repository/org/junit/junit-5.10.jar:" * 8),
            *((f"maven.prop.{n}", f"value-{n}") for n in range(40)),
        ]
    )
    + "    </properties>\n"
)


def surefire_tree(root: Path, files: int) -> tuple[Path, int]:
    """Maven Surefire: per test class a TEST-*.xml (20 cases) and a *.txt summary, in 10 modules."""
    cases = 0
    for number in range(files):
        folder = root / f"module-{number % 10}" / "target" / "surefire-reports"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"com.example.pkg{number % 50}.Service{number}Test"
        with (folder / f"TEST-{name}.xml").open("w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            _suite(out, name, number * 20, 20, "", _SUREFIRE_PROPERTIES)
        (folder / f"{name}.txt").write_text(
            "-" * 63
            + f"\nTest set: {name}\n"
            + "-" * 63
            + "\nTests run: 20, Failures: 0, Errors: 0, Skipped: 0\n"
        )
        cases += 20
    return root, cases


def gradle_tree(root: Path, files: int) -> tuple[Path, int]:
    """Gradle: per module build/test-results/test/TEST-*.xml (15 cases each) and its binary/ folder."""
    cases = written = module = 0
    while written < files:
        results = root / f"module-{module}" / "build" / "test-results" / "test"
        (results / "binary").mkdir(parents=True)
        for name in ("output.bin", "output.bin.idx", "results.bin"):
            (results / "binary" / name).write_bytes(os.urandom(64) * 4)
        written += 3
        for number in range(min(47, files - written)):
            name = f"org.example.m{module}.Feature{number}Test"
            with (results / f"TEST-{name}.xml").open("w", encoding="utf-8") as out:
                out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
                _suite(out, name, cases, 15, "ok")
            cases += 15
            written += 1
        module += 1
    return root, cases


def sarif_file(path: Path, results: int) -> tuple[Path, int]:
    """A CodeQL-like SARIF 2.1.0 log: 200 rules with tags, CWEs and help; ~930 bytes per result."""
    rules = [
        {
            "id": f"py/rule-{n}",
            "name": f"Rule{n}",
            "shortDescription": {"text": f"Rule {n} finds a problem"},
            "fullDescription": {
                "text": "A longer description of what the rule finds and why it matters. " * 3
            },
            "helpUri": f"https://cwe.mitre.org/data/definitions/{78 + n % 40}.html",
            "defaultConfiguration": {"level": ["error", "warning", "note"][n % 3]},
            "properties": {
                "tags": ["security", f"external/cwe/cwe-{78 + n % 40}", "correctness"],
                "precision": "high",
                "security-severity": f"{(n % 10) + 0.5:.1f}",
            },
        }
        for n in range(200)
    ]
    entries = [
        {
            "ruleId": f"py/rule-{n % 200}",
            "ruleIndex": n % 200,
            "level": ["error", "warning", "note"][n % 3],
            "message": {"text": f"Untrusted data flows from [user input](1) into a sink at call {n}; " * 2},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": f"src/app/module_{n % 700}/handler_{n % 13}.py",
                            "index": 0,
                        },
                        "region": {
                            "startLine": 10 + n % 400,
                            "startColumn": 5,
                            "endColumn": 42,
                            "snippet": {"text": f"    cursor.execute(query_{n} % request.args['id'])\n"},
                        },
                    }
                }
            ],
            "partialFingerprints": {
                "primaryLocationLineHash": f"{n:016x}:1",
                "primaryLocationStartColumn": "5",
            },
            "properties": {"tags": ["security"], "repositoryNote": "generated for the parse benchmark"},
        }
        for n in range(results)
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "CodeQL", "semanticVersion": "2.15.0", "rules": rules}},
                "results": entries,
            }
        ],
    }
    path.write_text(json.dumps(log, indent=1), encoding="utf-8")  # ~93 MB for 100k, under the 100 MiB cap
    return path, results


def cobertura_file(path: Path, classes: int) -> tuple[Path, int]:
    """coverage.py-like Cobertura: classes of 40 lines, every fifth a branch; ~1.9 KB per class."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "https://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'
            f'<coverage version="7.4.0" timestamp="1700000000000" lines-valid="{classes * 40}" '
            'lines-covered="0" line-rate="0.8" branches-covered="0" branches-valid="0" branch-rate="0" '
            'complexity="0">\n'
            "  <sources><source>/home/runner/work/app/app/src</source></sources>\n  <packages>\n"
            '    <package name="app" line-rate="0.8" branch-rate="0" complexity="0">\n      <classes>\n'
        )
        for number in range(classes):
            lines = []
            for line in range(1, 41):
                hits = (number + line) % 4
                if line % 5 == 0:
                    lines.append(
                        f'            <line number="{line}" hits="{hits}" branch="true" '
                        f'condition-coverage="50% (1/2)" missing-branches="{line + 2}"/>\n'
                    )
                else:
                    lines.append(f'            <line number="{line}" hits="{hits}"/>\n')
            out.write(
                f'        <class name="module_{number}.py" '
                f'filename="app/pkg_{number % 90}/module_{number}.py" complexity="0" line-rate="0.75" '
                'branch-rate="0.5">\n          <methods/>\n          <lines>\n'
                + "".join(lines)
                + "          </lines>\n        </class>\n"
            )
        out.write("      </classes>\n    </package>\n  </packages>\n</coverage>\n")
    return path, classes
