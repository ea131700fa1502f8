"""Secrets out of untrusted text: the run's own tokens in every shape, and the secret patterns we know.

Called once per text by the clean pass (`render/clean.py`) right after reading, before any cut, so no stage
after it ever holds a secret or a prefix of one. Every pattern is linear in the text: none starts with `\\b`
(a secret glued to a word, as in `%3Aghs_…`, `TOKEN_ghs_…` or `keyAKIA…`, is still found), and none can
backtrack over a run it has already scanned (a JWT, whose parts all look alike, is matched by code instead).
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache, partial
from urllib.parse import quote, quote_plus

# A secret shorter than this would redact ordinary words; real tokens are far longer.
MIN_EXTRA_SECRET = 4
# Below this length a base64 fragment of a secret could match ordinary text.
_MIN_BASE64_SECRET = 12


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
# URL's user) stays so the reader still sees what was there. Linear because each starts with a literal that
# its own repeated class cannot contain before the class ends (`_`, `-`, `://`), or, where it can (`AKIA…`,
# `github_pat_…`), a failed attempt gives up within a bounded number of characters. Compiled on first use:
# only a text with a mark (`_may_hold_a_known_secret`) needs them, and a run whose texts have none (most small
# reports) would spend a hundredth of its start-up compiling them.
_B64URL = "A-Za-z0-9_-"


@cache
def _secret_patterns() -> tuple[tuple[SecretKind, re.Pattern[str]], ...]:
    return (
        (
            SecretKind.PRIVATE_KEY,
            # An unterminated block (a cut trace) is redacted to the end: better too much than half a key.
            re.compile(
                r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
                r"(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|.*\Z)",
                re.DOTALL,
            ),
        ),
        (SecretKind.GITHUB, re.compile(r"gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}")),
        (SecretKind.AWS_KEY_ID, re.compile(r"(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16,}")),
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
        (SecretKind.SLACK, re.compile(r"xox[abeoprs]-[A-Za-z0-9-]{10,}")),
        (SecretKind.GOOGLE_API_KEY, re.compile(rf"AIza[{_B64URL}]{{35,}}")),
        (SecretKind.STRIPE_KEY, re.compile(r"(?:sk|rk)_live_[A-Za-z0-9]{16,}")),
        (SecretKind.NPM, re.compile(r"npm_[A-Za-z0-9]{36,}")),
        (SecretKind.PYPI, re.compile(rf"pypi-AgEI[{_B64URL}]{{20,}}")),
        (
            SecretKind.AUTHORIZATION,
            re.compile(
                r"(?i:(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)\s+)"
                r"(?P<secret>[A-Za-z0-9._~+/=-]+)"
            ),
        ),
        (SecretKind.AUTHORIZATION, re.compile(r"(?i:bearer\s+)(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)")),
        # The scheme is left out on purpose: `[a-z][a-z0-9+.-]*://` would rescan a long dotted word from each
        # of its letters. The password's class excludes `/`, so it never runs into the next URL.
        (SecretKind.URL_CREDENTIAL, re.compile(r"://[^\s:/@]+:(?P<secret>[^\s@/]+)@")),
    )


_JWT_HEAD = "eyJ"  # base64url of `{"`: every JWT header starts so
# What every match of one of the patterns above (or a JWT) must contain: a text without any (almost every
# message and path of a large scan) cannot change, so it skips the dozen patterns. Literals and fixed classes
# only, so each search is linear in the text. The words of the case-insensitive patterns are a search of their
# own: on an ASCII text a lower-cased `in` finds exactly what `(?i)` would at a tenth of the cost; any other
# text takes the regex, which also matches `secret` spelt with a long s (U+017F) as its pattern does.
_SECRET_MARK = re.compile(
    r"-----BEGIN|gh[pousr]_|github_pat_|A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)|hooks\.slack\.com/"
    r"|xox[abeoprs]-|AIza|_live_|npm_|pypi-AgEI|://|eyJ"
)
_SECRET_WORDS = ("secret", "authorization", "bearer")
_JWT_MIN_PART = 5


# Compiled on first use, as the word pattern (for a text that is not ASCII) and a JWT's part: few texts need
# them.
@cache
def _secret_word() -> re.Pattern[str]:
    return re.compile("|".join(_SECRET_WORDS), re.IGNORECASE)


@cache
def _jwt_part() -> re.Pattern[str]:
    return re.compile(f"[{_B64URL}]*")


class Redactor:
    """Removes the run's own secrets (given) and every known secret pattern from a text.

    Built once per run: the given secrets become one case-insensitive alternation of every shape they can
    take in a report (as is, URL-encoded, JSON-escaped, base64 as in a basic-auth header), because titles and
    keys are lower-cased and a token echoed by a tool is often encoded.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        shapes = {shape for secret in secrets for shape in secret_shapes(secret)}
        # Longest first, so a secret that contains another is replaced whole.
        ordered = sorted(shapes, key=lambda shape: (-len(shape), shape))
        self._given = re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE) if ordered else None

    def __call__(self, text: str) -> str:
        if self._given is not None:
            text = self._given.sub(placeholder(SecretKind.GIVEN), text)
        # Checked after the given secrets: their placeholder says "secret", a mark of its own.
        return redact_known_patterns(text) if _may_hold_a_known_secret(text) else text


def redact_known_patterns(text: str) -> str:
    """Every known secret pattern, then JWTs, replaced in `text`: the pass a text with a mark goes through."""
    for kind, pattern in _secret_patterns():
        text = pattern.sub(partial(_replace_secret, kind=kind), text)
    return _redact_jwts(text)


def _may_hold_a_known_secret(text: str) -> bool:
    if _SECRET_MARK.search(text) is not None:
        return True
    if text.isascii():
        folded = text.lower()
        return any(word in folded for word in _SECRET_WORDS)
    return _secret_word().search(text) is not None


def redact(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """Replace secrets by `[REDACTED:<kind>]`. A 40-hex SHA-1 or a UUID is not a secret and stays."""
    return Redactor(extra_secrets)(text)


def secret_shapes(secret: str) -> set[str]:
    """The texts `secret` can appear as in a tool's output; empty for a secret too short to be one."""
    if len(secret) < MIN_EXTRA_SECRET:
        return set()
    shapes = {secret, quote(secret), quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]}
    if len(secret) >= _MIN_BASE64_SECRET:
        shapes.update(_base64_cores(secret.encode()))
    return {shape for shape in shapes if len(shape) >= MIN_EXTRA_SECRET}


def _base64_cores(secret: bytes) -> set[str]:
    """Base64 of `secret` wherever it lies in a longer encoded string (`x-access-token:<token>` in a basic
    auth header): for each of the three byte alignments, the characters its own bytes alone determine, in
    the standard and the URL-safe alphabet."""
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + secret).decode()
        core = encoded[math.ceil(offset * 8 / 6) : (offset + len(secret)) * 8 // 6]
        cores.update({core, core.replace("+", "-").replace("/", "_")})
    return cores


def _replace_secret(match: re.Match[str], *, kind: SecretKind) -> str:
    if "secret" not in match.re.groupindex:
        return placeholder(kind)
    start, end = match.span("secret")
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + placeholder(kind) + whole[end - offset :]


def _redact_jwts(text: str) -> str:
    """`eyJ<header>.<payload>.<signature>` replaced, found without a regex: every part is base64url, so a
    pattern would rescan a long run from each `eyJ` in it. A failed candidate resumes after its header,
    where any later candidate of the same header would fail alike, so each character is read a few times."""
    pieces: list[str] = []
    done = 0
    search = text.find(_JWT_HEAD)
    while search != -1:
        header_end = _part_end(text, search + len(_JWT_HEAD))
        payload_end = _part_end(text, header_end + 1)
        if (
            header_end - search - len(_JWT_HEAD) >= _JWT_MIN_PART
            and text.startswith(".", header_end)
            and payload_end - header_end - 1 >= _JWT_MIN_PART
            and text.startswith(".", payload_end)
        ):
            end = _part_end(text, payload_end + 1)
            pieces += [text[done:search], placeholder(SecretKind.JWT)]
            done = end
            search = text.find(_JWT_HEAD, end)
        else:
            search = text.find(_JWT_HEAD, max(header_end, search + 1))
    return "".join(pieces) + text[done:] if pieces else text


def _part_end(text: str, start: int) -> int:
    found = _jwt_part().match(text, start)
    return found.end() if found is not None else start


__all__ = [
    "MIN_EXTRA_SECRET",
    "Redactor",
    "SecretKind",
    "placeholder",
    "redact",
    "redact_known_patterns",
    "secret_shapes",
]
