"""Read every page of one GitHub listing, following `Link: rel="next"` — bounded, and only on the API host.

The `Link` header comes from the server, so it is untrusted like everything else it sends: a next URL on
another host would carry the token there (PyGithub sends its `Authorization` header to any host of the API's
domain), a link to the page itself pages forever, and an unreadable header silently ends the listing early —
which makes the diff create every issue it did not see. Each of those is a `GitHubError` (exit 4) before any
write. At most `MAX_PAGES` pages are read per listing (100 issues a page: 50,000 issues).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import orjson
import requests
from github import GithubException
from github.Repository import Repository

from issueplan.errors import GitHubError

PER_PAGE = 100
MAX_PAGES = 500
# One parameter of a `Link` entry (`rel="next"`): name and value hold no space, so matching stays linear.
_LINK_PARAM = re.compile(r'\s*([A-Za-z*-]+)\s*=\s*(?:"([^"]*)"|([^\s;,"]+))\s*')
_SHOWN = 200  # characters of a bad header or URL quoted in a message

Page = tuple[str, frozenset[tuple[str, str]]]  # a page's identity: its path and its query pairs


def read_pages(repo: Repository, path: str, parameters: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """Every page of `repo.url/path`; one failed page fails the whole read (S4), and so does a `Link` that
    leaves the listing, loops, cannot be read or goes past MAX_PAGES (S21).

    Raw pages rather than PyGithub's PaginatedList: its items complete themselves with one GET each as soon
    as an attribute is absent from the listing (e.g. `pull_request` on a plain issue), which would turn a
    read of ceil(n/100) requests into n; and it follows any `next` URL it is given.

    A last page that is full is a hint that the `Link` header lost the next page (GitHub sends `rel="next"`
    on every page but the last): only then one more page is asked for by number, and if it holds anything
    new the listing cannot be trusted.
    """
    start = f"{repo.url}/{path}"
    # A lazy repository's url is relative to the API root (`/repos/OWNER/NAME`): links are checked against
    # the absolute URL PyGithub sends.
    own = start if urlsplit(start).scheme else repo.requester.base_url.rstrip("/") + start
    query = {**parameters, "per_page": PER_PAGE}
    try:
        found, pages, full = _follow(repo, start, own, query, what)
        if full and pages < MAX_PAGES:
            _probe_after(repo, start, {**query, "page": pages + 1}, found, what)
    except GithubException as error:
        raise GitHubError(
            f"could not {what}: GitHub answered {error.status} ({_message(error)}); nothing was written. "
            "Re-run the sync; if it persists, check https://www.githubstatus.com and the token's access."
        ) from error
    except requests.RequestException as error:
        raise GitHubError(
            f"could not {what}: {type(error).__name__}; nothing was written. Re-run the sync."
        ) from error
    return found


def _follow(
    repo: Repository, start: str, own: str, query: dict[str, Any], what: str
) -> tuple[list[dict[str, Any]], int, bool]:
    """(entries, pages read, whether the last page was full), following checked next links."""
    url, base = start, own
    sent: dict[str, Any] | None = query
    seen = {_page_identity(own, query)}
    found: list[dict[str, Any]] = []
    pages = 0
    while True:
        headers, data = _get(repo, url, sent)
        pages += 1
        if not isinstance(data, list):
            raise GitHubError(f"could not {what}: GitHub answered with something other than a list")
        found.extend(item for item in data if isinstance(item, dict))
        link = next_link(headers, what)
        if link is None:
            return found, pages, len(data) >= PER_PAGE
        # The next link carries the query already; a relative one is relative to the page it came with.
        url, sent = _checked_next(link, base, own, what), None
        base = url
        identity = _page_identity(url, None)
        if identity in seen:
            raise GitHubError(
                f"could not {what}: GitHub's Link header points back to a page already read ({_shown(url)}); "
                "following it would never end, so nothing was written. Re-run the sync; if it persists, the "
                "server (or a proxy before it) rewrites Link headers."
            )
        seen.add(identity)
        if pages == MAX_PAGES:
            raise GitHubError(
                f"could not {what}: GitHub offered more than {MAX_PAGES} pages of {PER_PAGE}; issueplan "
                "stops there rather than page without end, and nothing was written. If the repository really "
                "holds that many, split the items with --scope."
            )


def _probe_after(
    repo: Repository, start: str, query: dict[str, Any], found: list[dict[str, Any]], what: str
) -> None:
    """Ask for the page after a full last one: anything new there means the `Link` header lost it."""
    _, data = _get(repo, start, query)
    known = {entry.get("id") for entry in found}
    if isinstance(data, list) and any(isinstance(e, dict) and e.get("id") not in known for e in data):
        raise GitHubError(
            f"could not {what}: GitHub's pages ended on a full page without a next link, yet page "
            f"{query['page']} holds more; the listing cannot be trusted (issues missing from it would be "
            "opened again), so nothing was written. Re-run the sync; if it persists, the server (or a proxy "
            "before it) drops Link headers."
        )


def _get(repo: Repository, url: str, parameters: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
    """PyGithub's `requestJsonAndCheck("GET", …)`, the page decoded with orjson (a no-op sync's pages are
    megabytes of JSON, and the standard decoder took a fifth of its instructions). The URL is the listing's
    own or a next link `_checked_next` kept on the API origin, so the requester's default connection is the
    one PyGithub would choose."""
    status, headers, output = repo.requester.requestJson("GET", url, parameters)
    data = _decoded(output)
    if status >= 400:
        raise repo.requester.createException(status, headers, data)
    return headers, data


def _decoded(text: str) -> Any:
    """As PyGithub decodes an answer: None when empty, the JSON value, else `{"data": text}` unless it looks
    like JSON. What orjson refuses (NaN, a lone surrogate, an infinite float) is left to the standard decoder.

    orjson reads an integer beyond 64 bits as a float: issue, milestone and sub-issue numbers and ids are
    StrictInt (tracker/tracked.py), so such a number is refused, as any other value issueplan cannot use."""
    if not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text)
    except ValueError:
        if text.startswith(("{", "[")):
            raise
        return {"data": text}


def next_link(headers: Mapping[str, Any], what: str) -> str | None:
    """The `rel="next"` URL of a `Link` header, None when there is none; a header that is not a list of
    `<url>; rel="…"` entries is a GitHubError (ending the listing there would hide the pages after it)."""
    text = ", ".join(str(value) for name, value in headers.items() if name.lower() == "link")
    if not text.strip():
        return None
    next_url: str | None = None
    for entry in _split_entries(text):
        parsed = _link_entry(entry)
        if parsed is None:
            raise GitHubError(
                f"could not {what}: GitHub's Link header is malformed ({_shown(text)!r}); issueplan cannot "
                "tell whether more pages follow, so nothing was written. Re-run the sync; if it persists, "
                "the server (or a proxy before it) rewrites Link headers."
            )
        target, rels = parsed
        if "next" in rels:
            if next_url is not None and next_url != target:
                raise GitHubError(
                    f"could not {what}: GitHub's Link header names two different next pages "
                    f"({_shown(text)!r}); nothing was written. Re-run the sync."
                )
            next_url = target
    return next_url


def _link_entry(entry: str) -> tuple[str, set[str]] | None:
    """`<url>; rel="next"; …` as (url, rels), or None when it is not of that shape (RFC 8288, as GitHub
    writes it: no `;` inside a quoted value)."""
    text = entry.strip()
    close = text.find(">")
    target = text[1:close]
    if not text.startswith("<") or close < 2 or any(c in target for c in "<> \t"):
        return None
    first, *params = text[close + 1 :].split(";")
    if first.strip():
        return None
    rels: set[str] = set()
    for param in params:
        match = _LINK_PARAM.fullmatch(param)
        if match is None:
            return None
        if match.group(1).lower() == "rel":
            rels.update(rel.lower() for rel in (match.group(2) or match.group(3) or "").split())
    return target, rels


def _split_entries(text: str) -> list[str]:
    """Entries are separated by commas outside `<…>` and quotes (a URL may hold a comma: `labels=a,b`)."""
    entries: list[str] = []
    current: list[str] = []
    in_url = quoted = False
    for char in text:
        if char == "<" and not quoted:
            in_url = True
        elif char == ">" and not quoted:
            in_url = False
        elif char == '"' and not in_url:
            quoted = not quoted
        elif char == "," and not in_url and not quoted:
            entries.append("".join(current))
            current = []
            continue
        current.append(char)
    entries.append("".join(current))
    return entries


def _checked_next(link: str, base: str, own: str, what: str) -> str:
    """The absolute next URL, which must be the same listing on the same API origin: the token goes nowhere
    else. `base` is the page the link came with (a relative link is relative to it)."""
    own_parts = urlsplit(own)
    try:
        url = urljoin(base, link)
        given = urlsplit(url)
        same_origin = (
            given.scheme.lower() == own_parts.scheme.lower()
            and (given.hostname or "") == (own_parts.hostname or "")
            and _port(given.scheme, given.port) == _port(own_parts.scheme, own_parts.port)
            and not given.username
            and not given.password
        )
    except ValueError as error:  # a port that is not a number, a broken IPv6 host
        raise GitHubError(
            f"could not {what}: GitHub's Link header is malformed ({_shown(link)!r}: {error}); issueplan "
            "cannot tell whether more pages follow, so nothing was written. Re-run the sync; if it persists, "
            "the server (or a proxy before it) rewrites Link headers."
        ) from error
    if not same_origin:
        raise GitHubError(
            f"could not {what}: GitHub's Link header points to another host ({_shown(url)}); issueplan only "
            f"follows links on {own_parts.scheme}://{own_parts.netloc}, so the token was not sent there and "
            "nothing was written. Check --api-url, or the proxy before the server."
        )
    if not _same_listing(given.path, own_parts.path):
        raise GitHubError(
            f"could not {what}: GitHub's Link header points to another resource ({_shown(url)}) than the "
            f"listing it continues ({own_parts.path}); nothing was written. Re-run the sync."
        )
    return url


def _same_listing(path: str, own: str) -> bool:
    """`/repos/OWNER/NAME/issues`, or the id form GitHub's own links use: `/repositories/ID/issues`."""
    if path.casefold() == own.casefold():
        return True
    prefix, _, rest = own.partition("/repos/")
    resource = rest.split("/", 2)[2:]  # after OWNER/NAME
    if not resource:
        return False
    pattern = re.escape(f"{prefix}/repositories/") + r"\d+/" + re.escape(resource[0])
    return re.fullmatch(pattern, path) is not None


def _port(scheme: str, port: int | None) -> int | None:
    if port is not None:
        return port
    return {"http": 80, "https": 443}.get(scheme.lower())


def _page_identity(url: str, query: Mapping[str, Any] | None) -> tuple[str, frozenset[tuple[str, str]]]:
    parts = urlsplit(url)
    given = ((name, str(value)) for name, value in (query or {}).items())
    pairs = {*parse_qsl(parts.query, keep_blank_values=True), *given}
    return parts.path.casefold(), frozenset(pairs)


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _message(error: GithubException) -> str:
    data = error.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return str(data) if data else "no message"
