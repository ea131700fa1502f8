"""A stateful test of the sync against the fake GitHub: random runs, faults, humans and races, in any order.

Each hypothesis case starts its own fake (through the contract-checked factory) and interleaves: syncs of
random reports drawn from a small universe of suites and findings (so keys recur, close and come back);
syncs under an injected fault (5xx on a read, a create that answers 502 after creating, rate limits);
human edits (ticking a box, writing below the managed block, adding a label, closing as not planned or as
completed); and two runs racing between their reads and their writes. After every step the invariants of
RELIABILITY.md hold (S1, S5, S8, S14, R1, R6, R7); after every clean sync there is at most one open issue per
key and running the same sync again writes nothing.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from pydantic import SecretStr

from issueplan.errors import GitHubError
from issueplan.model import (
    Case,
    CaseOutcome,
    Finding,
    KnownItem,
    Plan,
    RunReport,
    Scan,
    Severity,
    Suite,
    SuiteStatus,
)
from issueplan.policy import build_plan, load_config
from issueplan.policy.lifecycle import Lifecycle
from issueplan.render.clean import clean_report
from issueplan.render.managed_block import parse_issue_body
from issueplan.render.safety import BODY_LIMIT, body_length
from issueplan.sources import infer_kind
from issueplan.tracker import GitHubTarget, SyncOptions, SyncResult, sync_plan
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.sandbox import FakeGitHub, Fault
from issueplan.tracker.state import read_state

NOW = datetime(2025, 8, 20, 10, 5, 39, tzinfo=UTC)
LABEL = "issueplan"
RUN_TOKEN = "ghs_StateMachineRunTokenStateMachine0001"
LEAKED = "ghp_j4ET4AEVDPSaAWPYo845PZR2zN3vI2eMHuFw"
SECRETS = (RUN_TOKEN, LEAKED)
SUITES = ("unit_tests", "api_tests", "security_tests")
SUITE_STATES = ("absent", "passed", "failed", "skipped")
HOSTILE = f"AssertionError: ping @octocat, see #12 and acme/app#3 <b>x</b>\ntoken {LEAKED} and {RUN_TOKEN}"
FINDINGS = (
    Finding(
        tool="Bandit",
        rule_id="B105",
        severity=Severity.HIGH,
        cwe=(259,),
        message="hardcoded password, cc @octocat",
        path="app/auth.py",
        line=3,
        fingerprint="fp-b105",
    ),
    Finding(
        tool="Bandit",
        rule_id="B324",
        severity=Severity.MEDIUM,
        cwe=(327,),
        message="weak hash",
        path="app/crypto.py",
        line=12,
        fingerprint="fp-b324",
    ),
)


def _render_check() -> ModuleType:
    """tests/render/inert_check.py, the project's test of "GitHub interprets nothing here" (not on sys.path
    when this folder runs alone)."""
    path = Path(__file__).resolve().parents[1] / "render" / "inert_check.py"
    spec = importlib.util.spec_from_file_location("inert_check_for_tracker", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


INERT = _render_check()
# Lines issueplan itself writes that look live to the check: block delimiters and marker, task boxes, and the
# dependency, follows and findings-listed-in lines, which link our own issues on purpose (`#N (SEC-001)`).
_OWN_LINES = re.compile(
    r"^(?:<!-- issueplan[ :].*-->|- \*\*Dependencies\*\*: .*|\*\*Follows\*\* #\d+: .*"
    r"|_(?:This finding is|These [\d,]+ findings are) listed in full in #\d+ .*: see that issue\._)$",
    re.MULTILINE,
)
_TASK_BOX = re.compile(r"^- \[[ x]\] ", re.MULTILINE)


def assert_no_live_input(markdown: str) -> None:
    live = INERT.live_text(_TASK_BOX.sub("", _OWN_LINES.sub("", INERT.prose_of(markdown))))
    for name, pattern in INERT.LIVE_PATTERNS.items():
        found = pattern.search(live)
        assert found is None, f"live {name}: {live[max(found.start() - 40, 0) : found.end() + 40]!r}"


class Sleeper:
    """The injected sleep: never sleeps."""

    def __call__(self, seconds: float) -> None:
        del seconds


def make_suite(name: str, state: str) -> Suite:
    status = SuiteStatus(state)
    cases: tuple[Case, ...] = ()
    if status is SuiteStatus.FAILED:
        cases = (
            Case(
                classname=f"tests.{name}",
                name="test_@octocat_#7",
                outcome=CaseOutcome.FAILED,
                message=HOSTILE,
            ),
        )
    return Suite(
        name=name,
        kind=infer_kind(name),
        status=status,
        has_report=True,
        tests=4,
        failures=len(cases),
        skipped=4 if status is SuiteStatus.SKIPPED else 0,
        cases=cases,
    )


@st.composite
def reports(draw: st.DrawFn) -> RunReport:
    """A run over the fixed universe: each suite absent, passed, failed or skipped; the scanner ran or not."""
    suites = tuple(
        make_suite(name, state)
        for name in SUITES
        if (state := draw(st.sampled_from(SUITE_STATES))) != "absent"
    )
    scanned = draw(st.booleans())
    findings = tuple(draw(st.sets(st.sampled_from(FINDINGS), max_size=2))) if scanned else ()
    findings = tuple(sorted(findings, key=lambda f: f.fingerprint))
    scans = (Scan(tool="Bandit", file="bandit.sarif", findings=len(findings)),) if scanned else ()
    return RunReport(suites=suites, findings=findings, scans=scans)


FAULTS: dict[str, Callable[[], Fault]] = {
    "list 502 x2": lambda: Fault.server_error(502, method="GET", path=r"/issues$", times=2),
    "list 500 x9": lambda: Fault.server_error(500, method="GET", path=r"/issues$", times=9),
    "labels 503": lambda: Fault.server_error(503, method="GET", path=r"/labels$"),
    "create 502 after creating": lambda: Fault.server_error(
        502, method="POST", path=r"/issues$", apply_first=True
    ),
    "edit 502 after editing": lambda: Fault.server_error(
        502, method="PATCH", path=r"/issues/\d+$", apply_first=True
    ),
    "secondary limit on create": lambda: Fault.secondary_rate_limit(
        retry_after=3, method="POST", path=r"/issues$"
    ),
    "secondary limit without retry-after": lambda: Fault.secondary_rate_limit(
        method="GET", path=r"/milestones$"
    ),
    "429 on edit": lambda: Fault.too_many_requests(retry_after=7, method="PATCH", path=r"/issues/\d+$"),
}
_BELOW = "\n\nHuman note {n}: checked with the vendor."


class SyncMachine(RuleBasedStateMachine):
    """The fake's state is the model: expectations are what humans did, checked against what the tool left."""

    start_fake: Callable[..., FakeGitHub]

    managed = Bundle("managed")

    def __init__(self) -> None:
        super().__init__()
        self.fake = self.start_fake()
        # Damping off (every healthy run closes, nothing turns flaky): this machine checks the board's
        # consistency; the lifecycle's own machine is tests/tracker/test_lifecycle_state_machine.py.
        self.options = SyncOptions(
            write_interval=0,
            allow_mass_close=True,
            secrets=(SecretStr(RUN_TOKEN),),
            lifecycle=Lifecycle(close_after_flapping=1, flaky_after=1_000),
        )
        self.target = GitHubTarget(api_url=self.fake.base_url, repo="octo/demo", token="test-token")
        self.config = load_config(None)
        self.not_planned: set[int] = set()
        self.notes: dict[int, list[str]] = {}
        self.ticked: dict[int, set[str]] = {}
        self.labelled: set[int] = set()

    # --- helpers --------------------------------------------------------------------------------------

    def plan_maker(self, report: RunReport) -> Callable[[dict[str, KnownItem]], Plan]:
        def make(known: Any) -> Plan:
            return build_plan(clean_report(report, [RUN_TOKEN]), self.config, now=NOW, known=known)

        return make

    def sync(self, report: RunReport) -> SyncResult:
        _, _, result = sync_plan(self.plan_maker(report), self.target, self.options, sleep=Sleeper())
        return result

    def managed_issues(self) -> list[dict[str, Any]]:
        return [
            issue
            for issue in self.fake.issues()
            if LABEL in {label["name"] for label in issue["labels"]} and parse_issue_body(issue["body"] or "")
        ]

    def issue(self, number: int) -> dict[str, Any]:
        return next(issue for issue in self.fake.issues() if issue["number"] == number)

    # --- rules ----------------------------------------------------------------------------------------

    @initialize(target=managed, report=reports())
    def first_sync(self, report: RunReport) -> Any:
        self.sync(report)
        return self.numbers()

    def numbers(self) -> Any:
        return multiple(*[issue["number"] for issue in self.managed_issues()])

    @rule(target=managed, report=reports())
    def clean_sync(self, report: RunReport) -> Any:
        """S1: a clean sync leaves one open issue per key, and the same sync again writes nothing."""
        result = self.sync(report)
        assert result.errors == ()
        assert result.stopped is None
        open_keys = [
            parse_issue_body(issue["body"]).marker.key  # type: ignore[union-attr]
            for issue in self.managed_issues()
            if issue["state"] == "open"
        ]
        assert len(open_keys) == len(set(open_keys)), f"two open issues for one key: {sorted(open_keys)}"
        self.fake.clear_log()
        self.sync(report)
        assert [f"{e.method} {e.path}" for e in self.fake.writes()] == []
        return self.numbers()

    @rule(report=reports(), fault=st.sampled_from(sorted(FAULTS)))
    def sync_under_fault(self, report: RunReport, fault: str) -> None:
        """S4-S7: a fault may fail the run with a clear error or leave work undone, never harm the board."""
        self.fake.inject(FAULTS[fault]())
        with contextlib.suppress(GitHubError):
            self.sync(report)
        with self.fake.lock:
            self.fake.faults.clear()

    @rule(report=reports())
    def racing_syncs(self, report: RunReport) -> None:
        """S8: two runs both read the board, then both write; the next clean sync heals the duplicates."""
        repo = connect(self.target, self.options, sleep=Sleeper())
        state = read_state(repo, label=LABEL, scope=self.options.scope)
        cleaned = clean_report(report, [RUN_TOKEN])
        plan = build_plan(cleaned, self.config, now=NOW, known=state.known_items(self.options.scope))
        for _ in range(2):
            apply_changes(diff_tracker(plan, state, self.options), repo, self.options, sleep=Sleeper())

    @rule(number=managed)
    def human_ticks_a_box(self, number: int) -> None:
        body = self.issue(number)["body"]
        match = re.search(r"^- \[ \] (.+)$", body, re.MULTILINE)
        if match is None:
            return
        self.fake.human_edit(number, body=body[: match.start()] + "- [x] " + body[match.start() + 6 :])
        self.ticked.setdefault(number, set()).add(match.group(1))

    @rule(number=managed)
    def human_writes_below_the_block(self, number: int) -> None:
        note = _BELOW.format(n=len(self.notes.get(number, ())) + 1)
        self.fake.human_edit(number, body=self.issue(number)["body"] + note)
        self.notes.setdefault(number, []).append(note.strip())

    @rule(number=managed)
    def human_adds_a_label(self, number: int) -> None:
        labels = [label["name"] for label in self.issue(number)["labels"]]
        self.fake.human_edit(number, labels=[*labels, "needs-triage"])
        self.labelled.add(number)

    @rule(number=managed)
    def human_closes_as_not_planned(self, number: int) -> None:
        if self.issue(number)["state"] == "open":
            self.fake.human_edit(number, state="closed", state_reason="not_planned")
            self.not_planned.add(number)

    @rule(number=managed)
    def human_closes_as_completed(self, number: int) -> None:
        if number not in self.not_planned:
            self.fake.human_edit(number, state="closed", state_reason="completed")

    # --- invariants -----------------------------------------------------------------------------------

    @invariant()
    def humans_win(self) -> None:
        """S14: not-planned stays closed; notes below the block, ticked boxes and added labels survive."""
        for issue in self.fake.issues():
            number, body = issue["number"], issue["body"] or ""
            if number in self.not_planned:
                assert (issue["state"], issue["state_reason"]) == ("closed", "not_planned"), number
            for note in self.notes.get(number, ()):
                assert note in body, f"#{number} lost the human note {note!r}"
            for task in self.ticked.get(number, ()):
                assert f"- [x] {task}" in body, f"#{number} lost the ticked box {task!r}"
            if number in self.labelled:
                assert "needs-triage" in {label["name"] for label in issue["labels"]}

    @invariant()
    def what_github_shows_is_safe(self) -> None:
        """R1, R6, R7: no body over the limit; no live mention, reference or secret in any text."""
        for issue in self.fake.issues():
            body = issue["body"] or ""
            assert body_length(body) <= BODY_LIMIT
            texts = [
                issue["title"],
                body,
                *(comment["body"] for comment in self.fake.comments(issue["number"])),
            ]
            for text in texts:
                assert not any(secret in text for secret in SECRETS), f"a secret reached #{issue['number']}"
            assert_no_live_input(body)

    def teardown(self) -> None:
        self.fake.stop()


@pytest.fixture
def machine(fake_github_factory: Callable[..., FakeGitHub]) -> type[SyncMachine]:
    SyncMachine.start_fake = staticmethod(fake_github_factory)
    return SyncMachine


def test_s1_s5_s8_s14_random_runs_faults_humans_and_races_keep_the_board_consistent(
    machine: type[SyncMachine],
) -> None:
    """S1, S5, S8, S14, R1, R6, R7: any interleaving of syncs, faults, human edits and races keeps the
    invariants, and every clean sync converges to one open issue per key and a no-op repeat."""
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
