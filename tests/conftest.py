"""Shared fixtures. The suite needs nothing outside the project: the seed scenario, GitHub's API description
and the readers' sample reports are copies under tests/data/ (each folder's README says where from).
`shared_dir` points at ../shared (or $ISSUEPLAN_SHARED) for the extra tests that need the whole corpus and
its MANIFEST; without it they skip with a reason."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from openapi_core import Config, OpenAPI
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse

from github_description import load_description
from issueplan.tracker.sandbox import Exchange, FakeGitHub
from issueplan.tracker.sandbox.graphql_routes import GRAPHQL_PATHS

# In CI (CI=true) property tests are derandomized and never time out: a landing must not depend on luck or on
# a busy machine. Locally they explore new examples on every run.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "tests" / "data"
# GitHub's OpenAPI description, subset to what the fake serves (origin: tests/data/github-api/README.md)
GITHUB_API_DESCRIPTION = DATA / "github-api" / "openapi-issues-subset.json"


def _shared() -> Path:
    return Path(os.environ.get("ISSUEPLAN_SHARED", REPO_ROOT.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    shared = _shared()
    if not shared.is_dir():
        pytest.skip(
            f"{shared} is absent: an extra test, it needs the whole corpus, its MANIFEST, or the originals"
            " the project's copies are checked against"
        )
    return shared


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The project's copy of the seed (tests/data/seed/scenario: results, outcomes, workspace)."""
    return DATA / "seed"


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture
def corpus_report(request: pytest.FixtureRequest) -> Callable[[str, str], Path]:
    """`find(folder, corpus_path)`: a corpus report, e.g. `find("sarif", "sarif/x.sarif")` — the project's
    verbatim copy `tests/data/<folder>/samples/<name>` when it keeps one (files up to 64 KiB), else the
    corpus's own file, which skips the test when ../shared is absent."""

    def find(folder: str, corpus_path: str) -> Path:
        copy = DATA / folder / "samples" / Path(corpus_path).name
        if copy.is_file():
            return copy
        if not _shared().is_dir():
            pytest.skip(f"{corpus_path} is kept only in the corpus (over 64 KiB), and {_shared()} is absent")
        corpus: Path = request.getfixturevalue("corpus_dir")
        return corpus / corpus_path

    return find


# --- the fake GitHub (tracker/sandbox), checked against GitHub's OpenAPI description ----------------------

FAKE_GITHUB_NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


def _allow_null_in_nullable_enums(node: Any) -> None:
    """GitHub's description has nullable enums without null (state_reason, …), yet GitHub answers null."""
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
        if node.get("nullable") is True and isinstance(node.get("oneOf"), list):
            # A nullable oneOf (e.g. `milestone: null` in PATCH …/issues/{n}) is valid for GitHub, yet no
            # branch of it accepts null: a null-only branch makes exactly one match.
            node["oneOf"].append({"nullable": True, "enum": [None]})
        for child in node.values():
            _allow_null_in_nullable_enums(child)
    elif isinstance(node, list):
        for child in node:
            _allow_null_in_nullable_enums(child)


@pytest.fixture(scope="session")
def github_contract() -> Any:
    """openapi-core's validator for the fake's exchanges, from the project's copy of GitHub's description."""
    spec = load_description()
    _allow_null_in_nullable_enums(spec)
    # The fake listens on an ephemeral loopback port, with or without the GHES /api/v3 prefix.
    port = {"port": {"default": "80"}}
    spec["servers"] += [
        {"url": "http://127.0.0.1:{port}", "variables": port},
        {"url": "http://127.0.0.1:{port}/api/v3", "variables": port},
    ]
    # The description itself is validated once by test_sandbox_contract.py; here only the fast validator.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def _error_shaped(body: Any) -> bool:
    return isinstance(body, dict) and {"message", "documentation_url"} <= body.keys()


def check_github_contract(contract: Any, origin: str, exchanges: list[Exchange]) -> list[str]:
    """Contract violations among `exchanges`: a request GitHub would refuse that the fake accepted, or an
    answer that breaks GitHub's schema for its status. Statuses the description does not list for an
    operation (401, 429, 5xx, injected faults) must still carry GitHub's error body."""
    problems = []
    for number, ex in enumerate(exchanges):
        if ex.path in GRAPHQL_PATHS:  # not REST: the fake executes these against GitHub's GraphQL schema
            continue
        where = f"#{number} {ex.method} {ex.path} -> {ex.status}"
        data = None if ex.body is None else json.dumps(ex.body).encode()
        request = MockRequest(
            origin, ex.method.lower(), ex.path, args=ex.query, headers=ex.headers, data=data
        )
        try:
            contract.validate_request(request)
        except Exception as failure:  # noqa: BLE001 - openapi-core raises many classes, all meaning "refused"
            if 200 <= ex.status < 400:
                problems.append(f"{where}: accepted a request GitHub's contract refuses: {failure!r}")
        if ex.status == 0:  # a dropped connection has no answer to check
            continue
        if not ex.injected:
            payload = b"" if ex.response_body is None else json.dumps(ex.response_body).encode()
            try:
                contract.validate_response(request, MockResponse(payload, ex.status, ex.response_headers))
                continue
            except ResponseNotFound:
                pass
            except Exception as failure:  # noqa: BLE001 - as above
                detail = getattr(failure, "schema_errors", None) or getattr(
                    failure.__cause__, "schema_errors", ""
                )
                problems.append(f"{where}: answer breaks GitHub's schema: {failure!r} {detail}")
                continue
        if ex.injected and ex.status < 400:  # a real answer a Fault rewrote on purpose (faults.Rewrite)
            continue
        if ex.status != 304 and not _error_shaped(ex.response_body):
            problems.append(f"{where}: error answer is not GitHub's error shape: {ex.response_body!r}")
    return problems


@pytest.fixture
def contract_problems(github_contract: Any) -> Callable[[str, list[Exchange]], list[str]]:
    """`check_github_contract` bound to the description, for tests of the check itself."""
    return functools.partial(check_github_contract, github_contract)


@pytest.fixture
def fake_github_factory(
    request: pytest.FixtureRequest, github_contract: Any
) -> Iterator[Callable[..., FakeGitHub]]:
    """Start FakeGitHub(**kwargs) servers (clock fixed at FAKE_GITHUB_NOW unless given); at teardown every
    recorded exchange of each is validated against GitHub's OpenAPI description, failing the test on a
    contract violation."""
    started: list[FakeGitHub] = []

    def start(**kwargs: Any) -> FakeGitHub:
        kwargs.setdefault("clock", lambda: FAKE_GITHUB_NOW)
        fake = FakeGitHub(**kwargs)
        fake.start()
        started.append(fake)
        return fake

    yield start
    problems = []
    for fake in started:
        fake.stop()
        problems += check_github_contract(github_contract, fake.site.origin, fake.exchanges)
    if problems:
        pytest.fail("the fake GitHub broke GitHub's contract:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def fake_github(fake_github_factory: Callable[..., FakeGitHub]) -> FakeGitHub:
    """A started FakeGitHub (owner `octo`, repo `demo`, login `github-actions[bot]`), contract-checked."""
    return fake_github_factory()
