"""The job summary's list of the issues a run touched, as rows: by number and linked where the run knows its
repository (`issues_url`). Which issues those are, and what became of each, summary_touched.py reads from
the sync's record; this module needs nothing of the tracker, so a plan-only run does not load it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from issueplan.render.safety import Span, neutralise

if TYPE_CHECKING:
    from issueplan.render.summary_touched import TouchedIssue


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A repository's name and a run's page, compiled on first use (a `plan` shows no issues page)."""
    return (
        re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}"),
        re.compile(
            r"(https?://[A-Za-z0-9.-]+(?::\d{1,5})?)/([A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100})/actions/runs/\d+"
        ),
    )


def issue_rows(touched: list[TouchedIssue], issues_url: str | None) -> list[str]:
    """Table rows `| [#12](…/issues/12) | BUG-004 | title | created |`."""
    rows = []
    for entry in touched:
        number = issue_reference(entry.number, issues_url)
        cells = (neutralise(text, Span.CELL) for text in (entry.item_id, entry.title, entry.change))
        rows.append(f"| {number} | {' | '.join(cells)} |\n")
    return rows


def issue_reference(number: int | None, issues_url: str | None) -> str:
    """`[#12](https://github.com/o/r/issues/12)`, `#12` when the repository's page is unknown, `new` for a
    create that has no number yet."""
    if number is None:
        return "new"
    return f"[#{number}]({issues_url}/{number})" if issues_url else f"#{number}"


def issues_url(api_url: str, repo: str | None, run_url: str | None = None) -> str | None:
    """The repository's issues page. The workflow's server when the run's own page names it
    (`{GITHUB_SERVER_URL}/{repo}/actions/runs/{id}`), else the web server of the REST API the run synced
    with: `https://api.github.com` → `https://github.com/OWNER/NAME/issues`, `https://HOST/api/v3` (GitHub
    Enterprise Server) → `https://HOST/OWNER/NAME/issues`, `https://api.SUB.ghe.com` → `https://SUB.ghe.com/…`.
    None for any other API (a local server has no web pages)."""
    repo_shape, run_shape = _patterns()
    if not repo or not repo_shape.fullmatch(repo):
        return None
    run = run_shape.fullmatch(run_url or "")
    if run and run.group(2) == repo:
        return f"{run.group(1)}/{repo}/issues"
    parts = urlsplit(api_url.rstrip("/"))
    host = parts.netloc
    if parts.scheme != "https" or not host:
        return None
    if parts.path == "/api/v3":
        return f"https://{host}/{repo}/issues"
    if parts.path == "" and host.startswith("api.") and "." in host[4:]:
        return f"https://{host[4:]}/{repo}/issues"
    return None
