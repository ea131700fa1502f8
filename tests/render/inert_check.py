"""What GitHub would still interpret in rendered Markdown: the check behind the R1-R3 tests of this folder."""

from __future__ import annotations

import re
import string


def live_text(markdown: str, *, escapes: bool = True) -> str:
    """What GitHub would still interpret in `markdown`: code spans and backslash-escaped punctuation removed
    (CommonMark's rules: an escaped backtick opens nothing; a span closes on a run of the same length).
    `escapes=False` for titles, where backslash escapes may not be honoured."""
    out: list[str] = []
    index = 0
    while index < len(markdown):
        char = markdown[index]
        if (
            escapes
            and char == "\\"
            and index + 1 < len(markdown)
            and markdown[index + 1] in string.punctuation
        ):
            out.append(" ")
            index += 2
            continue
        if char == "`":
            run = len(re.match(r"`+", markdown[index:]).group(0))  # type: ignore[union-attr]
            closer = re.compile(rf"(?<!`)`{{{run}}}(?!`)").search(markdown, index + run)
            if closer:
                out.append(" ")
                index = closer.end()
                continue
            out.append(markdown[index : index + run])
            index += run
            continue
        out.append(char)
        index += 1
    return "".join(out)


LIVE_PATTERNS = {
    "mention": re.compile(r"@[A-Za-z0-9]"),
    "reference": re.compile(r"#\d|(?i:gh-\d)"),
    "url": re.compile(r"://|(?i:www\.)"),
    "html": re.compile(r"<"),
    "link": re.compile(r"[\[\]]"),
}


def assert_inert(markdown: str) -> None:
    live = live_text(markdown)
    for name, pattern in LIVE_PATTERNS.items():
        assert not pattern.search(live), f"live {name} in {markdown!r}"
    assert "<!--" not in markdown


def prose_of(markdown: str) -> str:
    """`markdown` without its fenced code blocks (GitHub links nothing inside them)."""
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = re.match(r" {0,3}(`{3,}|~{3,})", line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", line):
            fence = None
        elif fence is None:
            out.append(line)
    return "\n".join(out)
