"""The one place where untrusted text (test names, messages, traces, scanner text, paths) is made safe.

`redact` removes secrets; `neutralise` makes prose unable to mention, cross-reference, link or restructure;
`code_block` makes a fence the content cannot close; `truncate_sections` keeps a body under GitHub's size
limit without ever dropping the marker. Order matters: redact first (on the raw text), then neutralise or
fence, then truncate, so a secret cut in half by truncation has already been replaced.
Workflow-command escaping (I9) lives beside this, in `workflow.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from functools import partial

BODY_LIMIT = 65_536
# GitHub's unit for the limit is undocumented (characters? UTF-16 units?), so leave a margin below it.
BODY_MARGIN = 65_000
TITLE_LIMIT = 256
# A secret shorter than this would redact ordinary words; real tokens are far longer.
MIN_EXTRA_SECRET = 4


class SecretKind(StrEnum):
    # Member names avoid the words "token"/"secret" only to keep the linter's password heuristic quiet.
    PRIVATE_KEY = "private-key"
    GITHUB = "github-token"
    AWS_KEY_ID = "aws-access-key-id"
    AWS_KEY = "aws-secret-access-key"
    SLACK = "slack-token"
    SLACK_WEBHOOK = "slack-webhook"
    GOOGLE_API_KEY = "google-api-key"
    STRIPE_KEY = "stripe-key"
    NPM = "npm-token"
    PYPI = "pypi-token"
    JWT = "jwt"
    AUTHORIZATION = "authorization"
    URL_CREDENTIAL = "url-password"
    GIVEN = "secret"


def placeholder(kind: SecretKind) -> str:
    return f"[REDACTED:{kind}]"


# Each pattern's group "secret" (or the whole match when there is none) is replaced; the rest (a label, a
# URL's user) stays so the reader still sees what was there.
_B64URL = "A-Za-z0-9_-"
_SECRET_PATTERNS: tuple[tuple[SecretKind, re.Pattern[str]], ...] = (
    (
        SecretKind.PRIVATE_KEY,
        # An unterminated block (a cut trace) is redacted to the end: better too much than half a key.
        re.compile(
            r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|.*\Z)",
            re.DOTALL,
        ),
    ),
    (
        SecretKind.GITHUB,
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})"),
    ),
    (SecretKind.AWS_KEY_ID, re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b")),
    (
        SecretKind.AWS_KEY,
        re.compile(
            r"(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*[:=]\s*[\"']?"
            # 40 characters or more: after this label a longer value is still the secret, and a length cap
            # would leave it whole. `=` is not in a key and ends it, so a URL right after keeps its scheme
            # and its own password is redacted too.
            r"(?P<secret>[A-Za-z0-9/+]{40,})"
        ),
    ),
    (
        SecretKind.SLACK_WEBHOOK,
        re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[\w/-]+"),
    ),
    (SecretKind.SLACK, re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]{10,}")),
    (SecretKind.GOOGLE_API_KEY, re.compile(rf"\bAIza[{_B64URL}]{{35}}")),
    (SecretKind.STRIPE_KEY, re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}")),
    (SecretKind.NPM, re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    (SecretKind.PYPI, re.compile(rf"\bpypi-AgEI[{_B64URL}]{{20,}}")),
    (SecretKind.JWT, re.compile(rf"\beyJ[{_B64URL}]{{5,}}\.[{_B64URL}]{{5,}}\.[{_B64URL}]*")),
    (
        SecretKind.AUTHORIZATION,
        re.compile(
            r"(?i:(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)\s+)"
            r"(?P<secret>[A-Za-z0-9._~+/=-]+)"
        ),
    ),
    (SecretKind.AUTHORIZATION, re.compile(r"(?i:\bbearer\s+)(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)")),
    (
        SecretKind.URL_CREDENTIAL,
        re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:(?P<secret>[^\s@/]+)@"),
    ),
)


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """Replace secrets by `[REDACTED:<kind>]`. A 40-hex SHA-1 or a UUID is not a secret and stays."""
    # Longest first, so a secret that contains another is replaced whole.
    given = {s for s in extra_secrets if len(s) >= MIN_EXTRA_SECRET}
    for secret in sorted(given, key=lambda s: (-len(s), s)):
        text = text.replace(secret, placeholder(SecretKind.GIVEN))
    for kind, pattern in _SECRET_PATTERNS:
        text = pattern.sub(partial(_replace_secret, kind=kind), text)
    return text


def _replace_secret(match: re.Match[str], *, kind: SecretKind) -> str:
    if "secret" not in match.re.groupindex:
        return placeholder(kind)
    start, end = match.span("secret")
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + placeholder(kind) + whole[end - offset :]


class Span(StrEnum):
    """Where a piece of prose lands: it decides whether newlines survive and whether `|` must be escaped."""

    BLOCK = "block"  # a paragraph: newlines kept
    LINE = "line"  # a title, a list item, a heading: one line
    CELL = "cell"  # a Markdown table cell: one line, pipes escaped even inside code spans
    # An issue title: one line GitHub shows as text (no HTML, little Markdown) except for code spans and
    # references, so only the live words are wrapped.
    TITLE = "title"


# C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates, and the BOM.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# A word GitHub could turn into a mention, a reference or a link; such words become code spans, which GitHub
# renders literally. Matching whole whitespace-separated words makes the boundaries GitHub uses irrelevant.
_LIVE_WORD = re.compile(
    r"\S*(?:@|#\d|(?i:gh-\d)|://|(?i:www\.)|/(?:issues|pull|pulls|discussions|commit)/\d)\S*"
)
# `_` between two letters or digits can never start or end emphasis, so snake_case names stay readable.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~]|(?<![^\W_])_|_(?![^\W_]))")
_LINE_START = re.compile(r"^([ \t]*)([#>+=\-]|\d+[.)])", re.MULTILINE)
_ZWSP = "\u200b"
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_OPENERS = {")": "(", "]": "[", "}": "{"}


def defuse_markers(text: str) -> str:
    """Make HTML comment delimiters inert: input can never open a comment or forge `<!-- issueplan … -->`."""
    return text.replace("<!--", f"<!-{_ZWSP}-").replace("-->", f"-{_ZWSP}->")


def strip_invisible(text: str) -> str:
    """Remove control characters and bidi overrides (which can make text read differently than it is)."""
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def code_span(text: str, *, in_table: bool = False) -> str:
    """`text` as an inline code span its backticks cannot close."""
    text = defuse_markers(strip_invisible(text)).replace("\n", " ")
    fence = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip(" ") else ""
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


def neutralise(text: str, span: Span = Span.BLOCK) -> str:
    """Prose that renders as written: no mention, reference, link, image, HTML or structure from `text`."""
    text = strip_invisible(text)
    if span is not Span.BLOCK:
        text = " ".join(text.split())
    pieces: list[str] = []
    last = 0
    escape = _escape_title if span is Span.TITLE else _escape_prose
    for match in _LIVE_WORD.finditer(text):
        word = match.group(0)
        core = _without_trailing_punctuation(word)
        pieces.append(escape(text[last : match.start()]))
        pieces.append(code_span(core, in_table=span is Span.CELL))
        pieces.append(escape(word[len(core) :]))
        last = match.end()
    pieces.append(escape(text[last:]))
    result = "".join(pieces)
    if span is Span.TITLE:
        return result
    # A line starting like a heading, quote, list or setext underline would change the document's structure.
    return _LINE_START.sub(_escape_line_start, result)


def _without_trailing_punctuation(word: str) -> str:
    """Sentence punctuation after a word stays prose ("see `#42`." rather than "see `#42.`"); a closing
    bracket that closes one inside the word stays with it, as in `[x](https://example.test)`."""
    core = word
    while core and core[-1] in _TRAILING_PUNCTUATION:
        closer = core[-1]
        opener = _OPENERS.get(closer)
        if opener is not None and core.count(opener) >= core.count(closer):
            break
        core = core[:-1]
    return core if _LIVE_WORD.fullmatch(core) else word


def _escape_line_start(match: re.Match[str]) -> str:
    # The backslash goes before the punctuation: `1\.` stops an ordered list, `\1.` would not.
    marker = match.group(2)
    return match.group(1) + marker[:-1] + "\\" + marker[-1]


def _escape_title(text: str) -> str:
    # Titles honour code spans but maybe not backslash escapes: a stray backtick could pair with one of our
    # spans and expose its content, so it becomes a quote.
    return defuse_markers(text).replace("`", "'")


def _escape_prose(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def code_block(text: str, lang: str = "") -> str:
    """`text` in a fenced block that no line of it can close (the fence is longer than any backtick run)."""
    text = defuse_markers(strip_invisible(text)).rstrip("\n")
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    info = re.sub(r"[^A-Za-z0-9_+.-]", "", lang)
    return f"{fence}{info}\n{text}\n{fence}"


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)


def cap_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """One line of at most `limit` characters (GitHub refuses longer titles), cut with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- size ---------------------------------------------------------------------------------------------------


def body_length(text: str) -> int:
    """Length as GitHub may count it: UTF-16 code units, never fewer than characters (astral ones count 2)."""
    return len(text.encode("utf-16-le")) // 2


def truncate_sections(
    sections: Sequence[str],
    limit: int = BODY_MARGIN,
    *,
    keep_last: int = 1,
    noun: str = "sections",
) -> str:
    """Join `sections`, dropping whole sections from the end (before the last `keep_last`) until it fits.

    The last `keep_last` sections (the marker) are always kept; a line says how many were left out.
    Each section carries its own trailing newline(s).
    """
    head = list(sections[: len(sections) - keep_last]) if keep_last else list(sections)
    tail = list(sections[len(sections) - keep_last :]) if keep_last else []
    whole = "".join(sections)
    if body_length(whole) <= limit:
        return whole
    tail_text = "".join(tail)
    kept: list[str] = []
    used = body_length(tail_text)
    for index, section in enumerate(head):
        remaining_after = len(head) - index - 1
        reserve = body_length(_omitted_note(remaining_after, noun)) if remaining_after else 0
        size = body_length(section)
        if used + size + reserve > limit:
            kept.append(_omitted_note(len(head) - index, noun))
            break
        kept.append(section)
        used += size
    return "".join(kept) + tail_text


def _omitted_note(count: int, noun: str) -> str:
    return f"\n_… {count} more {noun} not shown (size limit)._\n\n"
