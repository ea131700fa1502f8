"""FakeGitHub: a stateful GitHub REST server on loopback — the `--sandbox` backend and the tests' fake GitHub.

Every request is answered by real HTTP, recorded as an `Exchange`, and can be made to fail with a `Fault`.
One lock serialises all state access, so concurrent clients see GitHub-like, consistent answers.
With a `state_dir`, the state is written once, when the server stops (or the process exits, or gets
SIGTERM): rewriting it after every write made a sync of n items cost n² (see persistence.py).
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from issueplan.tracker.sandbox import people
from issueplan.tracker.sandbox.dispatch import WRITE_METHODS, Permission, Request, Settings, dispatch
from issueplan.tracker.sandbox.faults import Fault
from issueplan.tracker.sandbox.graphql_routes import GRAPHQL_PATHS, is_mutation
from issueplan.tracker.sandbox.persistence import Saver
from issueplan.tracker.sandbox.project_people import ProjectActions
from issueplan.tracker.sandbox.replies import Reply
from issueplan.tracker.sandbox.shapes import Site
from issueplan.tracker.sandbox.state import STATE_FILE, RepoState, load_state, new_repo_state, save_state

RATE_LIMITS = {"core": 5000, "search": 30, "graphql": 5000}
SHUTDOWN_POLL = 0.02  # seconds; stop() waits up to this long for the serving loop to notice


@dataclass
class Exchange:
    """One recorded request and its answer. `status` is 0 when the fake dropped the connection."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None
    injected: bool = False  # answered by a Fault rather than by the fake's GitHub logic


def _now() -> datetime:
    return datetime.now(UTC)


class FakeGitHub(people.HumanActions, ProjectActions):
    """A context manager: `with FakeGitHub() as gh: Github(base_url=gh.base_url, …)`."""

    def __init__(
        self,
        *,
        state_dir: Path | None = None,
        owner: str = "octo",
        repo: str = "demo",
        login: str = "github-actions[bot]",
        token: str | None = None,
        permissions: str = "write",
        api_prefix: str = "",
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.state_dir = state_dir
        self.owner, self.repo, self.login, self.token = owner, repo, login, token
        self.permission = Permission(permissions)
        self.api_prefix = api_prefix.rstrip("/")
        self.clock = clock
        self.site = Site(origin="http://127.0.0.1", prefix=self.api_prefix)
        self.base_url = ""
        self.exchanges: list[Exchange] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self.state: RepoState = self._load()
        self._saver = Saver(self._save)
        self._used = dict.fromkeys(RATE_LIMITS, 0)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------

    def _load(self) -> RepoState:
        loaded = None if self.state_dir is None else load_state(self.state_dir / STATE_FILE)
        return loaded or new_repo_state(self.owner, self.repo, self.now())

    def now(self) -> datetime:
        return self.clock().astimezone(UTC).replace(microsecond=0)

    def start(self) -> str:
        """Serve on 127.0.0.1 on an ephemeral port; returns the API base URL (with any api_prefix)."""
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        port = self._httpd.server_address[1]
        self.site = Site(origin=f"http://127.0.0.1:{port}", prefix=self.api_prefix)
        self.base_url = self.site.api
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(SHUTDOWN_POLL,), name="fake-github", daemon=True
        )
        self._thread.start()
        if self.state_dir is not None:
            self._saver.arm()
        return self.base_url

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()
        self._saver.disarm()

    def __enter__(self) -> FakeGitHub:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # --- recording and faults ----------------------------------------------------------------------------

    def writes(self) -> list[Exchange]:
        """Requests that may change something: REST writes and GraphQL mutations (a GraphQL query is a POST
        that reads)."""
        return [
            e
            for e in self.exchanges
            if e.method in WRITE_METHODS and (e.path not in GRAPHQL_PATHS or is_mutation(e.body))
        ]

    def graphql(self) -> list[Exchange]:
        """Every GraphQL request, queries and mutations."""
        return [e for e in self.exchanges if e.path in GRAPHQL_PATHS]

    def clear_log(self) -> None:
        with self.lock:
            self.exchanges.clear()

    def inject(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def persist(self) -> None:
        """The state changed: it is saved once, by `flush` (at stop, exit or SIGTERM)."""
        self.state.touch()
        self._saver.dirty = True

    def flush(self) -> None:
        """Write the state now if it changed since it was last written (atomically: see save_state)."""
        with self.lock:
            self._saver.flush()

    def _save(self) -> None:
        if self.state_dir is not None:
            save_state(self.state, self.state_dir / STATE_FILE)

    # --- answering ---------------------------------------------------------------------------------------

    def answer(self, request: Request) -> tuple[Reply | None, float]:
        """The reply to send (None: drop the connection) and how long to wait first. Records the exchange."""
        with self.lock:
            fault = next((f for f in self.faults if f.matches(request.method, request.path)), None)
            if fault is not None:
                fault.times -= 1
            reply: Reply | None
            if fault is None or fault.apply_first or fault.rewrite is not None:
                settings = Settings(self.site, self.login, self.token, self.permission)
                reply = dispatch(request, settings, self.state, self.now())
                if request.method in WRITE_METHODS:
                    self.state.touch()  # even a refused write may have changed something before refusing
                if request.method in WRITE_METHODS and reply.status < 400:
                    self.persist()
            if fault is not None and fault.rewrite is not None and reply is not None:
                own_url = f"{self.site.origin}{request.path}"
                fault.rewrite(f"{own_url}?{urlencode(request.query)}" if request.query else own_url, reply)
            elif fault is not None:
                reply = (
                    None
                    if fault.drop_connection
                    else Reply(fault.status, fault.answer_body(), dict(fault.headers))
                )
            if reply is not None:
                self._decorate(request, reply)
            self.exchanges.append(
                Exchange(
                    method=request.method,
                    path=request.path,
                    query=dict(request.query),
                    headers=dict(request.headers),
                    body=request.body,
                    status=0 if reply is None else reply.status,
                    response_headers={} if reply is None else dict(reply.headers),
                    response_body=None if reply is None else reply.body,
                    injected=fault is not None,
                )
            )
            return reply, 0.0 if fault is None else fault.delay

    def _decorate(self, request: Request, reply: Reply) -> None:
        """Rate-limit headers on every answer; an ETag on successful GETs, and 304 when the client has it."""
        if request.method == "GET" and reply.status == 200:
            digest = hashlib.sha256(json.dumps(reply.body, sort_keys=True).encode()).hexdigest()[:40]
            etag = f'W/"{digest}"'
            reply.headers.setdefault("etag", etag)
            reply.headers.setdefault("cache-control", "private, max-age=60, s-maxage=60")
            sent = {
                tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")
            }
            if etag.removeprefix("W/") in sent:
                reply.status, reply.body = 304, None
        resource = "search" if request.path.endswith("/search/issues") else "core"
        if request.path in GRAPHQL_PATHS:  # GitHub counts GraphQL in a budget of its own
            resource = "graphql"
        if reply.status != 304:  # GitHub: a 304 does not count against the primary limit
            self._used[resource] += 1
        limit = RATE_LIMITS[resource]
        reset = (int(self.now().timestamp()) // 3600 + 1) * 3600
        defaults = {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(0, limit - self._used[resource])),
            "x-ratelimit-used": str(self._used[resource]),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": resource,
            "x-github-api-version-selected": "2022-11-28",
        }
        for name, value in defaults.items():
            reply.headers.setdefault(name, value)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGitHub


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body are separate writes: without this, Nagle and delayed ACKs cost ~40 ms a request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's parameter name
        """Quiet: the fake's log is `FakeGitHub.exchanges`, not stderr."""

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        malformed = False
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                malformed = True
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            malformed_body=malformed,
        )
        reply, delay = self.server.fake.answer(request)
        if delay:
            time.sleep(delay)
        if reply is None:
            self.close_connection = True
            return
        payload = b"" if reply.body is None else json.dumps(reply.body, ensure_ascii=False).encode()
        self.send_response(reply.status)
        for name, value in sorted(reply.headers.items()):
            self.send_header(name, value)
        if reply.body is not None:
            self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle  # noqa: N815 - http.server's dispatch names
