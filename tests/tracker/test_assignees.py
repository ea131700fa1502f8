"""Each item's assignees and how an issue's assignees change, with plain values: the team map, CODEOWNERS over
the evidence paths (last matching rule wins), users only, at most 10; a human's change is kept."""

from __future__ import annotations

from tracker_plans import make_item, make_plan

from issueplan.model import ActionItem, Case, CaseOutcome, Evidence, Finding, Severity, Suite, SuiteKind
from issueplan.model import SuiteStatus as Status
from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.assignees import (
    Owners,
    assignee_change,
    codeowners_of,
    evidence_paths,
    ignored_owners,
    item_assignees,
)
from issueplan.tracker.changes import CreateIssue
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.options import SyncOptions
from issueplan.tracker.tracked import TrackerState

CODEOWNERS = """\
# the whole repository
*                     @lead
/src/                 @alice @acme/core
/src/auth/            @bob bob@example.com
*.md                  @docs-writer
/src/broken[          @nobody
"""


def with_evidence(item: ActionItem, *paths: str, finding_path: str | None = None) -> ActionItem:
    cases = tuple(
        Case(classname="t", name=f"test_{index}", file=path, outcome=CaseOutcome.FAILED)
        for index, path in enumerate(paths)
    )
    suite = Suite(name="unit_tests", kind=SuiteKind.UNIT, status=Status.FAILED, has_report=True, cases=cases)
    findings = ()
    if finding_path is not None:
        findings = (
            Finding(tool="t", rule_id="R1", severity=Severity.HIGH, path=finding_path, fingerprint="f"),
        )
    return item.model_copy(update={"evidence": Evidence(suites=(suite,), findings=findings)})


def test_the_team_map_gives_the_items_team_its_people_sorted_without_case() -> None:
    owners = Owners(teams={"security_team": ("zed", "Alice", "bob"), "qa_team": ("carol",)})

    assert item_assignees(make_item("a", "SEC-001", team="security_team"), owners) == ("Alice", "bob", "zed")
    assert item_assignees(make_item("b", "BUG-001", team="development_team"), owners) == ()


def test_codeowners_last_matching_rule_wins_and_only_users_are_assigned() -> None:
    assert codeowners_of("src/app.py", CODEOWNERS) == (("alice",), ("@acme/core",))
    assert codeowners_of("src/auth/login.py", CODEOWNERS) == (("bob",), ("bob@example.com",))
    assert codeowners_of("src/auth/README.md", CODEOWNERS) == (("docs-writer",), ())
    assert codeowners_of("setup.py", CODEOWNERS) == (("lead",), ())


def test_codeowners_of_the_evidence_paths_join_the_team_and_teams_and_emails_are_ignored() -> None:
    owners = Owners(
        teams={"development_team": ("carol",)}, codeowners=CODEOWNERS, codeowners_path="CODEOWNERS"
    )
    item = with_evidence(make_item("a", "BUG-001"), "src/auth/login.py", finding_path="./src/app.py")

    assert evidence_paths(item) == ("src/app.py", "src/auth/login.py")
    assert item_assignees(item, owners) == ("alice", "bob", "carol")
    assert ignored_owners([item], owners) == ("@acme/core", "bob@example.com")


def test_absolute_paths_under_the_workspace_match_and_paths_outside_or_unplaced_do_not() -> None:
    owners = Owners(codeowners=CODEOWNERS, roots=("/home/runner/work/demo",))
    item = with_evidence(make_item("a", "BUG-001"), "/home/runner/work/demo/src/auth/x.py", "/etc/passwd")
    unplaced = item.model_copy(
        update={
            "evidence": Evidence(
                suites=(
                    Suite(
                        name="jvm",
                        kind=SuiteKind.UNIT,
                        status=Status.FAILED,
                        has_report=True,
                        cases=(
                            Case(name="t", file="src/app.py", outcome=CaseOutcome.FAILED, path_known=False),
                        ),
                    ),
                )
            )
        }
    )

    assert item_assignees(item, owners) == ("bob",)
    assert item_assignees(unplaced, owners) == ()


def test_at_most_ten_assignees_and_the_teams_people_are_chosen_first() -> None:
    team = tuple(f"member{n:02}" for n in range(8))
    text = "* " + " ".join(f"@owner{n}" for n in range(5)) + "\n"
    owners = Owners(teams={"development_team": team}, codeowners=text)
    item = with_evidence(make_item("a", "BUG-001"), "src/x.py")

    chosen = item_assignees(item, owners)

    assert len(chosen) == 10
    assert set(team) <= set(chosen)
    assert chosen == tuple(sorted(chosen))


def test_a_person_in_the_team_and_in_codeowners_is_assigned_once_whatever_the_case() -> None:
    owners = Owners(teams={"development_team": ("Alice",)}, codeowners="* @alice\n")
    item = with_evidence(make_item("a", "BUG-001"), "src/x.py")

    assert item_assignees(item, owners) == ("Alice",)


def test_new_assignees_are_added_and_a_humans_own_assignee_is_kept() -> None:
    change = assignee_change(wanted=("alice", "bob"), current=("carol",), ours=())

    assert change.assignees == ("alice", "bob", "carol")
    assert (change.added, change.removed, change.ours) == (("alice", "bob"), (), ("alice", "bob"))


def test_an_assignee_a_human_removed_is_not_added_again() -> None:
    change = assignee_change(wanted=("alice", "bob"), current=("bob",), ours=("alice", "bob"))

    assert change.assignees is None
    assert change.ours == ("alice", "bob")  # still remembered as ours: a later run does not re-add alice


def test_ours_no_longer_wanted_are_removed_but_a_humans_never_are() -> None:
    change = assignee_change(wanted=("bob",), current=("alice", "bob", "carol"), ours=("alice", "bob"))

    assert change.assignees == ("bob", "carol")
    assert (change.removed, change.ours) == (("alice",), ("bob",))


def test_a_refused_login_is_not_added_nor_recorded() -> None:
    change = assignee_change(wanted=("alice", "Mallory"), current=(), ours=(), refused=frozenset({"mallory"}))

    assert (change.assignees, change.ours) == (("alice",), ("alice",))


def test_an_issue_in_sync_needs_no_change_whatever_the_case_github_spells() -> None:
    assert assignee_change(wanted=("Alice",), current=("alice",), ours=("Alice",)).assignees is None


def test_a_new_issue_is_created_with_its_assignees_recorded_in_the_marker_never_as_mentions() -> None:
    options = SyncOptions(owners=Owners(teams={"security_team": ("alice", "bob")}))
    item = make_item("a", "SEC-001", team="security_team")

    changes = diff_tracker(make_plan([item]), TrackerState(), options, refused=frozenset({"bob"}))

    create = next(op for op in changes.operations if isinstance(op, CreateIssue))
    parsed = parse_issue_body(create.body)
    assert create.assignees == ("alice",)
    assert parsed is not None
    assert parsed.marker.assignees == ("alice",)
    assert parsed.marker.v == 2
    assert "@alice" not in create.body
    assert "@" not in create.describe()


def test_no_more_than_ten_and_a_refused_login_frees_no_room_for_one_never_asked_about() -> None:
    current = tuple(f"human{n}" for n in range(8))
    wanted = ("alice", "bob", "carol")

    first = assignee_change(wanted=wanted, current=current, ours=())
    second = assignee_change(wanted=wanted, current=current, ours=(), refused=frozenset({"alice"}))

    assert first.added == ("alice", "bob")  # GitHub's limit: 10 in all
    assert second.added == ("bob",)  # carol was not among those checked
