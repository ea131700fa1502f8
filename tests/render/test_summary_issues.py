"""render/summary_issues and the summary's triage parts: every issue a run touched, by number and linked;
"would" in a dry run; suites in their real state; no instant finer than a minute."""

from __future__ import annotations

import re

import pytest
from render_factory import make_plan, make_suite

from issueplan.model import RunReport, Scan, SuiteStatus
from issueplan.render.summary import render_summary
from issueplan.render.summary_issues import issues_url
from issueplan.tracker.changes import CloseIssue, CreateIssue, CreateLabel, ReopenIssue, UpdateIssue
from issueplan.tracker.results import Fate, OperationResult, SyncResult

URL = "https://github.com/octo/demo/issues"


def _sync(fate: Fate, *, numbers: dict[str, int] | None = None) -> SyncResult:
    operations = (
        CreateLabel(name="issueplan", color="ededed", description=""),
        CreateIssue(key="rule/SEC-001", id="SEC-001", title="t", body="b", labels=()),
        UpdateIssue(number=6, key="suite-failed/unit_tests", id="BUG-001", body="new"),
        ReopenIssue(number=9, key="rule/SEC-002", id="SEC-002", comment="back"),
        CloseIssue(number=4, key="suite-failed/api_tests", id="BUG-007", comment="fixed"),
    )
    return SyncResult(
        operations=tuple(OperationResult(operation=op, fate=fate) for op in operations),
        issues=numbers or {},
    )


def _changed(text: str) -> list[str]:
    section = text.split("### Issues changed in this run\n\n", 1)[1].split("\n\n", 1)[0]
    return section.splitlines()[2:]


def test_every_issue_the_run_created_updated_reopened_or_closed_is_listed_and_linked() -> None:
    sync = _sync(Fate.APPLIED, numbers={"SEC-001": 12, "BUG-001": 6, "SEC-002": 9})
    text = render_summary(make_plan(), sync=sync, issues_url=URL)
    assert _changed(text) == [
        f"| [#12]({URL}/12) | SEC-001 | Implement Comprehensive Security Testing | created |",
        f"| [#6]({URL}/6) | BUG-001 | Fix: Unit Tests Test Failures | updated |",
        f"| [#9]({URL}/9) | SEC-002 | Enhance Data Protection Measures | reopened |",
        f"| [#4]({URL}/4) | BUG-007 |  | closed |",
    ]
    # The item table shows each item's issue too (an item without one says so).
    assert f"| [#12]({URL}/12) | SEC-001 | Implement Comprehensive Security Testing |" in text
    assert "| new | PERF-002 |" in text


def test_a_dry_run_says_what_a_real_run_would_do_and_numbers_without_a_link_where_the_repo_is_unknown() -> (
    None
):
    text = render_summary(make_plan(), sync=_sync(Fate.PLANNED))
    assert [row.split(" | ")[-1] for row in _changed(text)] == [
        "would create |",
        "would update |",
        "would reopen |",
        "would close |",
    ]
    assert _changed(text)[0].startswith("| new | SEC-001 |")
    assert _changed(text)[1].startswith("| #6 | BUG-001 |")


def test_failed_and_left_writes_say_so() -> None:
    failed = render_summary(make_plan(), sync=_sync(Fate.FAILED))
    left = render_summary(make_plan(), sync=_sync(Fate.LEFT))
    assert "| failed to update |" in failed
    assert "| update: left for the next run |" in left


def test_a_sync_that_changed_nothing_says_so_and_a_plan_only_run_has_no_issue_column() -> None:
    assert "None: the issues already match the plan." in render_summary(make_plan(), sync=SyncResult())
    plan_only = render_summary(make_plan())
    assert "### Issues changed" not in plan_only
    assert "| ID | Title | Priority | Team | Due date |" in plan_only


def test_a_suite_whose_scanners_report_findings_is_not_shown_as_passed() -> None:
    suites = (
        make_suite("security_tests", cases=(), status=SuiteStatus.PASSED, failures=0, errors=0,
                   files=("r/security_tests/bandit.sarif", "r/security_tests/junit.xml")),
        make_suite("unit_tests", cases=(), files=("r/unit_tests/junit.xml", "r/unit_tests/lint.sarif")),
        make_suite("api_tests", cases=(), status=SuiteStatus.PASSED, failures=0, errors=0),
    )  # fmt: skip
    scans = (
        Scan(tool="Bandit", file="r/security_tests/bandit.sarif", findings=6),
        Scan(tool="ESLint", file="r/unit_tests/lint.sarif", findings=1),
        Scan(tool="pip-audit", file="elsewhere/audit.json", findings=3),
    )
    text = render_summary(make_plan(), RunReport(suites=suites, scans=scans))
    states = dict(re.findall(r"^\| (\w+) \| unit \| ([^|]+) \|", text, flags=re.MULTILINE))
    assert states == {
        "api_tests": "✅ passed",
        "security_tests": "⚠️ 6 findings",
        "unit_tests": "❌ failed, 1 finding",
    }


def test_the_summary_shows_dates_and_minutes_never_seconds_or_microseconds() -> None:
    text = render_summary(make_plan(), sync=_sync(Fate.APPLIED), issues_url=URL)
    assert not re.search(r"\d:\d\d:\d\d|T\d\d:\d\d", text)
    assert "generated 2025-08-20 10:05 UTC" in text
    assert "| 2025-08-23 (due in 3 days) |" in text


@pytest.mark.parametrize(
    ("api", "run", "expected"),
    [
        ("https://api.github.com", None, "https://github.com/octo/demo/issues"),
        ("https://ghe.example.com/api/v3", None, "https://ghe.example.com/octo/demo/issues"),
        ("https://api.acme.ghe.com", None, "https://acme.ghe.com/octo/demo/issues"),
        ("http://127.0.0.1:8080", None, None),
        ("http://127.0.0.1:8080", "https://github.com/octo/demo/actions/runs/7", URL),
        ("http://127.0.0.1:8080", "https://github.com/other/repo/actions/runs/7", None),
    ],
)
def test_the_issues_page_comes_from_the_runs_server_else_the_api(
    api: str, run: str | None, expected: str | None
) -> None:
    assert issues_url(api, "octo/demo", run) == expected
    assert issues_url(api, None, run) is None
