"""The failing tests a marker remembers of a fired run (render/marker.py `FailedTests`): bounded whatever
the names (they come from the code under test), never able to end the comment early, read back as written;
and markers written before them read and render unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.render.marker import (
    HISTORY_LIMIT,
    HISTORY_TESTS_CHARS,
    TESTS_CHARS,
    FailedTests,
    Marker,
    Observation,
    Seen,
    bounded,
    parse_marker,
)

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
# What a marker is without any tests: every observation with a run id and a commit (the largest fields).
PLAIN = Marker(
    v=2,
    key="suite-failed/unit_tests",
    id="BUG-001",
    scope="default",
    first_seen=AT,
    history=tuple(
        Observation(at=AT + timedelta(days=n), seen=Seen.FIRED, run=str(10**19 + n), commit="0123456789ab")
        for n in range(HISTORY_LIMIT)
    ),
)
# Each observation's `"tests":{"failed":N,"keys":[],"of":N},` besides its keys.
OVERHEAD = HISTORY_LIMIT * len(',"tests":{"failed":99999,"keys":[],"of":99999}')
names = st.lists(st.text(min_size=0, max_size=220), max_size=30)


def with_tests(tests: list[FailedTests]) -> Marker:
    history = PLAIN.history
    for failed in tests:
        fired = Observation(at=history[-1].at + timedelta(days=1), seen=Seen.FIRED, commit="0123456789ab")
        history = bounded((*history, fired.model_copy(update={"tests": failed})))
    return PLAIN.model_copy(update={"history": history})


@settings(max_examples=60, deadline=None)
@given(st.lists(names, min_size=1, max_size=HISTORY_LIMIT + 2))
def test_a_marker_stays_small_and_intact_whatever_the_test_names(runs: list[list[str]]) -> None:
    tests = [FailedTests.bounded(keys, failed=len(keys), of=99999) for keys in runs]
    for failed in tests:
        assert failed.chars <= TESTS_CHARS
    marker = with_tests(tests)
    line = marker.render()
    assert len(line) <= len(PLAIN.render()) + HISTORY_TESTS_CHARS + OVERHEAD
    assert line.count("-->") == 1, "no name ends the comment early"
    assert line.endswith(" -->")
    assert line.isascii()
    assert parse_marker(line) == marker, "read back as written"
    newest = marker.history[-1].tests
    assert newest is not None
    assert newest.keys == tests[-1].keys, "the newest run keeps its tests"


def test_names_that_do_not_fit_are_counted_not_named() -> None:
    long = "\U0001f600" * 190  # 12 characters each, escaped as a surrogate pair: 2,280 in all
    failed = FailedTests.bounded(["a.b.test_one", long, "a.b.test_two"], failed=3, of=10)
    assert failed.keys == ("a.b.test_one", "a.b.test_two")
    assert (failed.failed, failed.of) == (3, 10)


def test_older_runs_lose_their_tests_first_when_the_marker_would_grow_too_large() -> None:
    big = FailedTests.bounded([f"pkg.Class.test_{n:03d}_{'x' * 150}" for n in range(12)], failed=12, of=40)
    assert big.chars > HISTORY_TESTS_CHARS / 3
    marker = with_tests([big] * 5)
    kept = [o.tests is not None for o in marker.history]
    assert kept[-2:] == [True, True]
    assert not any(kept[:-2])


def test_a_v2_marker_written_before_tests_were_remembered_reads_and_renders_unchanged() -> None:
    line = (
        '<!-- issueplan {"first_seen":"2026-11-20T10:00:00Z","history":[{"at":"2026-11-20T10:00:00Z",'
        '"commit":"0123456789ab","run":"41","seen":"fired"},{"at":"2026-11-20T11:00:00Z","commit":'
        '"0123456789ab","run":"42","seen":"fine"}],"id":"BUG-001","key":"suite-failed/unit_tests",'
        '"scope":"default","v":2} -->'
    )
    marker = parse_marker(line)
    assert marker is not None
    assert all(o.tests is None for o in marker.history)
    assert marker.render() == line


def test_tests_of_a_hand_edited_marker_that_are_not_strictly_typed_make_it_invalid() -> None:
    line = (
        '<!-- issueplan {"first_seen":"2026-11-20T10:00:00Z","history":[{"at":"2026-11-20T10:00:00Z",'
        '"seen":"fired","tests":{"failed":"1","keys":[],"of":2}}],"id":"BUG-001","key":"k",'
        '"scope":"default","v":2} -->'
    )
    assert parse_marker(line) is None
