"""render/redact: each kind of secret replaced by a named placeholder, glued or not, in linear time."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from issueplan.render.redact import Redactor, redact, secret_shapes

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


# --- R9: secrets glued to a word; I10: linear on adversarial megabytes -------------------------------------

GHS = "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://x.example/?t=%3A{GHS}&y", "https://x.example/?t=%3A[REDACTED:github-token]&y"),
        (f"TOKEN_{GHS}", "TOKEN_[REDACTED:github-token]"),
        ("keyAKIAIOSFODNN7EXAMPLE", "key[REDACTED:aws-access-key-id]"),
        ("secretxoxb-123456789012-abcdefghij", "secret[REDACTED:slack-token]"),
        ("tokeneyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln rest", "token[REDACTED:jwt] rest"),
        # longer than the old {20,255}: no tail of it survives
        ("ghp_" + "A" * 400 + " end", "[REDACTED:github-token] end"),
        ("AKIAIOSFODNN7EXAMPLEMORE", "[REDACTED:aws-access-key-id]"),
    ],
)
def test_r9_a_secret_glued_to_a_word_is_redacted_whole(text: str, expected: str) -> None:
    """R9: no `\\b` gap: `%3Aghs_…`, `TOKEN_ghs_…`, `keyAKIA…` are caught, and nothing of them remains."""
    assert redact(text) == expected


RUN_TOKEN = "zq9XkT4mP2wLr8Nb"


@pytest.mark.parametrize(
    "shape",
    [
        RUN_TOKEN,
        RUN_TOKEN.lower(),
        RUN_TOKEN.upper(),
        quote(f"{RUN_TOKEN}/x", safe=""),
        base64.b64encode(f"x-access-token:{RUN_TOKEN}".encode()).decode(),
        base64.b64encode(f":{RUN_TOKEN}".encode()).decode(),
    ],
)
def test_r8_the_runs_own_token_is_redacted_in_any_shape(shape: str) -> None:
    """R8: a token without a known prefix, lower-cased (titles, keys), URL-encoded, in a basic-auth header."""
    redactor = Redactor([RUN_TOKEN, f"{RUN_TOKEN}/x"])
    cleaned = redactor(f"before {shape} after")
    assert "[REDACTED:secret]" in cleaned
    for fragment in (RUN_TOKEN, RUN_TOKEN.lower(), RUN_TOKEN[:8], RUN_TOKEN[-8:]):
        assert fragment.lower() not in cleaned.lower()


def test_secret_shapes_skip_secrets_too_short_to_be_one() -> None:
    assert secret_shapes("abc") == set()
    assert redact("abc abc", ["abc"]) == "abc abc"


MEGA = 1_000_000


@pytest.mark.parametrize(
    "text",
    [
        "a" * MEGA,
        "eyJ" * (MEGA // 3),
        "eyJaaaa." * (MEGA // 8),  # each header one character short of a JWT's
        "a." * (MEGA // 2),
        "ghp_" * (MEGA // 4),
        "github_pat_!" * (MEGA // 12),
        "://a:" * (MEGA // 5),
        "x:" * (MEGA // 2),
        "-----BEGIN " * (MEGA // 11),
        "bearer " * (MEGA // 7),
        "aws_secret_access_key=" * (MEGA // 22),
        "@" * MEGA,
        "AKIB" * (MEGA // 4),  # one character off a mark, at every fourth position
        "SECRE" * (MEGA // 5),
        RUN_TOKEN[:-1] * (MEGA // 15),
    ],
    ids=lambda text: repr(text[:12]),
)
def test_i10_redaction_of_an_adversarial_megabyte_finishes_and_keeps_the_text(text: str) -> None:
    """I10: no secret pattern rescans a run it already scanned; these hold no secret, so nothing changes."""
    assert Redactor([RUN_TOKEN])(text) == text


def test_i10_a_megabyte_of_glued_tokens_is_one_placeholder() -> None:
    assert redact("AKIA" * (MEGA // 4)) == "[REDACTED:aws-access-key-id]"
    assert redact("ghp_" + "a" * MEGA) == "[REDACTED:github-token]"
