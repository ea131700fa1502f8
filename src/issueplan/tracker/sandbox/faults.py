"""Faults a test injects into the fake: GitHub's failure modes, answered with GitHub's own words."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from issueplan.tracker.sandbox.replies import Reply

# Changes the real answer (a listing's entries or headers) instead of replacing it; gets the request's own
# absolute URL, for a `Link` that points back to it.
Rewrite = Callable[[str, Reply], None]

DOCS = "https://docs.github.com/rest"
SECONDARY_RATE_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000."
)
NOT_ACCESSIBLE = "Resource not accessible by integration"
SERVER_ERRORS = {500: "Server Error", 502: "Server Error", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class Fault:
    """Answer the next `times` requests whose method matches (or `*`) and whose path (as sent, without the
    query) matches the regex `path` with `status`, `headers` and the JSON `body`.

    `apply_first` performs the real operation first ("a create that succeeds and then answers 502");
    `drop_connection` closes the socket without an answer; `delay` (seconds) only for tests that need a slow
    server. `rewrite` answers with the real reply, changed in place (a listing that repeats an entry, a bad
    `Link` header); `status`, `headers` and `body` are then unused.
    """

    method: str = "*"
    path: str = ".*"
    status: int = 500
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    apply_first: bool = False
    drop_connection: bool = False
    delay: float = 0.0
    rewrite: Rewrite | None = None

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and self.method.upper() in ("*", method.upper())
            and re.search(self.path, path) is not None
        )

    def answer_body(self) -> Any:
        if self.body is not None:
            return self.body
        return {"message": SERVER_ERRORS.get(self.status, "Error"), "documentation_url": DOCS}

    @classmethod
    def secondary_rate_limit(
        cls, retry_after: int | None = None, *, method: str = "*", path: str = ".*", times: int = 1
    ) -> Fault:
        """403 with GitHub's secondary-limit message; `retry-after` only when given (often it is not)."""
        headers = {} if retry_after is None else {"retry-after": str(retry_after)}
        body = {
            "message": SECONDARY_RATE_LIMIT,
            "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        }
        return cls(method=method, path=path, status=403, times=times, headers=headers, body=body)

    @classmethod
    def too_many_requests(
        cls, retry_after: int | None = 7, *, method: str = "*", path: str = ".*", times: int = 1
    ) -> Fault:
        """429, which GitHub also uses for secondary limits (PyGithub does not retry it by default)."""
        headers = {} if retry_after is None else {"retry-after": str(retry_after)}
        body = {
            "message": SECONDARY_RATE_LIMIT,
            "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        }
        return cls(method=method, path=path, status=429, times=times, headers=headers, body=body)

    @classmethod
    def primary_rate_limit(
        cls, reset_epoch: int, *, method: str = "*", path: str = ".*", times: int = 1
    ) -> Fault:
        """403 with `x-ratelimit-remaining: 0`: wait until `x-ratelimit-reset`."""
        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset_epoch)}
        body = {
            "message": "API rate limit exceeded for installation ID 1.",
            "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api#about-primary-rate-limits",
        }
        return cls(method=method, path=path, status=403, times=times, headers=headers, body=body)

    @classmethod
    def server_error(
        cls,
        status: int = 502,
        *,
        method: str = "*",
        path: str = ".*",
        times: int = 1,
        apply_first: bool = False,
    ) -> Fault:
        return cls(method=method, path=path, status=status, times=times, apply_first=apply_first)

    @classmethod
    def forbidden_integration(cls, *, method: str = "*", path: str = ".*", times: int = 1) -> Fault:
        """403 "Resource not accessible by integration": a missing token permission; never worth a retry."""
        body = {"message": NOT_ACCESSIBLE, "documentation_url": f"{DOCS}/issues/issues#create-an-issue"}
        return cls(method=method, path=path, status=403, times=times, body=body)

    # --- listings that cannot be trusted (S19, S21): the real answer, changed ------------------------------

    @classmethod
    def link_header(cls, value: str, *, path: str = r"/issues$", times: int = 1) -> Fault:
        """The listing's real entries under another `link` header; `{self}` in `value` is the request's own
        URL (a self-loop), e.g. `'<{self}>; rel="next"'`, or a link to another host, or a malformed one."""

        def relink(own_url: str, reply: Reply) -> None:
            reply.headers["link"] = value.replace("{self}", own_url)

        return cls(method="GET", path=path, times=times, rewrite=relink)

    @classmethod
    def odd_value(cls, name: str, value: Any, *, path: str = r"/issues$", times: int = 1) -> Fault:
        """The listing's first entry with `name` set to a value GitHub's schema does not have (an issue
        `state` of `merged`, a `number` that is a string): what a changed or broken API would send."""

        def change(_own_url: str, reply: Reply) -> None:
            if isinstance(reply.body, list) and reply.body and isinstance(reply.body[0], dict):
                reply.body = [{**reply.body[0], name: value}, *reply.body[1:]]

        return cls(method="GET", path=path, times=times, rewrite=change)

    @classmethod
    def repeated_entry(cls, *, path: str = r"/issues$", times: int = 1) -> Fault:
        """A listing page that holds its first entry twice, as when two runs page at once."""

        def repeat(_own_url: str, reply: Reply) -> None:
            if isinstance(reply.body, list) and reply.body:
                reply.body = [*reply.body, reply.body[0]]

        return cls(method="GET", path=path, times=times, rewrite=repeat)

    @classmethod
    def offset_shift(cls, *, path: str = r"/issues$") -> Fault:
        """GitHub's offset pagination shifting while it is read (an issue was created between two pages):
        the second page starts with the last entry of the first again."""
        carried: list[Any] = []

        def shift(_own_url: str, reply: Reply) -> None:
            if not isinstance(reply.body, list) or not reply.body:
                return
            if carried:
                reply.body = [carried[-1], *reply.body]
            carried.append(reply.body[-1])

        return cls(method="GET", path=path, times=2, rewrite=shift)
