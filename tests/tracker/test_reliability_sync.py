"""End-to-end syncs against the fake GitHub over loopback, one test or more per RELIABILITY.md row S1-S16."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from tracker_plans import make_item, remembering

from issueplan.errors import GitHubError, SafetyStopError
from issueplan.model import ActionItem, Plan, Priority
from issueplan.modes import MilestoneMode
from issueplan.render.issue import render_issue_body
from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker import GitHubTarget, StopReason, SyncOptions, SyncResult, sync_plan
from issueplan.tracker.changes import ChangeSet
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.sandbox import FakeGitHub, Fault
from issueplan.tracker.state import read_state

FakeFactory = Callable[..., FakeGitHub]


def items_for(count: int, *, prefix: str = "suite-failed/s") -> list[ActionItem]:
    return [make_item(f"{prefix}{n:02d}", f"BUG-{n + 1:03d}") for n in range(count)]


class Sleeper:
    """The injected sleep: records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def sync(
    fake: FakeGitHub,
    items: Sequence[ActionItem],
    *,
    healthy: Sequence[str] = (),
    sleep: Sleeper | None = None,
    **options: Any,
) -> tuple[Plan, ChangeSet, SyncResult]:
    target = GitHubTarget(api_url=fake.base_url, repo="octo/demo", token="test-token")
    settings = SyncOptions(write_interval=0, **options)
    return sync_plan(remembering(items, healthy=healthy), target, settings, sleep=sleep or Sleeper())  # type: ignore[arg-type]


def managed_issues(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [issue for issue in fake.issues() if parse_issue_body(issue["body"] or "") is not None]


def keys_of(issues: list[dict[str, Any]]) -> list[str]:
    return sorted(
        parsed.marker.key for issue in issues if (parsed := parse_issue_body(issue["body"])) is not None
    )


def open_issues(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [issue for issue in managed_issues(fake) if issue["state"] == "open"]


def test_s1_the_same_input_synced_twice_makes_no_write_the_second_time(fake_github: FakeGitHub) -> None:
    items = [*items_for(3), make_item("rule/SEC-002", "SEC-002", depends_on=[("BUG-001", True)])]
    sync(fake_github, items)
    assert len(managed_issues(fake_github)) == 4
    fake_github.clear_log()

    _, changes, result = sync(fake_github, items)

    assert changes.operations == ()
    assert fake_github.writes() == []
    assert len(fake_github.exchanges) == 3  # one page each of issues, labels, milestones
    assert result.unchanged == 4


def test_s2_the_same_failure_with_another_line_duration_or_path_keeps_its_issue(
    fake_github: FakeGitHub,
) -> None:
    first = make_item(
        "suite-failed/unit", "BUG-001", description="failed at tests/test_a.py:12 in 0.31 s (/tmp/x1)"
    )
    sync(fake_github, [first])
    fake_github.clear_log()

    again = make_item(
        "suite-failed/unit", "BUG-009", description="failed at tests/test_a.py:40 in 2.5 s (/tmp/y7)"
    )
    _, _, result = sync(fake_github, [again])

    assert [issue["number"] for issue in managed_issues(fake_github)] == [result.issues["BUG-001"]]
    assert not [e for e in fake_github.writes() if e.method == "POST" and e.path.endswith("/issues")]
    assert "tests/test_a.py:40" in managed_issues(fake_github)[0]["body"]


def test_s3_the_search_api_is_never_called(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.server_error(502, method="POST", path=r"/issues$", apply_first=True))
    items = items_for(3)
    sync(fake_github, items)
    sync(fake_github, items[:2], healthy=[items[2].key])

    assert fake_github.exchanges
    assert not [e for e in fake_github.exchanges if "/search" in e.path]


@dataclass
class _AfterFirst(Fault):
    """Lets the first matching request through, then answers the next `times` ones (i.e. from page 2 on)."""

    passed: int = 0

    def matches(self, method: str, path: str) -> bool:
        if not super().matches(method, path):
            return False
        self.passed += 1
        return self.passed > 1


def test_s4_a_listing_page_that_keeps_failing_aborts_before_any_write(fake_github: FakeGitHub) -> None:
    for n in range(101):
        fake_github.human_create_issue(
            title=f"old {n}", body=f"x{n}", labels=["issueplan"], user="github-actions[bot]"
        )
    fake_github.inject(_AfterFirst(method="GET", path=r"/issues$", status=500, times=20))
    fake_github.clear_log()

    with pytest.raises(
        GitHubError, match=r"could not list the issues labelled 'issueplan'.*500.*nothing was written"
    ):
        sync(fake_github, items_for(2))

    assert fake_github.writes() == []
    assert any(e.query.get("page") == "2" and e.status == 500 for e in fake_github.exchanges)


def test_s5_a_create_answering_502_after_creating_leaves_exactly_one_issue(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.server_error(502, method="POST", path=r"/issues$", apply_first=True))

    _, _, result = sync(fake_github, items_for(2))

    assert keys_of(managed_issues(fake_github)) == ["suite-failed/s00", "suite-failed/s01"]
    assert result.created == 2
    assert result.errors == ()
    fake_github.clear_log()
    sync(fake_github, items_for(2))
    assert fake_github.writes() == []


def test_s6_a_secondary_limit_without_retry_after_waits_at_least_a_minute(fake_github: FakeGitHub) -> None:
    sleeper = Sleeper()
    fake_github.inject(Fault.secondary_rate_limit(method="GET", path=r"/labels$", times=2))

    sync(fake_github, items_for(1), sleep=sleeper)

    assert len(sleeper.waits) == 2
    assert all(wait >= 60 for wait in sleeper.waits)
    assert sleeper.waits[1] > sleeper.waits[0]  # backs off
    assert len(managed_issues(fake_github)) == 1


def test_s6_a_429_with_retry_after_7_waits_exactly_7_seconds_on_reads_and_creates(
    fake_github: FakeGitHub,
) -> None:
    sleeper = Sleeper()
    fake_github.inject(Fault.too_many_requests(retry_after=7, method="GET", path=r"/milestones$"))
    fake_github.inject(Fault.too_many_requests(retry_after=7, method="POST", path=r"/issues$"))

    sync(fake_github, items_for(1), sleep=sleeper)

    assert sleeper.waits == [7, 7]
    assert len(managed_issues(fake_github)) == 1


def test_s6_rate_limits_that_never_clear_stop_the_run_after_bounded_waits(fake_github: FakeGitHub) -> None:
    sleeper = Sleeper()
    fake_github.inject(Fault.secondary_rate_limit(method="POST", path=r"/issues$", times=100))

    _, _, result = sync(fake_github, items_for(3), sleep=sleeper)

    assert result.stop is StopReason.RATE_LIMIT
    assert result.stopped is not None
    assert "rate-limiting" in result.stopped
    [failed] = result.failed  # the create GitHub kept refusing; the other two were not tried
    assert failed.status == 403
    assert len(result.left) == 2
    assert 0 < len(sleeper.waits) <= 5
    assert sum(sleeper.waits) <= 5 * 15 * 60


def test_s6_resource_not_accessible_by_integration_is_a_permission_error_without_retry(
    fake_github: FakeGitHub,
) -> None:
    sleeper = Sleeper()
    fake_github.inject(Fault.forbidden_integration(method="POST", path=r"/labels$", times=5))

    _, _, result = sync(fake_github, items_for(1), sleep=sleeper)

    assert result.stop is StopReason.PERMISSION
    assert "lack of permission" in (result.stopped or "")
    assert "issues: write" in result.failed[0].message
    assert [(failed.status, failed.operation.describe()) for failed in result.failed] == [
        (403, "create label 'issueplan' (#1d76db)")
    ]
    assert result.left  # the rest is not tried
    assert len([e for e in fake_github.writes() if e.path.endswith("/labels")]) == 1
    assert sleeper.waits == []


def test_s7_a_get_answering_502_502_then_200_succeeds(fake_github: FakeGitHub) -> None:
    fake_github.inject(Fault.server_error(502, method="GET", path=r"/issues$", times=2))

    _, _, result = sync(fake_github, items_for(2))

    assert result.created == 2
    assert [e.status for e in fake_github.exchanges if e.path.endswith("/issues") and e.method == "GET"] == [
        502,
        502,
        200,
    ]


def test_s8_two_racing_syncs_are_healed_by_the_next_run(fake_github: FakeGitHub) -> None:
    items = items_for(3)
    target = GitHubTarget(api_url=fake_github.base_url, repo="octo/demo", token="t")
    options = SyncOptions(write_interval=0)
    repo = connect(target, options)
    plan = remembering(items)({})  # type: ignore[operator]
    both_saw = read_state(repo, label="issueplan", scope="default")  # both runs list before either creates
    for _ in range(2):
        apply_changes(diff_tracker(plan, both_saw, options), repo, options)
    assert len(open_issues(fake_github)) == 6

    _, _, result = sync(fake_github, items)

    still_open = open_issues(fake_github)
    assert keys_of(still_open) == [item.key for item in items]
    assert result.duplicates_closed == 3
    closed = [issue for issue in managed_issues(fake_github) if issue["state"] == "closed"]
    assert {issue["state_reason"] for issue in closed} == {"duplicate"}
    assert max(i["number"] for i in still_open) < min(i["number"] for i in closed)  # the oldest are kept
    fake_github.clear_log()
    sync(fake_github, items)
    assert fake_github.writes() == []


def test_s9_a_run_stopped_after_5_of_10_creates_then_rerun_gives_10_issues(fake_github: FakeGitHub) -> None:
    items = items_for(10)
    setup_writes = 5  # labels: managed, priority, team, type; one milestone
    _, _, first = sync(fake_github, items, max_writes=setup_writes + 5)
    assert first.created == 5
    assert len(managed_issues(fake_github)) == 5

    _, _, second = sync(fake_github, items)

    assert second.created == 5
    assert keys_of(managed_issues(fake_github)) == sorted(item.key for item in items)


def test_s10_a_suite_missing_this_run_leaves_its_issue_alone(fake_github: FakeGitHub) -> None:
    items = items_for(2)
    _, _, first = sync(fake_github, items)
    missing = first.issues["BUG-002"]
    fake_github.clear_log()

    sync(fake_github, items[:1])  # s01 did not run: not in the plan, not healthy either

    assert not [e for e in fake_github.writes() if f"/issues/{missing}" in e.path]
    assert next(i for i in fake_github.issues() if i["number"] == missing)["state"] == "open"


def test_s11_a_read_only_token_writes_nothing_and_says_which_permission(
    fake_factory_read: FakeGitHub,
) -> None:
    _, changes, result = sync(fake_factory_read, items_for(2))
    assert result.stop is StopReason.PERMISSION
    assert "permissions: issues: write" in (result.stopped or "")
    assert result.left == changes.operations
    assert fake_factory_read.writes() == []


def test_s11_a_dry_run_still_plans_and_writes_nothing(fake_github: FakeGitHub) -> None:
    plan, changes, _ = sync(fake_github, items_for(2), dry_run=True)
    assert len(plan.items) == 2
    assert any(line.startswith("create issue BUG-001") for line in changes.describe())
    assert fake_github.writes() == []


@pytest.fixture
def fake_factory_read(fake_github_factory: FakeFactory) -> FakeGitHub:
    return fake_github_factory(permissions="read")


def test_s12_closing_most_open_issues_is_refused_unless_allowed(fake_github: FakeGitHub) -> None:
    items = items_for(4)
    sync(fake_github, items)
    fake_github.clear_log()
    healthy = [item.key for item in items]

    with pytest.raises(SafetyStopError, match=r"close 4 of the 4 open.*--allow-mass-close"):
        sync(fake_github, [], healthy=healthy)
    assert fake_github.writes() == []

    _, _, result = sync(fake_github, [], healthy=healthy, allow_mass_close=True)
    assert result.closed == 4
    assert open_issues(fake_github) == []


def test_s13_an_existing_label_differing_by_case_is_reused_not_duplicated(fake_github: FakeGitHub) -> None:
    fake_github.human_create_issue(title="human", body="hi", labels=["Priority: High", "ISSUEPLAN"])

    sync(fake_github, items_for(1))

    names = [label["name"].casefold() for label in fake_github.labels()]
    assert len(names) == len(set(names))
    issue = managed_issues(fake_github)[0]
    assert "Priority: High" in [label["name"] for label in issue["labels"]]
    fake_github.clear_log()
    sync(fake_github, items_for(1))
    assert fake_github.writes() == []


def test_s13_a_label_create_answering_422_already_exists_is_success(fake_github: FakeGitHub) -> None:
    exists = {
        "message": "Validation Failed",
        "errors": [{"resource": "Label", "code": "already_exists", "field": "name"}],
        "documentation_url": "https://docs.github.com/rest/issues/labels#create-a-label",
    }
    fake_github.inject(Fault(method="POST", path=r"/labels$", status=422, body=exists, apply_first=True))

    _, _, result = sync(fake_github, items_for(1))

    assert result.errors == ()
    assert result.created == 1
    names = [label["name"].casefold() for label in fake_github.labels()]
    assert len(names) == len(set(names))


def test_s14_human_ticks_text_labels_and_not_planned_close_are_preserved(fake_github: FakeGitHub) -> None:
    items = items_for(2)
    _, _, first = sync(fake_github, items)
    kept, declined = first.issues["BUG-001"], first.issues["BUG-002"]
    body = next(i for i in fake_github.issues() if i["number"] == kept)["body"]
    ticked = body.replace("- [ ] Look at the failure", "- [x] Look at the failure") + "\nHuman notes below.\n"
    fake_github.human_edit(kept, body=ticked, labels=["issueplan", "priority: high", "needs-triage"])
    fake_github.human_edit(declined, state="closed", state_reason="not_planned")

    changed = [item.model_copy(update={"description": "Now it fails differently."}) for item in items]
    sync(fake_github, changed)

    issue = next(i for i in fake_github.issues() if i["number"] == kept)
    assert "- [x] Look at the failure" in issue["body"]
    assert issue["body"].rstrip().endswith("Human notes below.")
    assert "Now it fails differently." in issue["body"]
    assert "needs-triage" in [label["name"] for label in issue["labels"]]
    other = next(i for i in fake_github.issues() if i["number"] == declined)
    assert (other["state"], other["state_reason"]) == ("closed", "not_planned")
    fake_github.clear_log()
    sync(fake_github, changed)
    assert fake_github.writes() == []


def test_s15_an_item_returning_after_a_completed_close_reopens_the_same_issue(
    fake_github: FakeGitHub,
) -> None:
    items = items_for(3)
    _, _, first = sync(fake_github, items)
    number = first.issues["BUG-001"]
    sync(fake_github, items[1:], healthy=[items[0].key])
    closed = next(i for i in fake_github.issues() if i["number"] == number)
    assert (closed["state"], closed["state_reason"]) == ("closed", "completed")

    _, _, result = sync(fake_github, items)

    assert result.reopened == 1
    assert result.created == 0
    assert next(i for i in fake_github.issues() if i["number"] == number)["state"] == "open"
    assert "reopened" in fake_github.comments(number)[-1]["body"]
    assert len(managed_issues(fake_github)) == 3


def test_s16_a_write_budget_stops_cleanly_and_the_next_run_finishes(fake_github: FakeGitHub) -> None:
    items = items_for(6)

    _, _, first = sync(fake_github, items, max_writes=4)

    assert first.writes <= 4
    assert first.stopped is not None
    assert "budget" in first.stopped
    assert first.left
    _, _, second = sync(fake_github, items)
    assert second.stopped is None
    assert second.left == ()
    assert keys_of(managed_issues(fake_github)) == sorted(item.key for item in items)
    fake_github.clear_log()
    sync(fake_github, items)
    assert fake_github.writes() == []


def test_milestones_follow_priorities_with_due_dates_by_day(fake_github: FakeGitHub) -> None:
    items = [
        make_item("a", "BUG-001", priority=Priority.CRITICAL),
        make_item("b", "BUG-002", priority=Priority.HIGH),
    ]
    sync(fake_github, items)
    by_title = {m["title"]: m for m in fake_github.milestones()}
    assert by_title["Critical action items"]["due_on"].startswith("2025-08-23")
    assert by_title["High priority action items"]["due_on"].startswith("2025-08-30")

    sync(fake_github, items[1:], healthy=["a"])
    by_title = {m["title"]: m for m in fake_github.milestones()}
    assert by_title["Critical action items"]["state"] == "closed"

    sync(fake_github, items)
    by_title = {m["title"]: m for m in fake_github.milestones()}
    assert by_title["Critical action items"]["state"] == "open"


def test_no_milestones_mode_creates_none(fake_github: FakeGitHub) -> None:
    sync(fake_github, items_for(2), milestones=MilestoneMode.NONE)
    assert fake_github.milestones() == []


def test_r5_a_strangers_issue_with_a_valid_marker_but_no_managed_label_is_ignored(
    fake_github: FakeGitHub,
) -> None:
    item = items_for(1)[0]
    forged = render_issue_body(item, scope="default")
    stranger = fake_github.human_create_issue(title="looks like yours", body=forged, labels=["bug"])

    _, _, result = sync(fake_github, [item], healthy=[item.key])

    assert result.created == 1  # its own issue, not the stranger's
    assert not [e for e in fake_github.writes() if f"/issues/{stranger}" in e.path]
    assert next(i for i in fake_github.issues() if i["number"] == stranger)["body"] == forged
