"""Writes are paced start to start: the time GitHub takes to answer counts towards the gap."""

from __future__ import annotations

import itertools
import re

import pytest
import responses
from requests import PreparedRequest

from issueplan.tracker import GitHubTarget, SyncOptions
from issueplan.tracker.changes import CreateIssue, order_changes
from issueplan.tracker.github import apply_changes, connect
from issueplan.tracker.pacing import WritePacer, writes_per_minute

API = "https://api.github.com"
LATENCY = 0.3  # seconds each answer takes, on the fake clock


class FakeTime:
    """A clock that moves only when the code sleeps or a request is answered; records when writes start."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.write_starts: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    def answer_write(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        self.write_starts.append(self.now)
        self.now += LATENCY
        number = len(self.write_starts)
        return 201, {}, f'{{"number": {number}, "id": {9000 + number}}}'


def apply_creates(interval: float, count: int) -> FakeTime:
    time = FakeTime()
    options = SyncOptions(write_interval=interval)
    creates = [
        CreateIssue(key=f"k{n}", id=f"BUG-{n:03d}", title=f"t{n}", body="b", labels=()) for n in range(count)
    ]
    with responses.RequestsMock() as rsps:
        rsps.get(
            re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo$"), json={"permissions": {"push": True}}
        )
        rsps.add_callback(
            "POST", re.compile(re.escape(API) + r"(?::443)?/repos/octo/demo/issues$"), time.answer_write
        )
        repo = connect(GitHubTarget(api_url=API, repo="octo/demo", token="t"), options)
        result = apply_changes(order_changes(creates), repo, options, sleep=time.sleep, clock=time.clock)
    assert result.created == count
    return time


def gaps(starts: list[float]) -> list[float]:
    return [round(later - earlier, 6) for earlier, later in itertools.pairwise(starts)]


def test_writes_start_one_interval_apart_however_long_each_takes() -> None:
    time = apply_creates(0.8, 5)

    assert gaps(time.write_starts) == [0.8] * 4, "start to start: the 0.3 s answers use up part of each gap"


def test_an_interval_shorter_than_an_answer_adds_no_wait() -> None:
    time = apply_creates(0.2, 4)

    assert gaps(time.write_starts) == [LATENCY] * 3


def test_the_default_rate_stays_under_githubs_80_writes_a_minute() -> None:
    default = SyncOptions().write_interval

    assert writes_per_minute(default) == pytest.approx(75)
    time = apply_creates(default, 76)
    assert time.write_starts[-1] - time.write_starts[0] == pytest.approx(60), "76 writes span a minute"


def test_the_pacer_waits_only_what_is_left_of_the_interval() -> None:
    time = FakeTime()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 6))
        time.sleep(seconds)

    pacer = WritePacer(1.0, clock=time.clock, sleep=sleep)
    pacer.wait()
    time.now += 0.25
    pacer.wait()
    time.now += 2.0
    pacer.wait()

    assert waits == [0.75]
    assert pacer.last_start == time.now


def test_pacing_can_be_turned_off() -> None:
    time = apply_creates(0, 3)

    assert gaps(time.write_starts) == [LATENCY] * 2
