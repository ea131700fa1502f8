"""render/safety: secrets redacted, prose defused, code fences unbreakable, bodies cut by section."""

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
    redact,
    strip_invisible,
    truncate_sections,
)

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n"
    "aFDrBz9vFqU4yV2ynMPnDyYGhC3gQ/mWTfBaXG6QyHrRDNNBO/vRAwmF4wG0Mws=\n-----END RSA PRIVATE KEY-----"
)

# (text with a secret, the secret that must vanish, the kind named in the placeholder)
TRUE_POSITIVES = [
    (
        "token ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw",
        "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw",
        "github-token",
    ),
    (
        "gho_16C7e42F292c6912E7710c838347Ae178B4a used",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "github-token",
    ),
    (
        "x=ghu_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789;",
        "ghu_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "github-token",
    ),
    ("ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "github-token"),
    ("ghr_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghr_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "github-token"),
    (
        "pat github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij!",
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij",
        "github-token",
    ),
    ("key AKIAIOSFODNN7EXAMPLE in env", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"),
    ("ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A", "aws-access-key-id"),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws-secret-access-key",
    ),
    (
        'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws-secret-access-key",
    ),
    (
        "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "slack-token",
    ),
    ("xoxp-1234567890-abcdefghij", "xoxp-1234567890-abcdefghij", "slack-token"),
    (
        "posting to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX now",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "slack-webhook",
    ),
    ("AIzaSyA-1234567890abcdefghijklmnopqrstu", "AIzaSyA-1234567890abcdefghijklmnopqrstu", "google-api-key"),
    ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
    ("rk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe-key"),
    (
        "_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "npm_abcdefghijklmnopqrstuvwxyz0123456789",
        "npm-token",
    ),
    (
        "password: pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0NTY3",
        "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5vcC1xcnN0LXV2d3h5ejAxMjM0NTY3",
        "pypi-token",
    ),
    (
        "jwt " + JWT,
        JWT,
        "jwt",
    ),
    ("Authorization: Bearer abc.def-ghi", "abc.def-ghi", "authorization"),
    ("{'authorization': 'Basic dXNlcjpwYXNzd29yZA=='}", "dXNlcjpwYXNzd29yZA==", "authorization"),
    ("curl -H 'Authorization: token s3cr3t-value'", "s3cr3t-value", "authorization"),
    ("sent bearer 0123456789abcdefghijKLMNOP to the api", "0123456789abcdefghijKLMNOP", "authorization"),
    ("dsn postgres://app:hunter2@db.internal:5432/app", "hunter2", "url-password"),
    (f"key:\n{PEM}\ndone", "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn", "private-key"),
    (
        "cut -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        "private-key",
    ),
]

FALSE_POSITIVES = [
    "commit a5c3785ed8d6a35868bc169f07e40e889087fd2e broke it",
    "run 123e4567-e89b-12d3-a456-426614174000 finished",
    "the token is missing; bearer of bad news; Authorization failed",
    "AKIA is a prefix, AKIA123 is too short",
    "see https://example.com/docs/page?x=1 and ssh://git@github.com/o/r",
    "mail octocat@example.com",
    "ghp_short and xoxb- alone",
    "eyJhbGciOiJIUzI1NiJ9 alone is only a header",
]


@pytest.mark.parametrize(("text", "secret", "kind"), TRUE_POSITIVES)
def test_r6_redact_replaces_each_kind_of_secret_with_a_named_placeholder(
    text: str, secret: str, kind: str
) -> None:
    """R6: GitHub, AWS, Slack, Google, Stripe, npm, PyPI tokens, JWTs, auth headers, URL passwords, PEM."""
    redacted = redact(text)
    assert secret not in redacted
    assert f"[REDACTED:{kind}]" in redacted


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_redact_leaves_shas_uuids_and_ordinary_words_alone(text: str) -> None:
    assert redact(text) == text


def test_redact_keeps_the_label_and_the_url_user_so_the_reader_sees_what_was_there() -> None:
    assert redact("Authorization: Bearer abcdefgh") == "Authorization: Bearer [REDACTED:authorization]"
    assert redact("https://bob:pw123@host/x") == "https://bob:[REDACTED:url-password]@host/x"


def test_r6_redact_removes_the_runs_own_token_wherever_it_appears() -> None:
    """R6: the run's own token, which matches no pattern, is passed explicitly."""
    token = "v1.0123456789abcdef0123456789abcdef01234567"
    text = f"x{token}y and again {token}"
    assert redact(text, [token]) == "x[REDACTED:secret]y and again [REDACTED:secret]"
    assert redact("abc", [""]) == "abc"


def test_r6_a_pem_block_is_redacted_whole() -> None:
    """R6: nothing between BEGIN and END survives, and the text after the block does."""
    redacted = redact(f"before\n{PEM}\nafter")
    assert redacted == "before\n[REDACTED:private-key]\nafter"


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
    for span in Span:
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


# --- redaction: the remaining formats of the checklist (issue 6) ------------------------------------------

EC_PEM = (
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5Kvh5Z3Q2M7Zx\n"
    "-----END EC PRIVATE KEY-----"
)
OPENSSH_PEM = (
    "id_ed25519:\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)

MORE_TRUE_POSITIVES = [
    (
        EC_PEM,
        "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5Kvh5Z3Q2M7Zx",
        "private-key",
    ),
    (
        OPENSSH_PEM,
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        "private-key",
    ),
    (
        "ACTIONS_RUNTIME_TOKEN=ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
        "github-token",
    ),
    (
        "refresh ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
        "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
        "github-token",
    ),
    (
        "xoxp-2222222222-3333333333-4444444444-abcdef",
        "xoxp-2222222222-3333333333-4444444444-abcdef",
        "slack-token",
    ),
    (
        "https://hooks.slack.com/workflows/T01ABCDEF/A02ABCDEF/123456789012345678/abcdEFGH",
        "T01ABCDEF/A02ABCDEF/123456789012345678/abcdEFGH",
        "slack-webhook",
    ),
    ("proxy-authorization: Basic Ym9iOnNlY3JldA==", "Ym9iOnNlY3JldA==", "authorization"),
    ("git clone https://x-access-token:v1.abc123def456@github.com/o/r", "v1.abc123def456", "url-password"),
]

MORE_FALSE_POSITIVES = [
    "image sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 pulled",
    "the tokenizer and tokenizers; secret_sauce; password_reset_test; test_bearer_token_missing",
    "Merge 0123456789abcdef0123456789abcdef01234567 into main",
    "AIza alone; sk_test_4eC39HqLyjWDarjtT1zdp7dc is a test key; npm_ci_cache",
    "BEGIN PUBLIC KEY is not a secret: -----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n",
    "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 and user@host:22",
]


@pytest.mark.parametrize(("text", "secret", "kind"), MORE_TRUE_POSITIVES)
def test_r6_redact_covers_ec_openssh_keys_actions_and_refresh_tokens_and_workflow_webhooks(
    text: str, secret: str, kind: str
) -> None:
    """R6: the rest of the checklist (EC and OpenSSH keys, ghs_/ghr_ forms, Slack workflows, proxy auth)."""
    redacted = redact(text)
    assert secret not in redacted
    assert f"[REDACTED:{kind}]" in redacted


@pytest.mark.parametrize("text", MORE_FALSE_POSITIVES)
def test_redact_leaves_digests_commit_ids_test_keys_and_public_keys_alone(text: str) -> None:
    assert redact(text) == text
