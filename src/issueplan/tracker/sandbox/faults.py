"""Faults a test injects into the fake: GitHub's failure modes, answered with GitHub's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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
    server.
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
