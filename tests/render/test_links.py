"""render/links: where a body's locations and its run link to, and how bodies compare without those links."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from render_factory import make_case, make_finding, make_item, make_suite

from issueplan.errors import UsageError
from issueplan.model import ActionItem, Evidence
from issueplan.render.issue import render_issue_body
from issueplan.render.links import (
    SourceLinks,
    last_seen_line,
    read_source_links,
    source_links,
    without_source_links,
)
from issueplan.render.managed_block import parse_issue_body

SHA_A = "0123456789abcdef0123456789abcdef01234567"
SHA_B = "fedcba9876543210fedcba9876543210fedcba98"
AT_A = SourceLinks(
    repo="octo/demo", sha=SHA_A, run_url="https://github.com/octo/demo/actions/runs/41", roots=("/w/demo",)
)
AT_B = AT_A.model_copy(update={"sha": SHA_B, "run_url": "https://github.com/octo/demo/actions/runs/42"})


def linked_item() -> ActionItem:
    cases = (
        make_case(),
        make_case("test_absolute", file="/w/demo/tests/unit/test_abs.py", line=7),
        make_case("test_outside", file="/usr/lib/python3/x.py", line=3),
        make_case("test_jvm", file="com/acme/Cart.java", line=42, path_known=False),
    )
    evidence = Evidence(suites=(make_suite(cases=cases),), findings=(make_finding(),))
    return make_item(evidence=evidence)


def test_issue_body_with_links_golden(golden: Callable[[str, str], None]) -> None:
    """The body a human sees when the run knows its commit and run (regenerate: ISSUEPLAN_REGEN_GOLDEN=1)."""
    golden("issue_body_links.md", render_issue_body(linked_item(), scope="default", source_links=AT_A))


def test_locations_link_to_their_line_at_the_commit_and_only_inside_the_repository() -> None:
    body = render_issue_body(linked_item(), scope="default", source_links=AT_A)
    blob = f"https://github.com/octo/demo/blob/{SHA_A}/"
    assert f"[`tests/unit/test_billing.py:42`]({blob}tests/unit/test_billing.py#L42)" in body
    assert f"[`/w/demo/tests/unit/test_abs.py:7`]({blob}tests/unit/test_abs.py#L7)" in body
    assert f"[`app/crypto.py:12`]({blob}app/crypto.py#L12)" in body
    assert " at `/usr/lib/python3/x.py:3`" in body, "outside the checkout: text, no link"
    assert " at `com/acme/Cart.java:42`" in body, "a package path with no known root: text, no link"
    # the three locations, and the headings of the two groups of tests by a file of the repository
    assert len(re.findall(r"/blob/", body)) == 5


def test_every_body_says_which_run_last_saw_it_at_which_commit() -> None:
    body = render_issue_body(linked_item(), scope="default", source_links=AT_A)
    expected = (
        "_Last seen in [run 41](https://github.com/octo/demo/actions/runs/41) at commit "
        f"[`0123456`](https://github.com/octo/demo/commit/{SHA_A})._\n\n"
    )
    assert expected in body
    assert last_seen_line(None) == last_seen_line(SourceLinks()) == ""
    assert last_seen_line(SourceLinks(run_url="https://ci.example.com/job/7")) == (
        "_Last seen in [this run](https://ci.example.com/job/7)._\n\n"
    )


def test_without_links_a_body_is_byte_identical_to_one_rendered_before_links_existed() -> None:
    item = linked_item()
    assert render_issue_body(item, scope="default", source_links=SourceLinks()) == render_issue_body(
        item,
        scope="default",
    )


def test_s1_bodies_at_two_commits_compare_equal_without_their_links_and_a_real_change_does_not() -> None:
    item = linked_item()
    at_a = render_issue_body(item, scope="default", source_links=AT_A)
    at_b = render_issue_body(item, scope="default", source_links=AT_B, previous=at_a)
    plain = render_issue_body(item, scope="default")
    assert at_a != at_b
    assert without_source_links(at_a) == without_source_links(at_b) == plain
    changed = make_item(evidence=Evidence(suites=(make_suite(failures=4),)))
    assert without_source_links(render_issue_body(changed, scope="default", source_links=AT_B)) != (
        without_source_links(at_a)
    )


def test_a_humans_text_and_ticks_survive_and_compare_as_they_are() -> None:
    at_a = render_issue_body(make_item(), scope="default", source_links=AT_A)
    human = at_a.replace("- [ ] Code review completed", "- [x] Code review completed") + "\n\nSee the log."
    at_b = render_issue_body(make_item(), scope="default", source_links=AT_B, previous=human)
    assert at_b.endswith("\n\nSee the log.")
    assert "- [x] Code review completed" in at_b
    assert without_source_links(at_b) == without_source_links(human)


_PATHS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)


@given(path=_PATHS, line=st.integers(min_value=1, max_value=10**6), message=st.text(max_size=200))
def test_r3_any_path_or_message_links_only_to_the_repository_and_strips_back_to_the_plain_body(
    path: str, line: int, message: str
) -> None:
    """R3: a path from a report cannot end its link or add markup (it is percent-encoded, or not linked);
    and whatever the report says, the body without links is the body rendered with none."""
    case = make_case(file=path, line=line, message=message)
    item = make_item(
        evidence=Evidence(suites=(make_suite(cases=(case,)),), findings=(make_finding(path=path),))
    )
    body = render_issue_body(item, scope="default", source_links=AT_A)
    for url in re.findall(r"\]\((https?://[^)]*)\)", body):
        assert url.startswith(("https://github.com/octo/demo/", "https://cwe.mitre.org/")), url
        assert not re.search(r"\s", url)
    if "`" not in path:
        assert without_source_links(body) == render_issue_body(item, scope="default")
    assert parse_issue_body(body) is not None


@pytest.mark.parametrize(
    ("kwargs", "env", "named"),
    [
        ({"commit": "main"}, {}, "--commit 'main'"),
        ({"run_url": "https://github.com/o/r/actions/runs/1 x"}, {}, "--run-url"),
        ({}, {"GITHUB_SHA": "HEAD"}, "$GITHUB_SHA 'HEAD'"),
        ({}, {"GITHUB_RUN_ID": "seven"}, "$GITHUB_RUN_ID 'seven'"),
        ({}, {"GITHUB_SERVER_URL": "github.com"}, "$GITHUB_SERVER_URL 'github.com'"),
    ],
)
def test_a_given_but_unusable_commit_or_run_is_a_usage_error_naming_it(
    kwargs: dict[str, str], env: dict[str, str], named: str
) -> None:
    with pytest.raises(UsageError) as raised:
        read_source_links(env, repo="octo/demo", **kwargs)
    assert str(raised.value).startswith(named)
    assert "leave it unset" in str(raised.value)


def test_the_workflow_context_gives_the_commit_and_the_run_and_options_win() -> None:
    env = {
        "GITHUB_SERVER_URL": "https://ghe.example.com/",
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SHA": SHA_A.upper(),
        "GITHUB_RUN_ID": "9",
        "GITHUB_WORKSPACE": "/github/workspace",
    }
    links = read_source_links(env, repo="octo/demo")
    assert (links.server, links.sha, links.run_url) == (
        "https://ghe.example.com",
        SHA_A,
        "https://ghe.example.com/octo/demo/actions/runs/9",
    )
    assert "/github/workspace" in links.roots
    chosen = read_source_links(env, repo="octo/demo", commit=SHA_B, run_url="https://ci.example.com/r/1")
    assert (chosen.sha, chosen.run_url) == (SHA_B, "https://ci.example.com/r/1")
    assert source_links({}) == SourceLinks()


@pytest.mark.parametrize(
    "text",
    [
        "[`" * 300_000,
        "[`a`](https://h/o/r/blob/" * 30_000,
        "[`" + "a" * 2999 + "`" * 300_000,
        "_Last seen in " * 50_000,
    ],
    ids=lambda text: repr(text[:16]),
)
def test_i10_comparing_bodies_stays_linear_on_adversarial_text(text: str) -> None:
    """I10: a body built of the patterns' own delimiters is compared in one pass; nothing in it is a link."""
    assert without_source_links(text) == text
