"""render/redact: a text without any secret's mark skips the patterns, and that changes no redaction.

The oracle is the redactor as it was before the mark check: the run's secrets, then every known pattern on
every text. Random texts glue secrets, their cut prefixes, their labels in odd cases and plain words together.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from issueplan.render.redact import Redactor, SecretKind, placeholder, redact_known_patterns, secret_shapes

RUN_TOKEN = "zq9XkT4mP2wLr8Nb"
KEY_40 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECRETS = [
    "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw",
    "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFG",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAY34FZKBOKMUTVV7A",
    "xoxb-123456789012-1234567890123-AbCdEfGh",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX",
    "AIzaSyA-1234567890abcdefghijklmnopqrstu",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoLWlqa2wtbW5v",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJ\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq",
    f"aws_secret_access_key = {KEY_40}",
    f'SECRET_ACCESS_KEY: "{KEY_40}"',
    f"AWS_\u017fECRET_\u212aEY={KEY_40}",  # long s, Kelvin sign: `s`, `k` to (?i)
    "Authorization: Bearer abc.def-ghi",
    "proxy-authorization: Basic Ym9iOnNlY3JldA==",
    "bearer 0123456789abcdefghijKLMNOP==",
    "BEARER\t0123456789abcdefghijKLMNOP",
    "postgres://app:hunter2@db.internal:5432/app",
    RUN_TOKEN,
    RUN_TOKEN.lower(),
]
# Pieces that are one character away from a mark or a secret, and words that look alike.
NEAR_MISSES = [
    *("gh", "ghx_", "github_pat", "AKI", "akia", "xox", "AIz", "_live", "npm", "pypi-AgE", "ey", "eyJ"),
    *(":/", "://", "@", ":", "=", " ", "\n", "-----BEGI", "secre", "Bearer", "authorizatio", "[REDACTED:"),
    *("secret", "Secret_Access_Key=", "K", "\u017f", "\u0130", "a1B2c3D4e5F6g7H8i9J0"),
]
PIECES = st.one_of(
    st.sampled_from(SECRETS),
    st.sampled_from(SECRETS).flatmap(lambda s: st.integers(1, len(s) - 1).map(lambda n: s[:n])),
    st.sampled_from(NEAR_MISSES),
    st.text(max_size=12),
)
TEXTS = st.lists(PIECES, max_size=10).map("".join)


def redact_before_the_mark_check(text: str, secrets: list[str]) -> str:
    shapes = sorted({shape for s in secrets for shape in secret_shapes(s)}, key=lambda s: (-len(s), s))
    if shapes:
        given_secrets = re.compile("|".join(map(re.escape, shapes)), re.IGNORECASE)
        text = given_secrets.sub(placeholder(SecretKind.GIVEN), text)
    return redact_known_patterns(text)


@given(TEXTS)
def test_the_mark_check_redacts_exactly_what_every_pattern_on_every_text_did(text: str) -> None:
    assert Redactor()(text) == redact_before_the_mark_check(text, [])


@given(TEXTS, st.lists(st.sampled_from([RUN_TOKEN, "s3cr3t-value-x", "secret-word"]), max_size=2))
def test_the_runs_own_secrets_then_the_mark_check_redact_what_they_did(text: str, secrets: list[str]) -> None:
    """The given secrets' placeholder says `secret`: what follows it is still checked as before."""
    assert Redactor(secrets)(text) == redact_before_the_mark_check(text, secrets)
