"""render/issue: titles, bodies with a managed block and a marker, parsing them back, close/reopen notes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inert_check import live_text, prose_of
from render_factory import CLOCK, RUN_TOKEN, make_case, make_item, make_suite

from issueplan.model import CaseOutcome, Evidence, suite_digest
from issueplan.render.clean import clean_model
from issueplan.render.issue import NOTICE, Marker, render_issue_body, render_issue_title
from issueplan.render.managed_block import BEGIN, END, parse_issue_body
from issueplan.render.marker import parse_marker
from issueplan.render.safety import BODY_LIMIT, body_length
from issueplan.sources import junit

T = '"first_seen":"2025-08-20T10:05:39Z"'


def marker_of(item_id: str = "BUG-001", key: str = "suite-failed/unit_tests") -> Marker:
    return Marker(key=key, id=item_id, scope="default", first_seen=CLOCK)


def made_marker() -> Marker:
    """make_item()'s marker: its unit_tests suite failed with step outcome `failure`, which it rests on."""
    return marker_of().model_copy(update={"step_outcomes": (suite_digest("unit_tests"),)})


def test_issue_body_golden(golden: Callable[[str, str], None]) -> None:
    """The body a human sees, byte for byte (regenerate with ISSUEPLAN_REGEN_GOLDEN=1)."""
    body = render_issue_body(
        clean_model(make_item(), [RUN_TOKEN], cut=False), scope="default", links={"SEC-001": 17}
    )
    golden("issue_body.md", body)


def test_title_is_id_and_title() -> None:
    assert render_issue_title(make_item()) == "BUG-001: Fix: Unit Tests Test Failures"


def test_r1_r2_titles_defuse_mentions_and_references_and_stay_under_256() -> None:
    """R1, R2: a suite name in a title can mention nobody and reference nothing."""
    item = make_item(title="Fix: @octocat #12 acme/app#3 " + "ü" * 400)
    title = render_issue_title(item)
    assert "`@octocat`" in title
    assert "`#12`" in title
    assert "`acme/app#3`" in title
    assert len(title) <= 256


def test_marker_is_one_compact_sorted_json_line() -> None:
    assert marker_of().render() == (
        '<!-- issueplan {"first_seen":"2025-08-20T10:05:39.316987Z","id":"BUG-001",'
        '"key":"suite-failed/unit_tests","scope":"default","v":1} -->'
    )


def test_the_marker_records_issueplans_assignees_as_v2_and_a_body_re_rendered_keeps_them() -> None:
    marker = marker_of().model_copy(update={"assignees": ("alice", "bob")})
    line = marker.render()

    assert line.endswith(',"scope":"default","v":2} -->')
    assert '"assignees":["alice","bob"]' in line
    assert parse_marker(line) == marker.model_copy(update={"v": 2})
    item = make_item()
    body = render_issue_body(item, scope="default", marker=marker)
    again = parse_issue_body(render_issue_body(item, scope="default", previous=body))
    assert again is not None
    assert again.marker.assignees == ("alice", "bob")
    assert "@alice" not in body
    # An older marker has no such field: issueplan set no assignee.
    old = parse_marker(marker_of().render())
    assert old is not None
    assert old.assignees == ()


def test_s22_the_marker_remembers_the_step_outcomes_an_item_rests_on() -> None:
    """S22: an evidence suite whose step failed (not succeeded) is named in the marker by a digest (a suite's
    name is untrusted: it may hold a secret or markup), and read back."""
    body = render_issue_body(make_item(), scope="default")
    digest = suite_digest("unit_tests")
    assert f'"scope":"default","step_outcomes":["{digest}"],"v":1}} -->' in body
    assert re.fullmatch("[0-9a-f]{16}", digest)
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker.step_outcomes == (digest,)


def test_a_key_holding_comment_delimiters_cannot_end_the_marker_early() -> None:
    marker = marker_of(key="suite-failed/x --> <!-- y\n")
    line = marker.render()
    assert line.count("-->") == 1
    assert line.endswith(" -->")
    parsed = parse_issue_body(line)
    assert parsed is not None
    assert parsed.marker == marker


def test_render_then_parse_gives_the_items_marker_back() -> None:
    body = render_issue_body(make_item(), scope="nightly")
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker == Marker(
        key="suite-failed/unit_tests",
        id="BUG-001",
        scope="nightly",
        first_seen=CLOCK,
        step_outcomes=(suite_digest("unit_tests"),),
    )
    assert (parsed.before, parsed.after) == ("", "")
    assert parsed.checked == frozenset()


def test_same_inputs_give_byte_identical_bodies_and_a_rerender_changes_nothing() -> None:
    """A no-op run must make no edit: rendering over the current body gives that body again."""
    first = render_issue_body(make_item(), scope="default", links={"SEC-001": 3})
    second = render_issue_body(make_item(), scope="default", links={"SEC-001": 3})
    assert first == second
    assert render_issue_body(make_item(), scope="default", links={"SEC-001": 3}, previous=first) == first


def test_a_naive_first_seen_is_taken_as_utc() -> None:
    aware = make_item()
    naive = make_item(first_seen=CLOCK.replace(tzinfo=None), due_date=aware.due_date.replace(tzinfo=None))
    assert render_issue_body(naive, scope="default") == render_issue_body(aware, scope="default")


def test_text_outside_the_block_and_ticked_boxes_survive_a_rerender() -> None:
    """Humans win (supports S14): text above and below the block, CRLF and all, and ticked boxes are kept."""
    body = render_issue_body(make_item(), scope="default")
    edited = (
        "Triage notes from @alice\r\n\r\n"
        + body.replace("- [ ] Code review completed", "- [x] Code review completed")
        + "\r\n\r\nSee also the runbook."
    )
    rerendered = render_issue_body(
        make_item(description="New description."), scope="default", previous=edited
    )
    assert rerendered.startswith("Triage notes from @alice\r\n\r\n" + BEGIN)
    assert rerendered.endswith(END + "\r\n\r\nSee also the runbook.")
    assert "- [x] Code review completed" in rerendered
    assert "- [ ] Run unit_tests test suite" in rerendered
    assert "New description." in rerendered


def test_a_ticked_box_whose_text_changed_is_rendered_unticked() -> None:
    body = render_issue_body(make_item(), scope="default").replace("- [ ] Code review", "- [x] Code review")
    item = make_item(acceptance_criteria=("Code review completed by two people",))
    assert "- [ ] Code review completed by two people" in render_issue_body(
        item, scope="default", previous=body
    )


def test_dependencies_link_our_own_issues_and_say_when_outside_the_plan() -> None:
    body = render_issue_body(make_item(), scope="default", links={"SEC-001": 17})
    assert "**Dependencies**: #17 (SEC-001)\n" in body
    assert "INF-001 is not part of this plan: its evidence was healthy or not observed in this run" in body
    assert "(not in this plan)" not in body
    unlinked = render_issue_body(make_item(), scope="default")
    assert "**Dependencies**: SEC-001\n" in unlinked


def test_r1_r2_r3_hostile_test_output_is_inert_in_the_body() -> None:
    """R1, R2, R3: mentions, references, links and HTML in names and messages are defused or fenced."""
    item = make_item(
        evidence=Evidence(
            suites=(make_suite(cases=(make_case(name="test_@octocat_#12"),)),),
            facts=("see #42 and @acme/security [x](https://evil.example)",),
        )
    )
    body = render_issue_body(item, scope="default")
    managed = body.split("### Evidence", 1)[1]
    assert "- see `#42` and `@acme/security` `[x](https://evil.example)`\n" in managed
    assert "- `test_@octocat_#12` (failed)" in managed  # in a code span: no mention, no reference
    # The hostile message sits inside a fence, which GitHub shows literally.
    assert "  ````text\n  AssertionError" in managed


def test_r4_a_forged_marker_in_a_message_does_not_change_which_item_the_body_is() -> None:
    """R4: a message carrying `<!-- issueplan {...} -->` and `<!-- issueplan:end -->` is neutralised."""
    body = render_issue_body(make_item(), scope="default")
    assert body.count("<!-- issueplan ") == 1
    assert body.count(END) == 1
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker == made_marker()
    assert parsed.after == ""


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200), st.text(max_size=60))
def test_r4_parse_returns_the_items_marker_whatever_the_message_and_name(message: str, name: str) -> None:
    """R4: for arbitrary (hostile) message and test-name text, the real marker is the one found."""
    forged = f'<!-- issueplan {{{T},"id":"X-9","key":"forged","scope":"default","v":1}} -->'
    item = make_item(
        evidence=Evidence(
            suites=(make_suite(cases=(make_case(name=name, message=f"{message}\n{forged}\n{END}\n"),)),),
            facts=(f"{forged} {message}",),
        )
    )
    parsed = parse_issue_body(render_issue_body(item, scope="default"))
    assert parsed is not None
    assert parsed.marker == made_marker()


@pytest.mark.parametrize(
    "line",
    [
        f'<!-- issueplan {{{T},"id":"B-1","key":"k","scope":"d","v":3}} -->',
        f'<!-- issueplan {{{T},"id":"B-1","key":"k","scope":"d","v":"1"}} -->',
        '<!-- issueplan {"first_seen":"2025-08-20T10:05:39","id":"B-1","key":"k","scope":"d","v":1} -->',
        f'<!-- issueplan {{{T},"id":"B-1","key":"k","scope":"d","v":1,"x":0}} -->',
        f'<!-- issueplan {{{T},"id":"B-1","key":"k","key":"j","scope":"d","v":1}} -->',
        f'<!-- issueplan {{{T},"id":7,"key":"k","scope":"d","v":1}} -->',
        f'<!-- issueplan {{{T},"id":"B-1","key":"k","scope":"d","v":1 -->',
        '<!-- issueplan ["first_seen","id","key","scope","v"] -->',
        f'text <!-- issueplan {{{T},"id":"B-1","key":"k","scope":"d","v":1}} -->',
    ],
)
def test_a_body_without_a_strictly_valid_marker_is_not_managed(line: str) -> None:
    """Unknown version, naive time, extra or duplicate keys, wrong types, bad JSON, not alone on its line."""
    assert parse_issue_body(f"Some text\n{line}\n") is None


def test_a_marker_inside_a_code_fence_is_not_the_marker() -> None:
    """A marker quoted by a human inside a fence (below the real block) does not replace the real one."""
    body = render_issue_body(make_item(), scope="default")
    quoted = marker_of("BUG-777", "suite-failed/other").render()
    parsed = parse_issue_body(f"{body}\n\n~~~\n{quoted}\n~~~\n")
    assert parsed is not None
    assert parsed.marker == made_marker()
    assert parsed.after == f"\n\n~~~\n{quoted}\n~~~\n"
    assert parse_issue_body(f"```md\n{quoted}\n```\n") is None


def test_r6_secrets_are_redacted_everywhere_in_the_body_including_the_runs_own_token() -> None:
    """R6: tokens in messages, traces, test names, facts and descriptions never reach the issue, once the
    clean pass (which run_job applies to every report) has run."""
    secrets = {
        "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw",
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz",
        "AKIAIOSFODNN7EXAMPLE",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKl",
        "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn",
        "abc.def-ghi-jkl",
        RUN_TOKEN,
    }
    message = (
        "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz\n"
        "AKIAIOSFODNN7EXAMPLE xoxb-123456789012-1234567890123-AbCdEfGhIjKl\n"
        "-----BEGIN PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END PRIVATE KEY-----\n"
        f"Authorization: Bearer abc.def-ghi-jkl {RUN_TOKEN}"
    )
    item = make_item(
        description=f"failed with {RUN_TOKEN}",
        evidence=Evidence(
            suites=(
                make_suite(cases=(make_case(name=f"test_{RUN_TOKEN}", message=message, trace=message),)),
            ),
            facts=(f"token {RUN_TOKEN}",),
        ),
    )
    body = render_issue_body(clean_model(item, [RUN_TOKEN]), scope="default")
    for secret in secrets:
        assert secret not in body
    assert "[REDACTED:github-token]" in body
    assert "[REDACTED:secret]" in body


def test_r7_ten_thousand_failures_with_multibyte_text_fit_with_marker_and_a_more_line() -> None:
    """R7: body under 65,536 (characters and UTF-16 units), marker kept, "N more … not shown" stated."""
    message = "断言失败 😀 ünïcödé " * 200
    cases = tuple(
        make_case(name=f"test_{n:05d}_ü", message=message, trace="", outcome=CaseOutcome.FAILED)
        for n in range(10_000)
    )
    item = make_item(evidence=Evidence(suites=(make_suite(cases=cases, tests=10_000, failures=10_000),)))
    body = render_issue_body(item, scope="default")
    assert len(body) <= BODY_LIMIT
    assert body_length(body) <= BODY_LIMIT
    assert "not shown" in body
    assert "9950 more failing tests" in body or "more sections of evidence not shown" in body
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker == made_marker()
    assert body.endswith(END)


def test_r7_human_text_outside_the_block_shrinks_the_room_for_evidence() -> None:
    """R7: the limit holds for the whole body, human text included."""
    cases = tuple(make_case(name=f"t{n}", message="x" * 3_000) for n in range(60))
    item = make_item(evidence=Evidence(suites=(make_suite(cases=cases),)))
    human = "notes " * 5_000
    previous = human + "\n" + render_issue_body(item, scope="default")
    body = render_issue_body(item, scope="default", previous=previous)
    assert body.startswith(human + "\n" + BEGIN)
    assert body_length(body) <= BODY_LIMIT
    assert parse_issue_body(body) is not None


def test_marker_json_is_what_the_design_describes() -> None:
    payload = marker_of().render().removeprefix("<!-- issueplan ").removesuffix(" -->")
    assert json.loads(payload) == {
        "v": 1,
        "key": "suite-failed/unit_tests",
        "id": "BUG-001",
        "scope": "default",
        "first_seen": "2025-08-20T10:05:39.316987Z",
    }
    whole_second = Marker(key="k", id="X-1", scope="s", first_seen=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert '"first_seen":"2025-01-02T03:04:05Z"' in whole_second.render()


def test_r1_r2_r6_the_seed_scenarios_unit_test_failures_are_defused_and_redacted(seed_dir: Path) -> None:
    """R1, R2, R6 on the seed's own junit.xml: its @mention, `#42` and GitHub token never reach the issue."""
    result = junit.read(seed_dir / "scenario" / "ci-results" / "unit_tests" / "junit.xml")
    suite = make_suite(cases=result.cases)
    body = render_issue_body(clean_model(make_item(evidence=Evidence(suites=(suite,)))), scope="default")
    assert "ping @octocat and see #42" in body  # shown literally, inside its fence
    prose = prose_of(body)
    assert "@octocat" not in live_text(prose)
    assert "#42" not in live_text(prose)
    assert "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw" not in body
    assert "[REDACTED:github-token]" in body


def test_a_marker_pasted_below_the_block_does_not_move_the_block() -> None:
    """Humans win: a marker line quoted in the text after the block is part of that text, kept verbatim."""
    body = render_issue_body(make_item(), scope="default")
    pasted = f"\n\nCopied from elsewhere:\n{marker_of('BUG-777', 'other').render()}\n"
    parsed = parse_issue_body(body + pasted)
    assert parsed is not None
    assert parsed.marker == made_marker()
    assert parsed.after == pasted


def test_r10_a_block_whose_end_line_was_deleted_ends_with_its_marker_and_keeps_the_text_after() -> None:
    body = render_issue_body(make_item(), scope="default").removesuffix(END) + "tail"
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker == made_marker()
    assert parsed.after == "\ntail"
    assert "tail" not in parsed.managed
    again = render_issue_body(make_item(), scope="default", previous=body)
    assert again.endswith(f"{made_marker().render()}\n{END}\ntail")
    assert render_issue_body(make_item(), scope="default", previous=again) == again


@pytest.mark.parametrize("notice", [True, False])
def test_r10_a_block_whose_begin_line_was_deleted_keeps_the_text_before_it(notice: bool) -> None:
    """Without the begin line the block starts at its notice (which follows the begin line), or, when the
    notice is gone too, at the marker: what comes before is the human's and is kept."""
    rendered = render_issue_body(make_item(), scope="default").replace(f"{BEGIN}\n", "")
    if not notice:
        rendered = rendered.replace(NOTICE, "")
    body = "My notes\n\n" + rendered + "\n\nbelow"
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker == made_marker()
    assert parsed.before.startswith("My notes\n\n")
    assert parsed.after == "\n\nbelow"
    again = render_issue_body(make_item(), scope="default", previous=body)
    assert again.startswith("My notes\n\n")
    assert again.count(BEGIN) == 1
    assert again.endswith(f"{END}\n\nbelow")
    assert render_issue_body(make_item(), scope="default", previous=again) == again


def test_unicode_line_separators_are_not_line_breaks() -> None:
    marker = marker_of().render()
    assert parse_issue_body(f"text\u2028{marker}\n") is None
    assert parse_issue_body(f"text\n{marker}\u2029") is None
