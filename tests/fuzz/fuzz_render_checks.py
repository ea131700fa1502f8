"""The R-invariants the renderer fuzz tests check, shared with the replay of former findings."""

from __future__ import annotations

import re

from inert_check import LIVE_PATTERNS, live_text, prose_of
from render_factory import RUN_TOKEN

from issueplan.model import ActionItem, HealthyFact
from issueplan.render.clean import clean_model
from issueplan.render.comments import RunEvent, RunPlace, render_close_comment, render_reopen_comment
from issueplan.render.issue import item_marker, render_issue_body, render_issue_title
from issueplan.render.managed_block import BEGIN, END, parse_issue_body
from issueplan.render.safety import BODY_LIMIT, body_length

RUN_URL = "https://github.com/octo/demo/actions/runs/1"

# (text planted in the input, the part of it that must not reach GitHub)
PLANTED = [
    ("ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw", "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw"),
    (
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJ",
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJ",
    ),
    ("ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    (
        "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    (
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    ),
    ("AIzaSyA-1234567890abcdefghijklmnopqrstu", "AIzaSyA-1234567890abcdefghijklmnopqrstu"),
    ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm_abcdefghijklmnopqrstuvwxyz0123456789"),
    (
        "Authorization: Bearer 0123456789abcdefghijKLMNOPQRSTUV",
        "0123456789abcdefghijKLMNOPQRSTUV",
    ),
    ("postgres://app:hunter2hunter2@db.internal/app", "hunter2hunter2"),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n-----END RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn",
    ),
    (RUN_TOKEN, RUN_TOKEN),
]
SECRETS = [secret for _, secret in PLANTED]
# Lines issueplan itself writes that look live to the check: the block delimiters, the marker, task boxes.
_OWN_LINE = re.compile(r"^(?:<!-- issueplan[ :].*-->)$", re.MULTILINE)
_TASK_BOX = re.compile(r"^- \[[ x]\] ", re.MULTILINE)


def assert_no_live_input(markdown: str) -> None:
    """R1-R3 on a whole body or comment: outside fences and code spans, nothing GitHub would interpret."""
    live = live_text(_TASK_BOX.sub("", _OWN_LINE.sub("", prose_of(markdown))))
    for name, pattern in LIVE_PATTERNS.items():
        found = pattern.search(live)
        assert found is None, f"live {name} {live[max(found.start() - 40, 0) : found.end() + 40]!r}"


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret {secret[:12]}… leaked"


def check_body(item: ActionItem) -> None:
    """R1-R4, R6, R7 on the issue body of `item`, cleaned as run_job cleans every report."""
    item = clean_model(item, [RUN_TOKEN], cut=False)
    body = render_issue_body(item, scope="default")

    assert len(body) <= BODY_LIMIT
    assert body_length(body) <= BODY_LIMIT
    parsed = parse_issue_body(body)
    assert parsed is not None
    assert parsed.marker == item_marker(item, "default")
    assert (parsed.before, parsed.after) == ("", "")
    assert body.startswith(BEGIN)
    assert body.endswith(END)
    assert body.count("<!--") == 3  # begin, marker, end: nothing from the input opens a comment
    assert_no_live_input(body)
    assert_no_secret(body)
    assert render_issue_body(item, scope="default", previous=body) == body


def check_title_and_comments(item: ActionItem) -> None:
    """R1, R2, R6 on the title and the close/reopen comments of `item`, cleaned as run_job cleans it."""
    item = clean_model(item, [RUN_TOKEN], cut=False)
    title = render_issue_title(item)
    assert len(title) <= 256
    assert "\n" not in title
    assert "<!--" not in title
    title_live = live_text(title, escapes=False)
    assert not LIVE_PATTERNS["mention"].search(title_live), title
    assert not LIVE_PATTERNS["reference"].search(title_live), title
    assert_no_secret(title)

    event = RunEvent(event="close", id="BUG-001", at=item.first_seen, run="1")
    place = RunPlace(event=event, run_url=RUN_URL)
    names = tuple(suite.name for suite in item.evidence.suites)
    facts = [HealthyFact(subjects=names, outcome=fact) for fact in item.evidence.facts]
    for comment in (render_close_comment(facts, place), render_reopen_comment(item, place)):
        text = comment.replace(place.event.render(), "")
        assert "<!--" not in text
        assert_no_live_input(text.replace(f"[run 1]({RUN_URL})", ""))
        assert_no_secret(comment)
