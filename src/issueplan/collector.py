"""The cyclic garbage collector paused while a run builds many containers that hold no cycles: a sync (read,
diff, apply; with --sandbox also the server's state loaded and written) and a large JSON report's tree.

A sync holds thousands of listed issues, parsed bodies and rendered texts at once; every 700 new containers
start a collection, and every tenth of those walks everything the run built so far again, so the collector
took about a third of a no-op's CPU, growing faster than the number of items (the sandbox's 5,000 items cost
more than 5 times its 1,000). A sync makes almost no cyclic garbage (about one object a write: what is left
behind is freed by reference counting), so nothing piles up while the collector waits; it runs again, and
catches up, as soon as the sync ends. Parsed JSON holds no cycles at all: on a 90 MB report the collector's
walks of the growing tree were a quarter of the time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside, and as it was before afterwards whatever happens (nested use is fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle_as_old() -> None:
    """Count everything the collector tracks as old (its oldest generation), without a walk.

    A reader that built 100k findings with the collector paused leaves them all young: the next collections
    would walk them on their way to the oldest generation (the first walk alone took 0.4 s of a 90 MB SARIF
    log's 3 s read), only to find what reference counting frees anyway. Moved there at once (gc.freeze, then
    gc.unfreeze: two list splices), they wait for the next full collection like any long-lived object; a cycle
    among them, or made before, is still collected by it. Where objects are frozen already (a command's
    start-up, launcher.py), unfreezing would thaw them too: the new objects are frozen with them instead, out
    of every walk (reference counting still frees them; only a cycle among them would wait for the exit).
    Call it with the collector paused."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
    else:
        gc.freeze()
