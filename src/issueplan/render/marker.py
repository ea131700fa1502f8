"""The hidden marker of a managed issue, and what it remembers of the runs that saw its item (v2).

The issue body is the only state (DESIGN decision 2), so the lifecycle's memory lives in the marker line
`<!-- issueplan {"first_seen":…,"id":…,"key":…,"scope":…,"v":2,…} -->`: the last observations of the
item's key (with a per-suite item's failing tests, where it fired on a known commit), when the issue was
reopened, since when it is flaky, which closed issue it follows and which snooze date has been announced as
over. Every list is bounded so the marker stays small whatever happens.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Literal

import orjson
from pydantic import AwareDatetime, ValidationError

from issueplan.model import Frozen
from issueplan.policy.lifecycle import RUNS_REMEMBERED
from issueplan.render.timestamp import format_date, format_timestamp

_MARKER_LINE = re.compile(r"<!-- issueplan (\{.*\}) -->")
# A payload that may hold escapes or whitespace between tokens: decoded by the hook that refuses repeats.
_SLOW_PATH = re.compile(r"[\\\s]")

# Sorted keys and no spaces: one spelling of every marker. Built once: json.dumps with options builds one
# a call.
_COMPACT_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)
HISTORY_LIMIT = RUNS_REMEMBERED  # observations kept per marker (the lifecycle's thresholds stay within it)
REOPENS_LIMIT = 10  # reopen times kept per marker
ASSIGNEES_LIMIT = 10  # GitHub's limit of assignees per issue
# What a marker remembers from one run to the next (the rest is the item's, rendered afresh).
REMEMBERED_FIELDS = ("history", "reopened", "flaky_since", "follows", "snooze_over", "assignees")


class Seen(StrEnum):
    """What one run observed of an item's key."""

    FIRED = "fired"  # its rule fired: the problem is there
    FINE = "fine"  # its evidence was observed and found healthy
    UNKNOWN = "unknown"  # its evidence was not observed
    FLAKY = "flaky"  # a flaky-test item's test failed or was rerun


TESTS_CHARS = 2000  # of the test keys one observation names, as written (escapes counted)
HISTORY_TESTS_CHARS = 4000  # of the test keys a whole marker names: older observations lose theirs first


class FailedTests(Frozen):
    """The tests that failed or errored in a fired run of a per-suite item on a known commit, so a later run
    of that commit can tell which tests flipped (policy/flips.py): their keys (`policy.flaky.test_key`, names
    from the code under test) as far as they fit TESTS_CHARS, and how many of how many tests failed (the
    names may be fewer; the counts tell an infrastructure failure)."""

    keys: tuple[str, ...] = ()
    failed: int = 0
    of: int = 0

    @classmethod
    def bounded(cls, keys: Iterable[str], *, failed: int, of: int) -> FailedTests:
        """The keys, in order, each that fits what is left of TESTS_CHARS (the others are only counted)."""
        kept: list[str] = []
        left = TESTS_CHARS
        for key in keys:
            size = _written_chars(key)
            if size <= left:
                kept.append(key)
                left -= size
        return cls(keys=tuple(kept), failed=failed, of=of)

    @property
    def chars(self) -> int:
        return sum(_written_chars(key) for key in self.keys)


class Observation(Frozen):
    at: AwareDatetime
    seen: Seen
    run: str | None = None  # the workflow run's id, when the run knows it
    # The commit the run tested (its first COMMIT_CHARS), when known: a failure and a pass of the same
    # commit is a flaky test or suite, not a fix. Markers written before it read as None.
    commit: str | None = None
    # A per-suite item's failing tests on that commit, when it fired on them; older markers have none.
    tests: FailedTests | None = None


def bounded(entries: tuple[Observation, ...]) -> tuple[Observation, ...]:
    """The last HISTORY_LIMIT observations, the newest of them keeping their tests within
    HISTORY_TESTS_CHARS: whatever the test names, a marker stays small."""
    kept = entries[-HISTORY_LIMIT:]
    if all(o.tests is None for o in kept):  # most markers: nothing to weigh
        return kept
    left = HISTORY_TESTS_CHARS
    weighed: list[Observation] = []
    for observation in reversed(kept):
        size = observation.tests.chars if observation.tests is not None else 0
        if size > left:
            weighed.append(observation.model_copy(update={"tests": None}))
        else:
            left -= size
            weighed.append(observation)
    return tuple(reversed(weighed))


class Marker(Frozen):
    """The hidden identity of a managed issue. Its `key` is the item's identity; `id` and `first_seen` are
    remembered from the first run so display ids and due dates never move.

    Version 2 adds the lifecycle's memory (render/marker_history.py): `history`, `reopened`, `flaky_since`,
    `follows` and `snooze_over`, and the `assignees` issueplan set (tracker/assignees.py: the others are a
    human's; a marker without them means issueplan set none). A marker renders as v2 only when it holds some
    of it, so a v1 marker read back renders byte-identically and a no-op run makes no edit; it becomes v2
    with the next write.
    """

    v: Literal[1, 2] = 1
    key: str
    id: str
    scope: str
    first_seen: AwareDatetime
    # The suites whose CI step outcome (failure, skipped, cancelled) the item rested on, as suite_digest()s
    # (a suite's name is untrusted text); absent when none.
    step_outcomes: tuple[str, ...] = ()
    history: tuple[Observation, ...] = ()
    reopened: tuple[AwareDatetime, ...] = ()
    flaky_since: AwareDatetime | None = None
    follows: int | None = None  # the closed issue this one replaces (its problem came back too late)
    snooze_over: date | None = None  # the `snooze:` date whose passing has been announced
    # The logins issueplan assigned (and not since taken back): a human's change to the others is theirs.
    # At most ASSIGNEES_LIMIT as written; not enforced on reading, so an edited marker never disowns an issue.
    assignees: tuple[str, ...] = ()

    def remembering(self, previous: Marker | None) -> Marker:
        """This marker with the lifecycle's memory of `previous` (the issue's marker until now)."""
        if previous is None or all(getattr(self, n) == getattr(previous, n) for n in REMEMBERED_FIELDS):
            return self  # the common case, and a copy costs more than the comparison
        if all(getattr(self, n) == getattr(previous, n) for n in ITEM_FIELDS):
            return previous  # what the copy would be: a re-run's common case (v is how a marker was read)
        return self.model_copy(update={name: getattr(previous, name) for name in REMEMBERED_FIELDS})

    def notes(self) -> list[str]:
        """What the body says of the lifecycle: flaky, or following an older issue of the same problem."""
        notes = []
        if self.flaky_since is not None:
            notes.append(
                f"**Flaky** since {format_date(self.flaky_since)}: this problem keeps coming back after "
                "it is fixed, so issueplan no longer closes this issue on its own. Remove its flaky label "
                "once the cause is found and fixed."
            )
        if self.follows is not None:
            # Our own reference to our own issue: a live `#N` is wanted here.
            notes.append(
                f"**Follows** #{self.follows}: the same problem was tracked there and closed, and came back "
                "after the reopen window."
            )
        return notes

    @property
    def lifecycle_set(self) -> bool:
        return bool(self.history or self.reopened or self.flaky_since or self.follows or self.snooze_over)

    @property
    def remembers(self) -> bool:
        """Whether this marker holds more than v1 did, so it renders as v2."""
        return self.lifecycle_set or bool(self.assignees)

    def render(self) -> str:
        payload: dict[str, object] = {
            "first_seen": format_timestamp(self.first_seen),
            "id": self.id,
            "key": self.key,
            "scope": self.scope,
            "v": 2 if self.remembers else 1,
        }
        if self.step_outcomes:  # written only when set, so the markers of other items never change
            payload["step_outcomes"] = list(self.step_outcomes)
        if self.history:
            payload["history"] = [
                {"at": format_timestamp(o.at), "seen": o.seen.value}
                | ({"run": o.run} if o.run else {})
                | ({"commit": o.commit} if o.commit else {})
                | ({"tests": o.tests.model_dump()} if o.tests else {})
                for o in self.history
            ]
        if self.reopened:
            payload["reopened"] = [format_timestamp(moment) for moment in self.reopened]
        if self.flaky_since:
            payload["flaky_since"] = format_timestamp(self.flaky_since)
        if self.follows:
            payload["follows"] = self.follows
        if self.snooze_over:
            payload["snooze_over"] = self.snooze_over.isoformat()
        if self.assignees:
            payload["assignees"] = list(self.assignees)
        return f"<!-- issueplan {_escaped(_compact_json(payload))} -->"


def _escaped(text: str) -> str:
    # A key built from a suite name could hold `-->`; escaped, nothing can end the comment early.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _written_chars(text: str) -> int:
    """How many characters `text` takes in a marker: JSON-escaped (ASCII only), quoted, a comma."""
    return len(_escaped(_COMPACT_JSON.encode(text))) + 1


def parse_marker(line: str) -> Marker | None:
    """The marker of a marker line; None unless it is strict JSON with no repeated key, of a known version.

    pydantic reads the JSON once and keeps the last of repeated keys, so a repeat is looked for afterwards.
    Without a backslash no string can hold a quote, and without whitespace every key's closing quote is
    followed by its colon: each `":` of such a payload ends exactly one key. When the marker's objects hold
    as many distinct keys (`_given_keys`) as there are `":`, none repeated; anything else (escapes,
    whitespace, a repeat) is decoded once more by the hook that refuses repeats. The markers issueplan writes
    are of that shape unless a key or scope holds a space.
    """
    match = _MARKER_LINE.fullmatch(line)
    if match is None:
        return None
    payload = match.group(1)
    try:
        marker = Marker.model_validate_json(payload, strict=True)
    except ValidationError:
        return None
    if not _SLOW_PATH.search(payload) and _given_keys(marker) == payload.count('":'):
        return marker
    try:
        _STRICT_JSON.decode(payload)
    except ValueError:
        return None
    return marker


def _given_keys(marker: Marker) -> int:
    """How many distinct keys the marker's JSON objects held, all levels counted: unknown keys are refused,
    so each is a field given (`model_fields_set`) of the marker, an observation or its tests. A nested
    object added to the marker later and not counted here only sends its markers to the slow path."""
    count = len(marker.model_fields_set)
    for observation in marker.history:
        count += len(observation.model_fields_set)
        if observation.tests is not None:
            count += len(observation.tests.model_fields_set)
    return count


def _compact_json(payload: dict[str, object]) -> str:
    """`payload` with sorted keys, no spaces and only ASCII, as `_COMPACT_JSON` spells it. orjson spells it
    the same when neither escapes anything (the common marker): printable ASCII out, no backslash."""
    try:
        text = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS).decode()
    except (orjson.JSONEncodeError, TypeError):  # an integer beyond 64 bits: Python's encoder spells it
        return _COMPACT_JSON.encode(payload)
    # orjson escapes controls with a backslash, as Python does, but leaves DEL and non-ASCII as they are.
    if text.isascii() and "\x7f" not in text and "\\" not in text:
        return text
    return _COMPACT_JSON.encode(payload)


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise ValueError("duplicate key in marker")
    return data


# One decoder for every marker of a sync (json.loads with a hook builds a new one each call).
_STRICT_JSON = json.JSONDecoder(object_pairs_hook=_refuse_duplicates)


# The item's own part of a marker: neither remembered nor `v` (render() works out the version it writes).
ITEM_FIELDS = tuple(name for name in Marker.model_fields if name not in {*REMEMBERED_FIELDS, "v"})
