"""The one place where untrusted text (test names, messages, traces, scanner text, paths) is made inert.

`neutralise` makes prose unable to mention, cross-reference, link or restructure; `code_block` makes a fence
the content cannot close; `truncate_sections` keeps a body under GitHub's size limit without ever dropping
the marker. Secrets are already gone: the clean pass (`clean.py`, with `redact.py`) removed them from the
report before any cut. Every function here is linear in its input (RELIABILITY I10): no pattern can
backtrack over text it has already scanned. Workflow-command escaping (I9) lives beside this, in
`workflow.py`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from enum import StrEnum

BODY_LIMIT = 65_536
# GitHub's unit for the limit is undocumented (characters? UTF-16 units?), so leave a margin below it.
BODY_MARGIN = 65_000
TITLE_LIMIT = 256


class Span(StrEnum):
    """Where a piece of prose lands: it decides whether newlines survive and whether `|` must be escaped."""

    BLOCK = "block"  # a paragraph: newlines kept
    LINE = "line"  # a title, a list item, a heading: one line
    CELL = "cell"  # a Markdown table cell: one line, pipes escaped even inside code spans
    # An issue title: one line GitHub shows as text (no HTML, little Markdown) except for code spans and
    # references, so only the live words are wrapped.
    TITLE = "title"


# C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates, and the BOM. Compiled on first
# use: only a text that is not printable needs it (`strip_invisible`).
@functools.cache
def _invisible() -> re.Pattern[str]:
    return re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


# A word GitHub could turn into a mention, a reference or a link holds one of these marks; such words become
# code spans, which GitHub renders literally. Taking whole whitespace-separated words around a mark makes the
# boundaries GitHub uses irrelevant. The words are found from the marks (`_live_words`), never with
# `\S*mark\S*`, which rescans a long run of non-space characters from each of its positions.
_LIVE_MARK = re.compile(r"@|#\d|(?i:gh-\d)|://|(?i:www\.)|/(?:issues|pull|pulls|discussions|commit)/\d")
_NON_SPACE = re.compile(r"\S*")
# Every live mark holds one of these characters or, whatever its case, `gh-` or `www.` (`_may_be_live`).
_LIVE_CHARS = frozenset("@#/")
# `_` between two letters or digits can never start or end emphasis, so snake_case names stay readable.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]|~]|(?<![^\W_])_|_(?![^\W_]))")
_PUNCTUATION_CHARS = frozenset("\\`*[]|~_")  # what _MARKDOWN_PUNCTUATION can escape
_LINE_START = re.compile(r"^([ \t]*)([#>+=\-]|\d+[.)])", re.MULTILINE)
_ZWSP = "\u200b"
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_OPENERS = {")": "(", "]": "[", "}": "{"}


def defuse_markers(text: str) -> str:
    """Make HTML comment delimiters inert: input can never open a comment or forge `<!-- issueplan … -->`."""
    return text.replace("<!--", f"<!-{_ZWSP}-").replace("-->", f"-{_ZWSP}->")


def strip_invisible(text: str) -> str:
    """Remove control characters and bidi overrides (which can make text read differently than it is)."""
    # Every character _invisible takes, and a carriage return, is unprintable: most text needs neither pass.
    if text.isprintable():
        return text
    return _invisible().sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def code_span(text: str, *, in_table: bool = False) -> str:
    """`text` as an inline code span its backticks cannot close."""
    text = defuse_markers(strip_invisible(text)).replace("\n", " ")
    fence = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip(" ") else ""
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"


# Teams, efforts, steps and criteria repeat across every item of a rule: short texts are neutralised once per
# process. Long ones (messages, traces) are rarely repeated and would only fill the cache.
_CACHED_LENGTH = 256


def neutralise(text: str, span: Span = Span.BLOCK) -> str:
    """Prose that renders as written: no mention, reference, link, image, HTML or structure from `text`."""
    if len(text) <= _CACHED_LENGTH:
        return _neutralise_short(text, span)
    return _neutralise(text, span)


@functools.lru_cache(maxsize=4096)
def _neutralise_short(text: str, span: Span) -> str:
    return _neutralise(text, span)


def _neutralise(text: str, span: Span) -> str:
    text = strip_invisible(text)
    if span is not Span.BLOCK:
        text = " ".join(text.split())
    escape = _escape_title if span is Span.TITLE else _escape_prose
    # Most text: no word to wrap, only marks to escape.
    if not _may_be_live(text) or _LIVE_MARK.search(text) is None:
        result = escape(text)
        return result if span is Span.TITLE else _LINE_START.sub(_escape_line_start, result)
    pieces: list[str] = []
    last = 0
    for start, end in _live_words(text):
        word = text[start:end]
        core = _without_trailing_punctuation(word)
        pieces.append(escape(text[last:start]))
        pieces.append(code_span(core, in_table=span is Span.CELL))
        pieces.append(escape(word[len(core) :]))
        last = end
    pieces.append(escape(text[last:]))
    result = "".join(pieces)
    if span is Span.TITLE:
        return result
    # A line starting like a heading, quote, list or setext underline would change the document's structure.
    return _LINE_START.sub(_escape_line_start, result)


def _may_be_live(text: str) -> bool:
    """False when `_LIVE_MARK` cannot match `text`: sets and `in` read a short text faster than the pattern
    tries each of its positions. Only ASCII text is decided here (case-insensitive matching knows more
    letters than `lower` does); any other goes to the pattern."""
    if not text.isascii() or not _LIVE_CHARS.isdisjoint(text):
        return True
    lowered = text.lower()
    return "gh-" in lowered or "www." in lowered


def _live_words(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each whitespace-separated word of `text` holding a live mark, in order.

    Each character is read a bounded number of times: the search for the next mark starts after the last
    word, and a word's start is found by reading back only to that point."""
    done = 0
    while (mark := _LIVE_MARK.search(text, done)) is not None:
        before = text[done : mark.start()][::-1]
        start = mark.start() - _run_length(before, 0)
        end = mark.start() + _run_length(text, mark.start())
        yield start, end
        done = end


def _run_length(text: str, start: int) -> int:
    found = _NON_SPACE.match(text, start)
    return found.end() - start if found is not None else 0


def _without_trailing_punctuation(word: str) -> str:
    """Sentence punctuation after a word stays prose ("see `#42`." rather than "see `#42.`"); a closing
    bracket that closes one inside the word stays with it, as in `[x](https://example.test)`.

    Brackets are counted once: openers are not trailing punctuation, so only the closers' counts change."""
    openers = {opener: word.count(opener) for opener in _OPENERS.values()}
    closers = {closer: word.count(closer) for closer in _OPENERS}
    end = len(word)
    while end and word[end - 1] in _TRAILING_PUNCTUATION:
        closer = word[end - 1]
        opener = _OPENERS.get(closer)
        if opener is not None:
            if openers[opener] >= closers[closer]:
                break
            closers[closer] -= 1
        end -= 1
    core = word[:end]
    return core if _LIVE_MARK.search(core) else word


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
    # Looked for before the substitution: most prose has no mark to escape, and sub() costs more.
    if _PUNCTUATION_CHARS.isdisjoint(text) or not _MARKDOWN_PUNCTUATION.search(text):
        return text
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
    if text.isascii():  # constant time: every character is one unit
        return len(text)
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
