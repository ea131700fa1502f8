"""render/summary: the job summary: status, items, suites, findings, unreadable files; capped in size."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from inert_check import assert_inert
from render_factory import CLOCK, make_case, make_finding, make_item, make_plan, make_suite

from issueplan.model import Case, CaseOutcome, OverallStatus, Problem, RunReport, Severity, SuiteStatus
from issueplan.render.links import SourceLinks
from issueplan.render.safety import body_length
from issueplan.render.summary import ROW_LIMIT, SUMMARY_LIMIT, render_summary


def test_summary_golden(golden: Callable[[str, str], None]) -> None:
    golden("summary.md", render_summary(make_plan()))


def test_the_status_line_carries_an_emoji_per_status() -> None:
    plan = make_plan()
    expected = {
        OverallStatus.CRITICAL_FAILURE: "🔴",
        OverallStatus.FAILING: "🟠",
        OverallStatus.DEGRADED: "🟡",
        OverallStatus.HEALTHY: "🟢",
    }
    for status, emoji in expected.items():
        text = render_summary(plan.model_copy(update={"overall_status": status}))
        assert text.startswith(f"## {emoji} issueplan: {status}\n")


def test_suites_findings_and_problems_come_from_the_report_when_given() -> None:
    report = RunReport(
        suites=(
            make_suite(cases=()),
            make_suite(
                "frontend_tests", cases=(), has_report=False, tests=0, failures=0, errors=0, skipped=0
            ),
            make_suite("api_tests", cases=(), status=SuiteStatus.PASSED, failures=0, errors=0),
        ),
        findings=(make_finding(), make_finding("B105"), make_finding("B608", severity=Severity.CRITICAL)),
        problems=(Problem(file="ci-results/x.sarif", message="nested too deep"),),
    )
    text = render_summary(make_plan(), report)
    suites = re.findall(
        r"^\| (\w+) \| unit \| (\S+ \w+) \|.*\| (yes|\*\*no\*\*) \|$", text, flags=re.MULTILINE
    )
    assert suites == [
        ("api_tests", "✅ passed", "yes"),
        ("frontend_tests", "❌ failed", "**no**"),
        ("unit_tests", "❌ failed", "yes"),
    ]
    assert "| critical | 1 |\n| high | 2 |\n" in text
    assert "- `ci-results/x.sarif`: nested too deep" in text
    assert "broken.xml" not in text


def test_hostile_names_cannot_break_the_tables_or_mention_anyone() -> None:
    """R1, R2: a suite name or title with pipes, mentions and references stays in its cell, inert."""
    item = make_item(title="Fix | @octocat | #12")
    report = RunReport(suites=(make_suite("x|@bob|#3", cases=()),))
    text = render_summary(make_plan().model_copy(update={"items": (item,)}), report)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) in (7, 11), row
    assert_inert(text)


def test_a_huge_plan_shows_the_first_rows_of_each_table_and_still_lists_problems() -> None:
    items = tuple(
        make_item(f"BUG-{n:05d}", key=f"k/{n}", due_date=CLOCK + timedelta(days=n % 30)) for n in range(5_000)
    )
    text = render_summary(make_plan().model_copy(update={"items": items}))
    assert body_length(text) <= SUMMARY_LIMIT
    assert len(re.findall(r"^\| BUG-", text, flags=re.MULTILINE)) == ROW_LIMIT
    assert f"_… {5_000 - ROW_LIMIT} more action items not shown._" in text
    assert "- `ci-results/broken.xml:3`: not well-formed" in text


def test_the_summary_never_exceeds_its_cap() -> None:
    items = tuple(make_item(f"BUG-{n:05d}", key=f"k/{n}", title="ü" * 200) for n in range(1_000))
    text = render_summary(make_plan().model_copy(update={"items": items}), limit=20_000)
    assert body_length(text) <= 20_000
    assert "more parts not shown (size limit)" in text


def test_flaky_tests_are_listed_although_they_fail_no_suite() -> None:
    """A flaky case makes no item (its suite passed), so the summary is where a reader sees it — safely."""
    flaky = Case(classname="tests.unit.test_cart", name="test_total @alice #12", outcome=CaseOutcome.FLAKY)
    failing = Case(classname="tests.unit.test_cart", name="test_vat", outcome=CaseOutcome.FAILED)
    suite = make_suite("unit_tests", cases=(flaky, failing), status=SuiteStatus.PASSED, flaky=1)
    text = render_summary(make_plan(), RunReport(suites=(suite,)))
    section = text.split("### Flaky tests", 1)[1].split("###", 1)[0]
    assert "test_total" in section
    assert "test_vat" not in section, "only flaky cases are listed there"
    assert_inert(section)
    assert "### Flaky tests" not in render_summary(make_plan(), RunReport(suites=(make_suite(),)))


def test_failing_tests_and_findings_link_to_their_lines_at_the_commit() -> None:
    """Issue 13: the summary's failing tests and groups of findings link like issue bodies do; a path
    outside the repository or a package path no report placed is shown, not linked; a pipe in a path
    cannot split its cell."""
    sha = "0123456789abcdef0123456789abcdef01234567"
    links = SourceLinks(repo="octo/demo", sha=sha)
    cases = (
        make_case("test_total", classname="tests.test_cart", file="tests/test_cart.py", line=42),
        make_case("t", classname="com.acme.CartTest", file="com/acme/Cart.java", line=7, path_known=False),
        make_case("p", classname="x", file="tests/a|b.py", line=3),
    )
    report = RunReport(
        suites=(make_suite(cases=cases, failures=3, errors=0),),
        findings=(make_finding(), make_finding("B105", path="/usr/lib/python3/x.py", line=3)),
    )
    text = render_summary(make_plan(), report, links=links)
    blob = f"https://github.com/octo/demo/blob/{sha}/"
    assert f"| [`tests/test_cart.py:42`]({blob}tests/test_cart.py#L42) |" in text
    assert "| `com/acme/Cart.java:7` |" in text
    assert f"[`tests/a\\|b.py:3`]({blob}tests/a%7Cb.py#L3)" in text
    assert f"| [`app/crypto.py:12`]({blob}app/crypto.py#L12) |" in text, "the group's first location"
    assert "### Failing tests" in text
    assert "### Findings by rule" in text
    assert "| `/usr/lib/python3/x.py:3` |" in text, "outside the checkout: shown, not linked"
    assert "blob" not in render_summary(make_plan(), report), "no commit known: no link"
