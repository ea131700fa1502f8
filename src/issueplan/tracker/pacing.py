"""How writes are spaced: start to start, so the time a request takes counts towards the gap.

GitHub's secondary limit allows about 80 content-creating requests a minute (FACTS §5). PyGithub's own
`seconds_between_writes` waits the interval after each write *ends*, so with ~0.4 s a request a 1 s interval
made 1,000 creates take ~24 minutes; spacing the *starts* keeps the rate at 60 / interval a minute (75 at the
default 0.8 s) whatever the latency, and a slow answer uses up its own share of the wait.
"""

from __future__ import annotations

from issueplan.tracker.retry import Clock, Sleep


class WritePacer:
    """Call `wait()` right before each write: it sleeps until `interval` s after the last write's start."""

    def __init__(self, interval: float, *, clock: Clock, sleep: Sleep) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.last_start: float | None = None

    def wait(self) -> None:
        now = self.clock()
        if self.last_start is not None and self.interval > 0:
            delay = self.last_start + self.interval - now
            if delay > 0:
                self.sleep(delay)
                now = self.clock()
        self.last_start = now


def writes_per_minute(interval: float) -> float:
    """The most writes a minute `interval` allows (a README and benchmark figure)."""
    return float("inf") if interval <= 0 else 60.0 / interval
