"""Where a run's evidence can be clicked: the repository's files at the run's commit, and the run itself.

A `SourceLinks` is the small value the render stage builds links from; the front ends make it from what the
workflow says (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`, `GITHUB_RUN_ID`) or from the CLI's
`--commit` / `--run-url`. It is kept out of the marker and out of every key: a new commit is no new item.

Every part is validated before it is used in a URL, and a path is linked only when it is plainly a file of
the repository (relative, no `..`, or absolute under one of the checkout's roots); anything else is shown as
text and not linked. Paths are percent-encoded, so nothing from a report can end the link or add markup.
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

import re
from collections.abc import Mapping
from functools import cache
from pathlib import PurePosixPath
from typing import NamedTuple
from urllib.parse import quote

from issueplan.errors import UsageError
from issueplan.model import Frozen
from issueplan.render.safety import code_span


class _Shapes(NamedTuple):
    """The patterns the links' parts are checked with, compiled on first use (`_shapes`): a `plan` outside a
    workflow, with no `--commit` or `--run-url`, links nothing and needs none of them."""

    server: re.Pattern[str]
    repo: re.Pattern[str]
    sha: re.Pattern[str]
    run_url: re.Pattern[str]
    run_id: re.Pattern[str]
    windows_drive: re.Pattern[str]
    run_number: re.Pattern[str]
    location_link: re.Pattern[str]
    last_seen: re.Pattern[str]


@cache
def _shapes() -> _Shapes:
    return _Shapes(
        server=re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?"),
        repo=re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}"),
        sha=re.compile(r"[0-9a-fA-F]{7,64}"),
        # A run's page: plain URL characters only (no space, quote, bracket or parenthesis that could end a
        # link).
        run_url=re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?/[A-Za-z0-9._~%/+=&?-]{0,500}"),
        run_id=re.compile(r"\d{1,20}"),
        windows_drive=re.compile(r"[A-Za-z]:/"),
        run_number=re.compile(r"/actions/runs/(\d{1,20})(?:/|$)"),
        # `[`path:line`](https://HOST/OWNER/REPO/blob/SHA/path#L1)`: the code span's content holds no backtick
        # and the URL no space or parenthesis, so each part stops at its first delimiter (linear, no
        # backtracking).
        location_link=re.compile(
            r"\[(`[^`\n]{1,3000}`)\]\(https?://[A-Za-z0-9.-]{1,253}(?::\d{1,5})?/[A-Za-z0-9_.-]{1,100}/"
            r"[A-Za-z0-9_.-]{1,100}/blob/[0-9a-f]{7,64}/[^\s()<>]{1,3000}\)"
        ),
        # Anchored at a line's start: quoted text sits indented in a fence or after a list bullet, never
        # there.
        last_seen=re.compile(r"^_Last seen (?:in|at) [^\n]{1,3000}\._\n\n", re.MULTILINE),
    )


DEFAULT_SERVER = "https://github.com"


class SourceLinks(Frozen):
    """The server, repository, commit and run a body links to; any part may be unknown (then no such link).

    `roots` are absolute folders that are the repository's root on the machine that wrote the reports (the
    workspace, the runner's checkout): an absolute path under one of them is linked by its relative part.
    """

    server: str = DEFAULT_SERVER
    repo: str | None = None
    sha: str | None = None
    run_url: str | None = None
    roots: tuple[str, ...] = ()

    def blob(self, path: str, line: int | None = None) -> str | None:
        """`{server}/{repo}/blob/{sha}/{path}#L{line}`, or None when the path is not a file of the repo."""
        if self.repo is None or self.sha is None:
            return None
        relative = self.relative(path)
        if relative is None:
            return None
        anchor = f"#L{line}" if line is not None and line > 0 else ""
        return f"{self.server}/{self.repo}/blob/{self.sha}/{quote(relative, safe='/')}{anchor}"

    def relative(self, path: str) -> str | None:
        """`path` relative to the repository root, or None when it may lie outside it."""
        text = path.replace("\\", "/")
        for root in self.roots:
            prefix = root.rstrip("/") + "/"
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
        if text.startswith("/") or _shapes().windows_drive.match(text) or ":" in text.split("/", 1)[0]:
            return None  # absolute outside every root, or a URL such as file:// or https://
        parts = [part for part in PurePosixPath(text).parts if part != "."]
        if not parts or ".." in parts or any(not part.strip() for part in parts):
            return None
        return "/".join(parts)

    @property
    def commit_url(self) -> str | None:
        if self.repo is None or self.sha is None:
            return None
        return f"{self.server}/{self.repo}/commit/{self.sha}"


def read_source_links(
    env: Mapping[str, str],
    *,
    repo: str | None = None,
    commit: str | None = None,
    run_url: str | None = None,
    workspace: str | None = None,
) -> SourceLinks:
    """`source_links`, refusing a value that is given but unusable: a UsageError naming where it came from
    (`--commit`, `--run-url`, `$GITHUB_SHA`, …) and what it should look like."""
    shapes = _shapes()
    checks = (
        (commit, "--commit", shapes.sha, "a commit SHA of 7 to 64 hex digits"),
        (
            env.get("GITHUB_SHA") if commit is None else None,
            "$GITHUB_SHA",
            shapes.sha,
            "a commit SHA of hex digits",
        ),
        (run_url, "--run-url", shapes.run_url, "an http(s) URL of plain URL characters"),
        (
            env.get("GITHUB_SERVER_URL"),
            "$GITHUB_SERVER_URL",
            shapes.server,
            "a server root such as https://github.com",
        ),
        (
            env.get("GITHUB_RUN_ID") if run_url is None else None,
            "$GITHUB_RUN_ID",
            shapes.run_id,
            "a decimal run id",
        ),
    )
    for value, name, pattern, wanted in checks:
        if value and not pattern.fullmatch(value.rstrip("/") if name == "$GITHUB_SERVER_URL" else value):
            raise UsageError(
                f"{name} {value[:100]!r}: not {wanted}; it is used to link issues to the run's code. "
                "Give a valid value, or leave it unset for issues without those links"
            )
    return source_links(env, repo=repo, commit=commit, run_url=run_url, workspace=workspace)


def source_links(
    env: Mapping[str, str],
    *,
    repo: str | None = None,
    commit: str | None = None,
    run_url: str | None = None,
    workspace: str | None = None,
) -> SourceLinks:
    """The links a run can give, from its options where given, else the workflow's environment; a part that
    does not look like what it should be is dropped (no link is better than a wrong or unsafe one)."""
    shapes = _shapes()
    server = (env.get("GITHUB_SERVER_URL") or DEFAULT_SERVER).rstrip("/")
    server = server if shapes.server.fullmatch(server) else DEFAULT_SERVER
    repository = repo or env.get("GITHUB_REPOSITORY") or None
    repository = repository if repository and shapes.repo.fullmatch(repository) else None
    sha = commit or env.get("GITHUB_SHA") or None
    sha = sha.lower() if sha and shapes.sha.fullmatch(sha) else None
    run = run_url or _workflow_run(env, server, repository)
    run = run if run and shapes.run_url.fullmatch(run) else None
    roots = [workspace] if workspace else []
    if env.get("GITHUB_WORKSPACE"):
        roots.append(env["GITHUB_WORKSPACE"])
    if repository:  # reports written on the runner, read in the action's container
        name = repository.split("/", 1)[1]
        roots.append(f"/home/runner/work/{name}/{name}")
    unique = tuple(dict.fromkeys(root for root in roots if root.startswith("/") and len(root) > 1))
    return SourceLinks(server=server, repo=repository, sha=sha, run_url=run, roots=unique)


def _workflow_run(env: Mapping[str, str], server: str, repository: str | None) -> str | None:
    run_id = env.get("GITHUB_RUN_ID")
    if repository is None or not run_id or not run_id.isdecimal():
        return None
    return f"{server}/{repository}/actions/runs/{run_id}"


def location(place: str, url: str | None, *, in_table: bool = False) -> str:
    """A location as Markdown: `path:line` as a code span, linked when there is a URL (the one spelling of a
    location link, which `without_source_links` recognises); `in_table` escapes its pipes for a cell."""
    shown = code_span(place, in_table=in_table)
    return f"[{shown}]({url})" if url else shown


def last_seen_line(links: SourceLinks | None) -> str:
    """`_Last seen in [run 42](…) at commit [`abc1234`](…)._` and a blank line; empty when nothing known."""
    if links is None:
        return ""
    parts = []
    if links.run_url:
        found = _shapes().run_number.search(links.run_url)
        parts.append(f"in [{f'run {found.group(1)}' if found else 'this run'}]({links.run_url})")
    if links.commit_url and links.sha:
        parts.append(f"at commit [{code_span(links.sha[:SHORT_SHA])}]({links.commit_url})")
    return f"_Last seen {' '.join(parts)}._\n\n" if parts else ""


def without_source_links(body: str) -> str:
    """`body` as it reads with no link to the run or its commit: location links become their plain code
    span and the last-seen line goes. Two bodies that differ only by their commit or run compare equal, so a
    re-run on a new commit with the same results edits nothing (S1); a body is rewritten, with fresh links,
    only when something else changed."""
    # Every body of a no-op sync comes here twice: skip the patterns when their fixed parts are absent.
    if "](http" in body:
        body = _shapes().location_link.sub(r"\1", body)
    return _shapes().last_seen.sub("", body) if "_Last seen " in body else body


SHORT_SHA = 7
