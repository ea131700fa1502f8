"""When the sandbox's state reaches its file: once per run, and on the way out however the run ends.

Writing the whole state after every write made a first sync of n items cost n² (5,000 items did not finish in
25 minutes). The state is now written when the server stops; should the process end first, an `atexit` hook
writes it, and SIGTERM (what `kill`, CI cancellation and `timeout` send) is turned into SystemExit so that
`with FakeGitHub(...)` blocks unwind and the hook runs. SIGKILL cannot be caught: the file then holds the
previous run's state, whole, because every write is a temporary file moved over the old one (save_state).
"""

from __future__ import annotations

import atexit
import signal
import threading
from collections.abc import Callable
from types import FrameType

TERMINATED = 128 + signal.SIGTERM  # the exit status a shell reports for a process ended by SIGTERM


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise SystemExit(TERMINATED)


class Saver:
    """Runs `save` when something changed (`dirty`) and `flush` is called, or at exit once `arm`ed."""

    def __init__(self, save: Callable[[], None]) -> None:
        self.save = save
        self.dirty = False
        self._armed = False
        self._took_sigterm = False

    def flush(self) -> None:
        if self.dirty:
            self.save()
            self.dirty = False

    def arm(self) -> None:
        if self._armed:
            return
        self._armed = True
        atexit.register(self.flush)
        # Only the main thread may set handlers; only an unset (default) handler is replaced, so an
        # application's own SIGTERM handling wins.
        main = threading.current_thread() is threading.main_thread()
        if main and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
            self._took_sigterm = True

    def disarm(self) -> None:
        if not self._armed:
            return
        self._armed = False
        atexit.unregister(self.flush)
        restorable = threading.current_thread() is threading.main_thread()
        if self._took_sigterm and restorable and signal.getsignal(signal.SIGTERM) is _exit_on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self._took_sigterm = False
