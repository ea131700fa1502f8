"""The embedded GitHub: a stateful, GitHub-compatible REST server on loopback.

It backs `issueplan sync --sandbox DIR` (state kept in DIR, so repeated runs show the issue lifecycle
offline) and is the fake GitHub of the test suite (every request recorded, faults injectable).
Stdlib and pydantic only: it ships in the package.
"""

from issueplan.tracker.sandbox.faults import Fault
from issueplan.tracker.sandbox.server import Exchange, FakeGitHub

__all__ = ["Exchange", "FakeGitHub", "Fault"]
