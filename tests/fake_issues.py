"""What the end-to-end tests ask of the fake GitHub's issues: the managed ones by item key."""

from __future__ import annotations

from typing import Any

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub


def issues_by_key(fake: FakeGitHub) -> dict[str, dict[str, Any]]:
    """The fake's managed issues by item key (the fake also seeds a pull request, which has no marker)."""
    found: dict[str, dict[str, Any]] = {}
    for issue in fake.issues():
        parsed = parse_issue_body(str(issue.get("body") or ""))
        if parsed is not None:
            found[parsed.marker.key] = issue
    return found


def flaky_keys(fake: FakeGitHub) -> list[str]:
    """The keys of the flaky-test items, sorted."""
    return sorted(key for key in issues_by_key(fake) if key.startswith("flaky/"))
