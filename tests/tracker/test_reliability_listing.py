"""A listing that cannot be trusted writes nothing it would regret: RELIABILITY.md rows S19, S20, S21, R10,
through the real CLI against the fake GitHub over loopback, with the listing's faults injected."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tracker_plans import make_item, make_plan

from issueplan import action, cli
from issueplan.errors import ExitCode, GitHubError
from issueplan.model import ActionItem
from issueplan.render.issue import render_issue_body
from issueplan.render.managed_block import BEGIN, END, parse_issue_body
from issueplan.tracker import listing
from issueplan.tracker.changes import CloseDuplicate, CloseIssue
from issueplan.tracker.diff import diff_tracker
from issueplan.tracker.github import connect
from issueplan.tracker.options import GitHubTarget, SyncOptions
from issueplan.tracker.sandbox import Exchange, FakeGitHub, Fault
from issueplan.tracker.sandbox.replies import Reply
from issueplan.tracker.state import read_state
from issueplan.tracker.tracked import TrackerState

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "ghs_listingTestToken0123456789abcdefABCD"
NOW = "2025-01-15T12:00:00Z"
EXAMPLE_ITEMS = 10

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run_sync(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """`issueplan sync` on the bundled example against a fake; returns (exit code, stdout + stderr)."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)

    def run(fake: FakeGitHub, *extra: str) -> tuple[int, str]:
        argv = [
            "sync",
            str(EXAMPLES / "results"),
            "--outcomes",
            str(EXAMPLES / "outcomes.json"),
            "--workspace",
            str(EXAMPLES / "workspace"),
            "--repo",
            "octo/demo",
            "--api-url",
            fake.base_url,
            "--write-interval",
            "0",
            "--now",
            NOW,
            *extra,
        ]
        with pytest.raises(SystemExit) as exited:
            cli.main(argv)
        out, err = capsys.readouterr()
        code = exited.value.code
        return (code if isinstance(code, int) else 1), out + err

    return run


def managed(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [issue for issue in fake.issues() if parse_issue_body(issue["body"] or "") is not None]


def label_names(issue: dict[str, Any]) -> set[str]:
    return {label["name"] for label in issue["labels"]}


def first_sync(fake: FakeGitHub, run_sync: Run) -> list[dict[str, Any]]:
    code, out = run_sync(fake)
    assert code == 0, out
    issues = managed(fake)
    assert len(issues) == EXAMPLE_ITEMS
    fake.clear_log()
    return issues


# --- S19: a listing that repeats an entry ------------------------------------------------------------------


def test_s19_a_listing_that_repeats_an_entry_closes_nothing(fake_github: FakeGitHub, run_sync: Run) -> None:
    """On main the repeated issue was closed "as a duplicate of" itself."""
    before = first_sync(fake_github, run_sync)
    fake_github.inject(Fault.repeated_entry())

    code, out = run_sync(fake_github)

    assert code == 0, out
    assert fake_github.writes() == [], "unchanged input: nothing is closed, nothing written"
    assert [issue["state"] for issue in managed(fake_github)] == [issue["state"] for issue in before]


# --- S20: the managed label deleted or renamed, a marker stripped -------------------------------------------


def test_s20_a_deleted_managed_label_finds_the_issues_again_and_creates_none(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    before = first_sync(fake_github, run_sync)
    fake_github.human_delete_label("issueplan")

    code, out = run_sync(fake_github)

    assert code == 0, out
    posts = [e.path for e in fake_github.writes() if e.method == "POST" and e.path.endswith("/issues")]
    assert posts == [], "no issue is opened again"
    after = managed(fake_github)
    assert [issue["number"] for issue in after] == [issue["number"] for issue in before]
    assert all("issueplan" in label_names(issue) for issue in after), "the label is put back"
    assert not [e for e in fake_github.exchanges if "/search" in e.path]
    fake_github.clear_log()
    code, out = run_sync(fake_github)
    assert code == 0, out
    assert fake_github.writes() == []
    assert len(fake_github.exchanges) == 4, "healed: one page each of issues, labels, milestones, types"


def test_s20_a_renamed_managed_label_finds_the_issues_again_and_keeps_the_new_name(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    before = first_sync(fake_github, run_sync)
    total = len(fake_github.issues())
    fake_github.human_rename_label("issueplan", "ci-plan")

    code, out = run_sync(fake_github)

    assert code == 0, out
    assert len(fake_github.issues()) == total, "no issue is opened again"
    assert [issue["number"] for issue in managed(fake_github)] == [issue["number"] for issue in before]
    after = managed(fake_github)
    assert all({"issueplan", "ci-plan"} <= label_names(issue) for issue in after), (
        "the managed label is back, and the human's renamed one is theirs to keep"
    )


def test_s20_the_managed_label_taken_off_issues_finds_them_again_through_their_milestone(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    """The label still exists, but a human's bulk edit took it off three issues: their milestone holds more
    issues than the listing by label saw, and that milestone is read too."""
    before = first_sync(fake_github, run_sync)
    stripped = [issue for issue in before if issue["milestone"]][:3]
    for issue in stripped:
        kept = [name for name in label_names(issue) if name != "issueplan"]
        fake_github.human_edit(issue["number"], labels=kept)

    code, out = run_sync(fake_github)

    assert code == 0, out
    posts = [e.path for e in fake_github.writes() if e.method == "POST" and e.path.endswith("/issues")]
    assert posts == [], "no issue is opened again"
    after = {issue["number"]: issue for issue in managed(fake_github)}
    assert all("issueplan" in label_names(after[issue["number"]]) for issue in stripped)
    fake_github.clear_log()
    run_sync(fake_github)
    assert len(fake_github.exchanges) == 4, "healed: no extra read (issues, labels, milestones, types)"


def test_r5_a_stranger_is_not_adopted_when_the_label_is_gone(fake_github: FakeGitHub, run_sync: Run) -> None:
    """R5 on the route S20 adds: a marker without issueplan's milestone or priority label is
    not enough."""
    before = first_sync(fake_github, run_sync)
    forged = before[0]["body"]
    stranger = fake_github.human_create_issue(title="looks like yours", body=forged, labels=["bug"])
    fake_github.human_delete_label("issueplan")

    code, out = run_sync(fake_github)

    assert code == 0, out
    assert not [e for e in fake_github.writes() if f"/issues/{stranger}" in e.path]


def test_s20_a_stripped_marker_refuses_to_create_and_says_how_to_repair(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    """On main the item got a second issue; with every marker stripped, every item did."""
    before = first_sync(fake_github, run_sync)
    total = len(fake_github.issues())
    victim = before[2]
    body = victim["body"]
    marker_line = next(line for line in body.splitlines() if line.startswith("<!-- issueplan {"))
    fake_github.human_edit(victim["number"], body=body.replace(marker_line + "\n", ""))

    code, out = run_sync(fake_github)

    assert code == ExitCode.FAILED, out
    assert f"#{victim['number']}" in out
    assert "no valid marker line" in out
    assert "edit history" in out, "says how to repair"
    assert fake_github.writes() == []
    assert len(fake_github.issues()) == total


def test_s20_a_managed_label_with_a_comma_is_refused_before_any_write(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    """GitHub's listing reads `a,b` as two labels: on main every run created every issue again."""
    code, out = run_sync(fake_github, "--label", "ci,plan")

    assert code == ExitCode.USAGE, out
    assert "ci,plan" in out
    assert fake_github.writes() == []


# --- S21: pagination that points back, away, or nowhere -----------------------------------------------------


def test_s21_a_link_back_to_the_same_page_stops_with_exit_4(fake_github: FakeGitHub, run_sync: Run) -> None:
    """On main the listing paged forever."""
    first_sync(fake_github, run_sync)
    fake_github.inject(Fault.link_header('<{self}>; rel="next"', times=1000))

    code, out = run_sync(fake_github)

    assert code == ExitCode.GITHUB, out
    assert "points back to a page already read" in out
    assert fake_github.writes() == []
    assert len([e for e in fake_github.exchanges if e.path.endswith("/issues")]) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_s21_a_link_to_another_host_is_exit_4_and_the_token_goes_nowhere(
    fake_github_factory: Callable[..., FakeGitHub], run_sync: Run, host: str
) -> None:
    """On main: exit 3 (PyGithub's assertion). The foreign listener must see no request, hence no token."""
    fake = fake_github_factory()
    foreign = fake_github_factory()
    port = foreign.base_url.rsplit(":", 1)[1]
    first_sync(fake, run_sync)
    fake.inject(Fault.link_header(f'<http://{host}:{port}/repos/octo/demo/issues?page=2>; rel="next"'))

    code, out = run_sync(fake)

    assert code == ExitCode.GITHUB, out
    assert "points to another host" in out
    assert TOKEN not in out
    assert foreign.exchanges == []
    assert fake.writes() == []


@pytest.mark.parametrize(
    "header",
    [
        '<http://127.0.0.1:1/repos/octo/demo/issues?page=2; rel="next"',  # unclosed <
        "page=2",
        '; rel="next"',
        '<>; rel="next"',
        '<http://[::1/repos/octo/demo/issues?page=2>; rel="next"',  # a broken IPv6 host
        '<http://127.0.0.1:port/repos/octo/demo/issues?page=2>; rel="next"',
    ],
)
def test_s21_a_malformed_link_is_exit_4_with_a_clear_message(
    fake_github: FakeGitHub, run_sync: Run, header: str
) -> None:
    """On main the listing ended at page 1, and every issue after it was planned again."""
    first_sync(fake_github, run_sync)
    fake_github.inject(Fault.link_header(header))

    code, out = run_sync(fake_github)

    assert code == ExitCode.GITHUB, out
    assert "Link header is malformed" in out
    assert "nothing was written" in out
    assert fake_github.writes() == []


def test_s21_a_link_to_another_resource_on_the_api_host_is_refused(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    first_sync(fake_github, run_sync)
    link = f'<{fake_github.base_url}/repos/octo/other/issues?page=2>; rel="next"'
    fake_github.inject(Fault.link_header(link))

    code, out = run_sync(fake_github)

    assert code == ExitCode.GITHUB, out
    assert "another resource" in out
    assert fake_github.writes() == []


@pytest.mark.parametrize(
    ("name", "value"), [("state", "merged"), ("state_reason", "superseded"), ("number", "7")]
)
def test_s21_an_unknown_value_from_the_server_is_exit_4_naming_it(
    fake_github: FakeGitHub, run_sync: Run, name: str, value: str
) -> None:
    """On main: exit 3 with a traceback (ValueError from the enum), or a string taken for a number."""
    first_sync(fake_github, run_sync)
    fake_github.inject(Fault.odd_value(name, value))

    code, out = run_sync(fake_github)

    assert code == ExitCode.GITHUB, out
    assert repr(value) in out
    assert "Traceback" not in out
    assert fake_github.writes() == []


def test_s21_an_issue_number_beyond_64_bits_is_exit_4_not_a_rounded_number(
    fake_github: FakeGitHub, run_sync: Run
) -> None:
    """A number no JSON decoder of the pages keeps exactly is refused rather than taken for a nearby one."""
    first_sync(fake_github, run_sync)
    fake_github.inject(Fault.odd_value("number", 2**70 + 1))

    code, out = run_sync(fake_github)

    assert code == ExitCode.GITHUB, out
    assert "number" in out
    assert "Traceback" not in out
    assert fake_github.writes() == []


# --- R10: a human deletes the begin or the end line and writes notes around the block ---------------------


@pytest.mark.parametrize("deleted", [BEGIN, END, "both"])
def test_r10_notes_around_a_block_that_lost_a_marker_line_are_kept(
    fake_github: FakeGitHub, run_sync: Run, deleted: str
) -> None:
    """On main the notes above a block without its begin line (or below one without its end line) were
    rewritten away."""
    issue = first_sync(fake_github, run_sync)[0]
    total = len(fake_github.issues())
    body = issue["body"]
    for line in [BEGIN, END] if deleted == "both" else [deleted]:
        body = body.replace(f"{line}\n", "").replace(f"\n{line}", "")
    edited = f"Notes above, by a human.\n\n{body}\n\nNotes below, by a human.\n"
    fake_github.human_edit(issue["number"], body=edited)

    code, out = run_sync(fake_github)

    assert code == 0, out
    final = next(i for i in fake_github.issues() if i["number"] == issue["number"])["body"]
    assert final.startswith("Notes above, by a human.\n\n")
    assert final.endswith("Notes below, by a human.\n")
    assert final.count(BEGIN) == final.count(END) == 1, "the block is whole again"
    assert len(fake_github.issues()) == total
    fake_github.clear_log()
    code, out = run_sync(fake_github)
    assert code == 0, out
    assert fake_github.writes() == [], "and it stays so"


# --- more than one page: the read itself, at the HTTP boundary ----------------------------------------------


def seed_managed(fake: FakeGitHub, count: int) -> list[ActionItem]:
    """`count` managed issues, as an earlier run left them (label, marker, the bot as author)."""
    items = [make_item(f"suite-failed/s{n:03d}", f"BUG-{n + 1:03d}") for n in range(count)]
    for item in items:
        fake.human_create_issue(
            title=f"{item.id}: {item.title}",
            body=render_issue_body(item, scope="default"),
            labels=["issueplan"],
            user=fake.login,
        )
    fake.clear_log()
    return items


def read(fake: FakeGitHub) -> TrackerState:
    target = GitHubTarget(api_url=fake.base_url, repo="octo/demo", token=TOKEN)
    return read_state(connect(target, SyncOptions(write_interval=0)), label="issueplan", scope="default")


def listing_requests(fake: FakeGitHub) -> list[Exchange]:
    return [e for e in fake.exchanges if e.method == "GET" and e.path.endswith("/issues")]


def test_s19_offset_pagination_shifting_between_pages_closes_nothing(fake_github: FakeGitHub) -> None:
    """Page 2 starts with page 1's last issue again (an issue was created while the listing was read)."""
    items = seed_managed(fake_github, 101)
    fake_github.inject(Fault.offset_shift())

    state = read(fake_github)
    changes = diff_tracker(make_plan(items), state, SyncOptions(write_interval=0))

    assert len(listing_requests(fake_github)) == 2
    assert len(state.issues) == 101, "each issue once"
    closes = [op for op in changes.operations if isinstance(op, CloseDuplicate | CloseIssue)]
    assert closes == []


def test_s21_a_full_last_page_without_a_next_link_is_asked_past_once_and_refused(
    fake_github: FakeGitHub,
) -> None:
    """A `Link` header lost on page 1 of 2: on main the 101st issue went unseen and was opened again."""
    seed_managed(fake_github, 101)
    fake_github.inject(Fault.link_header(""))

    with pytest.raises(GitHubError, match=r"ended on a full page without a next link, yet page 2 holds more"):
        read(fake_github)
    assert fake_github.writes() == []


def test_a_full_last_page_costs_one_more_request_and_nothing_else(fake_github: FakeGitHub) -> None:
    """Exactly 100 managed issues: page 2 is asked for once, found empty, and the read goes on."""
    seed_managed(fake_github, 100)

    state = read(fake_github)

    assert len(state.issues) == 100
    assert len(listing_requests(fake_github)) == 2
    assert len(fake_github.exchanges) == 4, "two pages of issues, one of labels, one of milestones"


def test_s21_pagination_stops_after_max_pages(
    fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that always offers one more page (each link new) is read to the documented bound, no more."""
    seed_managed(fake_github, 1)
    monkeypatch.setattr(listing, "MAX_PAGES", 4)
    pages = iter(range(2, 1000))

    def onwards(own_url: str, reply: Reply) -> None:
        reply.headers["link"] = f'<{own_url.partition("?")[0]}?page={next(pages)}>; rel="next"'

    fake_github.inject(Fault(method="GET", path=r"/issues$", times=1000, rewrite=onwards))

    with pytest.raises(GitHubError, match=r"more than 4 pages"):
        read(fake_github)
    assert len(listing_requests(fake_github)) == 4


# --- the action entrypoint: the same read, the same refusals ----------------------------------------------


def action_env(tmp_path: Path, fake: FakeGitHub) -> dict[str, str]:
    workspace = tmp_path / "workspace"
    if not workspace.exists():
        shutil.copytree(EXAMPLES / "workspace", workspace)
        shutil.copytree(EXAMPLES / "results", workspace / "test-results")
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": str(workspace / "test-results"),
        "INPUT_OUTCOMES": (EXAMPLES / "outcomes.json").read_text(encoding="utf-8"),
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_WRITE-INTERVAL": "0",
        "INPUT_API-URL": fake.base_url,
    }


def test_s20_s21_the_action_finds_a_deleted_label_again_and_stops_on_a_foreign_link(
    fake_github_factory: Callable[..., FakeGitHub], tmp_path: Path
) -> None:
    fake = fake_github_factory(token=TOKEN)
    foreign = fake_github_factory()
    env = action_env(tmp_path, fake)
    assert action.main(env, stdout=io.StringIO()) == 0
    created = len(managed(fake))
    fake.human_delete_label("issueplan")

    assert action.main(env, stdout=io.StringIO()) == 0
    assert len(managed(fake)) == created, "no issue is opened again"

    fake.clear_log()
    fake.inject(Fault.link_header(f'<{foreign.base_url}/repos/octo/demo/issues?page=2>; rel="next"'))
    log = io.StringIO()
    assert action.main(env, stdout=log) == ExitCode.GITHUB
    assert "points to another host" in log.getvalue()
    assert foreign.exchanges == []
    assert fake.writes() == []
