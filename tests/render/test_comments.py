"""The comments on a change of state, in words: what the run observed (the suite's or scanner's facts),
in which run at which commit (linked), never an internal key, with the hidden per-run event line."""

from __future__ import annotations

from datetime import UTC, datetime

from render_factory import make_finding, make_item

from issueplan.model import Evidence, HealthyFact, Severity
from issueplan.render.comments import RunEvent, RunPlace, render_close_comment, render_reopen_comment
from issueplan.render.links import SourceLinks

RUN_42 = "https://github.com/acme/app/actions/runs/42"
SHA = "abc1234def5678abc1234def5678abc1234def56"


def place(event: str = "close", **links: str) -> RunPlace:
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    source = SourceLinks(repo="acme/app", sha=SHA) if links.get("sha") else None
    happened = RunEvent(event=event, id="BUG-001", at=at, run="42")
    return RunPlace(event=happened, run_url=links.get("url"), links=source)


def test_close_comment_says_what_the_suite_showed_in_which_run_at_which_commit() -> None:
    facts = [HealthyFact(subjects=("unit_tests",), outcome="all 128 tests passed (thanks @bob, see #3)")]
    comment = render_close_comment(facts, place(url=RUN_42, sha="yes"))
    assert comment.startswith(
        f"issueplan closed this issue: `unit_tests` ran in [run 42]({RUN_42}) at commit "
        f"[`abc1234`](https://github.com/acme/app/commit/{SHA}): all 128 tests passed (thanks `@bob`, see "
        "`#3`).\n"
    )
    hidden = '{"at":"2026-12-02T09:00:00Z","event":"close","id":"BUG-001","run":"42"}'
    assert comment.endswith(f"\n<!-- issueplan:event {hidden} -->\n"), "the per-run event line"


def test_close_comment_lists_several_observations_and_the_healthy_streak() -> None:
    facts = [
        HealthyFact(subjects=("security_tests",), outcome="all 2 tests passed"),
        HealthyFact(
            subjects=("Bandit", "pip-audit"), outcome="none of this issue's findings is reported any more"
        ),
        HealthyFact(
            verb="the checkout was read", outcome="it has a CI configuration: .github/workflows/ci.yml"
        ),
    ]
    comment = render_close_comment(
        facts, place(), healthy_runs=3, healthy_since=datetime(2026, 11, 30, tzinfo=UTC)
    )
    assert comment.startswith(
        "issueplan closed this issue: everything it tracks was found healthy in run 42:\n\n"
        "- `security_tests` ran: all 2 tests passed\n"
        "- `Bandit` and `pip-audit` ran: none of this issue's findings is reported any more\n"
        "- the checkout was read: it has a CI configuration: .github/workflows/ci.yml\n"
        "\nIt was healthy in 3 runs in a row since 2026-11-30.\n"
    )


def test_a_run_url_that_is_not_plain_https_is_not_made_a_link() -> None:
    comment = render_close_comment([], place(url="javascript:alert(1)"))
    assert "](" not in comment
    assert comment.startswith(
        "issueplan closed this issue: what it tracks was observed in run 42 and found healthy."
    )


def test_reopen_comment_says_which_suite_failed_again_with_its_failing_tests() -> None:
    closed_on = datetime(2026, 12, 1, tzinfo=UTC)
    comment = render_reopen_comment(make_item(), place("reopen", url=RUN_42), closed_on=closed_on)
    assert comment.startswith(
        f"issueplan reopened this issue: `unit_tests` failed again in [run 42]({RUN_42}): "
        "4 failing tests of 128 ("
    )
    assert "\nIt was closed on 2026-12-01.\n" in comment
    assert "suite-failed/" not in comment


def test_reopen_comment_of_a_findings_item_names_the_scanners_and_severities() -> None:
    findings = (
        make_finding(tool="Bandit", severity=Severity.HIGH),
        make_finding(tool="pip-audit", severity=Severity.MEDIUM, fingerprint="f2"),
    )
    item = make_item(evidence=Evidence(findings=findings))
    comment = render_reopen_comment(item, place("reopen"))
    assert comment.startswith(
        "issueplan reopened this issue: `Bandit` and `pip-audit` report 2 findings again in run 42: "
        "1 high, 1 medium.\n"
    )


def test_a_reopen_that_makes_the_issue_flaky_says_so_and_how_to_undo_it() -> None:
    comment = render_reopen_comment(make_item(), place("reopen"), flaky=("flaky", 2, 10))
    assert (
        "It was reopened 2 times in 10 days, so it is labelled `flaky`: issueplan will no longer close it on "
        "its own. Remove the label to let it close again once the cause is fixed." in comment
    )
