"""render/safety: prose defused, code fences unbreakable, bodies cut by section."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inert_check import LIVE_PATTERNS, assert_inert, live_text

from issueplan.render.safety import (
    BODY_LIMIT,
    Span,
    body_length,
    cap_title,
    code_block,
    code_span,
    neutralise,
    strip_invisible,
    truncate_sections,
)

# --- neutralise -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["ping @octocat", "cc @acme/security-team.", "(@bob)", "mail me@host.example"],
)
def test_r1_mentions_become_code_spans(text: str) -> None:
    """R1: a mention of a user or a team never reaches GitHub as a live mention."""
    for span in Span:
        out = neutralise(text, span)
        assert_inert(out)
        assert "`@" in out or "`me@" in out or "`(@" in out


@pytest.mark.parametrize(
    "text",
    [
        "see #12",
        "fixes GH-12",
        "gh-12",
        "acme/app#12",
        "acme/app@a5c3785ed8d6a35868bc169f07e40e889087fd2e",
        "https://github.com/acme/app/issues/12",
        "https://ghe.corp.example/acme/app/pull/7#discussion",
        "github.com/acme/app/pull/7",
        "(#12)",
    ],
)
def test_r2_references_and_issue_urls_create_no_cross_reference(text: str) -> None:
    """R2: `#12`, `GH-12`, `owner/repo#12`, issue and PR URLs (GHES too), `owner/repo@sha` are made inert."""
    for span in (Span.BLOCK, Span.LINE, Span.CELL):  # a title is no Markdown (tests above)
        assert_inert(neutralise(text, span))


@pytest.mark.parametrize(
    "text",
    [
        "[click](https://evil.example)",
        "![pix](https://evil.example/p.png)",
        "<https://evil.example>",
        "<img src=x onerror=alert(1)>",
        "<details><summary>x</summary>",
        "www.evil.example",
        "[ref]: https://evil.example",
    ],
)
def test_r3_links_images_and_html_from_input_do_not_render(text: str) -> None:
    """R3: no link, image or raw HTML comes from input."""
    for span in (Span.BLOCK, Span.LINE, Span.CELL):
        assert_inert(neutralise(text, span))


def test_r4_a_forged_marker_in_prose_is_defused_in_every_span() -> None:
    """R4: `<!-- issueplan` from input can never appear in output, not even inside a code span."""
    forged = '<!-- issueplan {"first_seen":"2020-01-01T00:00:00Z","id":"X-1","key":"k","scope":"s","v":1} -->'
    for span in Span:
        out = neutralise(f"a @x {forged}", span)
        assert "<!--" not in out
        assert "-->" not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Heading", "\\# Heading"),
        ("1. first", "1\\. first"),
        ("> quote", "&gt; quote"),
        ("a | b", "a \\| b"),
        ("*bold* and _it_", "\\*bold\\* and \\_it\\_"),
        ("snake_case_name", "snake_case_name"),
        ("x\n===", "x\n\\==="),
        ("R&D <3", "R&amp;D &lt;3"),
    ],
)
def test_markdown_structure_from_input_is_escaped(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def test_control_characters_and_bidi_overrides_are_removed() -> None:
    assert neutralise("safe\u202etxt.exe\x1b[31m\u2066x\u2069") == "safetxt.exe\\[31mx"


def test_one_line_spans_collapse_newlines_and_cells_escape_pipes_inside_code() -> None:
    assert neutralise("a\nb\r\n  c", Span.LINE) == "a b c"
    assert neutralise("@a|b", Span.CELL) == "`@a\\|b`"
    assert neutralise("@a|b", Span.LINE) == "`@a|b`"


def test_titles_only_wrap_live_words_and_turn_stray_backticks_into_quotes() -> None:
    """R1/R2 in titles: GitHub shows titles as text but links references and renders code spans."""
    assert neutralise("Fix: `x` for @bob, see #1 <b>", Span.TITLE) == "Fix: 'x' for `@bob`, see `#1` <b>"


fragments = st.sampled_from(
    ["@", "#", "1", "GH-", "gh-", "/", "://", "www.", "`", "``", "\\", "<", ">", "!", "[", "]", "(", ")", "|",
     "-", "<!--", "-->", " ", "\n", "a", "Z", "issues/", "pull/", "\u202e", "\x00", "&", "*", "_", ":", "."]
)  # fmt: skip
hostile_text = st.lists(st.one_of(fragments, st.text(max_size=3)), max_size=40).map("".join)


@given(hostile_text, st.sampled_from([Span.BLOCK, Span.LINE, Span.CELL]))
def test_r1_r2_r3_neutralised_text_is_inert_whatever_the_input(text: str, span: Span) -> None:
    """R1, R2, R3: for arbitrary text, no live mention, reference, URL, link or HTML survives."""
    assert_inert(neutralise(text, span))


@given(hostile_text)
def test_r1_r2_titles_are_inert_whatever_the_input(text: str) -> None:
    """R1, R2: in a title (no backslash escapes assumed) no live mention or reference survives."""
    title = neutralise(text, Span.TITLE)
    live = live_text(title, escapes=False)
    assert not LIVE_PATTERNS["mention"].search(live)
    assert not LIVE_PATTERNS["reference"].search(live)
    assert "<!--" not in title


# --- code blocks ------------------------------------------------------------------------------------------


def fenced_content(block: str) -> str:
    """The content of the fenced block starting `block`, and an assertion that it closes only at the end."""
    lines = block.split("\n")
    opener = re.match(r"(`{3,})", lines[0])
    assert opener is not None
    fence = opener.group(1)
    for number, line in enumerate(lines[1:], start=1):
        if re.fullmatch(rf" {{0,3}}`{{{len(fence)},}}\s*", line):
            assert number == len(lines) - 1, f"the block closes early at line {number}"
            return "\n".join(lines[1:number])
    raise AssertionError("the block never closes")


def test_r3_a_fence_inside_the_text_cannot_close_the_block() -> None:
    """R3: backtick fences in a message stay inside its code block."""
    text = "a\n```\n<b>x</b>\n`````\n  ````"
    block = code_block(text, "text")
    assert block.startswith("``````text\n")
    assert fenced_content(block) == text


@given(hostile_text, st.sampled_from(["", "text", "py`thon"]))
def test_r3_r4_code_block_cannot_be_closed_or_forge_a_marker(text: str, lang: str) -> None:
    """R3, R4: whatever the content, the block ends at its own fence and carries no `<!--`."""
    block = code_block(text, lang)
    content = fenced_content(block)
    assert "<!--" not in block
    # Only invisible characters are dropped and comment delimiters split by a zero-width space.
    assert content.replace("\u200b", "") == strip_invisible(text).rstrip("\n").replace("\u200b", "")


@given(st.text(max_size=30))
def test_code_span_cannot_be_closed_by_its_content(text: str) -> None:
    span = code_span(text)
    run = len(re.match(r"`+", span).group(0))  # type: ignore[union-attr]
    inner = span[run:-run]
    assert not re.search(rf"(?<!`)`{{{run}}}(?!`)", inner)


# --- size -------------------------------------------------------------------------------------------------


def test_r7_truncate_sections_drops_whole_sections_and_always_keeps_the_last() -> None:
    """R7: the marker section survives and a line says how many sections were left out."""
    sections = ["head\n", *[f"section {n} {'é' * 100}\n" for n in range(100)], "MARKER"]
    body = truncate_sections(sections, 2_000, keep_last=1, noun="failing tests")
    assert body.startswith("head\nsection 0 ")
    assert body.endswith("MARKER")
    assert body_length(body) <= 2_000
    shown = body.count("section ")
    assert f"{100 - shown} more failing tests not shown" in body


def test_truncate_sections_counts_utf16_units_so_astral_characters_count_twice() -> None:
    emoji = "😀" * 600
    body = truncate_sections([emoji, emoji, "END"], 1_500)
    assert body_length(body) <= 1_500
    assert body.startswith(emoji)
    assert body.endswith("END")
    assert "1 more sections not shown" in body


def test_truncate_sections_returns_everything_when_it_fits() -> None:
    assert truncate_sections(["a", "b", "c"], BODY_LIMIT) == "abc"


def test_titles_are_capped_at_256_characters() -> None:
    title = cap_title("BUG-001: " + "x" * 500)
    assert len(title) == 256
    assert title.endswith("…")
    assert cap_title("short\ntitle") == "short title"


# --- I10: every text stage is linear: 1 MB adversarial inputs (the output is asserted, not the time) -------

MEGA = 1_000_000


def test_i10_a_megabyte_without_spaces_or_marks_comes_back_as_it_was() -> None:
    """I10: the old `\\S*mark\\S*` scanned a run of non-space characters from each of its characters."""
    text = "a" * MEGA
    assert neutralise(text, Span.LINE) == text
    assert neutralise(text) == text


def test_i10_a_million_at_signs_are_one_code_span() -> None:
    assert neutralise("@" * MEGA, Span.LINE) == "`" + "@" * MEGA + "`"


def test_i10_a_million_hashes_are_prose_with_the_heading_defused() -> None:
    assert neutralise("#" * MEGA) == "\\" + "#" * MEGA


def test_i10_a_mention_glued_half_a_million_times_is_one_code_span() -> None:
    assert neutralise("a@" * (MEGA // 2), Span.CELL) == "`" + "a@" * (MEGA // 2) + "`"


def test_i10_half_a_million_words_each_live_are_each_a_code_span() -> None:
    assert neutralise("a@ " * (MEGA // 3), Span.LINE) == " ".join(["`a@`"] * (MEGA // 3))


def test_i10_a_million_closing_brackets_after_a_mention_stay_prose() -> None:
    """The trailing punctuation was counted again for each bracket stripped (quadratic)."""
    assert neutralise("@" + ")" * MEGA, Span.LINE) == "`@`" + ")" * MEGA


def test_i10_nested_backtick_runs_get_a_fence_longer_than_the_longest() -> None:
    text = "".join("`" * run + "x" for run in range(1, 1400))  # about a megabyte
    block = code_block(text)
    assert block.startswith("`" * 1400 + "\n")
    assert block.endswith("\n" + "`" * 1400)
    span = code_span("`" * MEGA)
    assert span == "`" * (MEGA + 1) + " " + "`" * MEGA + " " + "`" * (MEGA + 1)


# Every control character, bidi mark and the BOM: what strip_invisible exists to remove.
INVISIBLE = [
    *map(chr, range(0x09)),
    *map(chr, range(0x0B, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\ufeff",
]


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda char: f"U+{ord(char):04X}")
def test_strip_invisible_removes_each_invisible_character_from_otherwise_plain_text(char: str) -> None:
    expected = "a\nb" if char == "\r" else "ab"
    assert strip_invisible(f"a{char}b") == expected


@given(st.text(alphabet=st.sampled_from("@#/:.-_gGhHwW19 ais`*[]|~\\x"), max_size=40))
def test_text_rendered_verbatim_or_escaped_holds_no_live_mark_however_it_is_spelt(text: str) -> None:
    """The quick checks that let most text skip the patterns never let a live word through."""
    for span in (Span.BLOCK, Span.LINE, Span.CELL):  # a title is no Markdown (tests above)
        assert_inert(neutralise(text, span))
