"""How long to wait before retrying GitHub, and PyGithub's retry with that wait and an injectable sleep.

GitHub's rule (FACTS §5): wait `retry-after` seconds when given; else, when `x-ratelimit-remaining` is
0, until `x-ratelimit-reset`; else at least a minute, backing off exponentially, giving up after a few tries.
PyGithub's GithubRetry sleeps through urllib3's `time.sleep` and retries POST (a 502 on a create would then
duplicate the issue), so this subclass takes the sleep and the clock as values, leaves POST out, and adds 429.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Self

from github import GithubRetry
from github.Requester import Requester
from urllib3.response import BaseHTTPResponse

Sleep = Callable[[float], None]
Clock = Callable[[], float]

SECONDARY_WAIT = 60.0
MAX_WAIT = 15 * 60.0
MAX_RETRIES = 4
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PATCH", "PUT", "DELETE", "OPTIONS"})
RATE_LIMIT_STATUSES = frozenset({403, 429})


def rate_limit_wait(headers: Mapping[str, Any], *, attempt: int, now: float) -> float:
    """Seconds to wait after the `attempt`-th (1-based) rate-limited answer, capped at MAX_WAIT."""
    folded = {str(name).lower(): str(value) for name, value in headers.items()}
    retry_after = folded.get("retry-after", "")
    if retry_after.isdigit():
        return min(float(retry_after), MAX_WAIT)
    reset = folded.get("x-ratelimit-reset", "")
    if folded.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        # +1: it is not known when within that second the window resets
        return min(max(float(reset) - now, 0.0) + 1.0, MAX_WAIT)
    return min(SECONDARY_WAIT * float(2 ** max(attempt - 1, 0)), MAX_WAIT)


def is_rate_limited(status: int, headers: Mapping[str, Any], message: str) -> bool:
    """A 429, or a 403 that says rate limit (a 403 may also be a plain refusal: that one is final)."""
    if status == 429:
        return True
    if status != 403:
        return False
    folded = {str(name).lower() for name in headers}
    return "retry-after" in folded or bool(Requester.isRateLimitError(message))


class PacedRetry(GithubRetry):
    """GithubRetry for idempotent methods, 5xx and rate limits (403/429), sleeping through `sleep`."""

    def __init__(self, *, sleep: Sleep = time.sleep, clock: Clock = time.time, **kwargs: Any) -> None:
        self.pause = sleep
        self.clock = clock
        kwargs.setdefault("total", MAX_RETRIES)
        kwargs.setdefault("allowed_methods", IDEMPOTENT_METHODS)
        kwargs.setdefault("status_forcelist", [*range(500, 600), 429])
        kwargs.setdefault("backoff_factor", 1.0)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> Self:
        kw.update(sleep=self.pause, clock=self.clock)
        return super().new(**kw)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if response is not None and response.status in RATE_LIMIT_STATUSES:
            wait = rate_limit_wait(response.headers, attempt=len(self.history), now=self.clock())
        else:
            wait = float(self.get_backoff_time())
        if wait > 0:
            self.pause(wait)
