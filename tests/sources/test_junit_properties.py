"""Generated JUnit documents (random nesting, dialect quirks, outcome mix, wrong declared counts, non-ASCII
names) read back to the counts they were generated with."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.sources import junit

OUTCOME_XML = {
    "passed": ["", "<system-out>ok</system-out>", '<properties><property name="a" value="b"/></properties>'],
    "failed": [
        '<failure message="m">trace</failure>',
        "<failure/><skipped/>",
        "<failure><![CDATA[x < y]]></failure>",
    ],
    "error": ['<error type="E"/>', "<failure/><error/>", "<error>oops</error><system-err>e</system-err>"],
    "skipped": ["<skipped/>", '<skipped message="later"/>'],
    "flaky": ['<flakyFailure message="m"><stackTrace>t</stackTrace></flakyFailure>', "<flakyError/>"],
}
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


@dataclass
class Expected:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_XML, 0))
    serial: int = 0


@st.composite
def suites(draw: st.DrawFn, expected: Expected, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            parts.append(draw(suites(expected, depth + 1)))
            continue
        outcome = draw(st.sampled_from(sorted(OUTCOME_XML)))
        body = draw(st.sampled_from(OUTCOME_XML[outcome]))
        expected.counts[outcome] += 1
        expected.serial += 1
        # a serial number keeps generated names unique, so no two neighbours look like reruns of one test
        name = quoteattr(f"{draw(names)} #{expected.serial}")
        time = draw(st.sampled_from(['time="0.1"', 'time="-3"', 'time="garbage"', ""]))
        parts.append(f"<testcase classname={quoteattr(draw(names))} name={name} {time}>{body}</testcase>")
    declared = draw(st.sampled_from(["", 'tests="999"', 'tests="0" failures="7"']))
    return f"<testsuite name={quoteattr(draw(names))} {declared}>{''.join(parts)}</testsuite>"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_generated_reports_read_back_to_their_counts(data: st.DataObject) -> None:
    expected = Expected()
    inner = "".join(data.draw(suites(expected)) for _ in range(data.draw(st.integers(1, 3))))
    document = data.draw(
        st.sampled_from(
            [
                f"<testsuites>{inner}</testsuites>",
                inner if inner.count("<testsuite ") == 1 else f"<testsuites>{inner}</testsuites>",
            ]
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.xml"
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + document, encoding="utf-8")
        result = junit.read(path)
    assert result.totals is not None, result.problems
    totals = result.totals
    counts = expected.counts
    assert (totals.tests, totals.failures, totals.errors, totals.skipped, totals.flaky) == (
        sum(counts.values()),
        counts["failed"],
        counts["error"],
        counts["skipped"],
        counts["flaky"],
    )
    assert len(result.cases) == sum(counts.values()) - counts["passed"]
    assert all("parsing stopped" not in problem.message for problem in result.problems)
