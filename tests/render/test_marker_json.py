"""The marker's JSON, read and written fast (orjson) where that cannot change the answer: a marker that
repeats a key is refused at every level and however it is spaced, and every marker is spelt as Python's
strict encoder spells it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from issueplan.render.marker import Marker, Observation, Seen, parse_marker

T = '"first_seen":"2025-08-20T10:00:00Z"'
SEEN = '{"at":"2025-08-20T10:00:00Z","seen":"fired"}'


@pytest.mark.parametrize(
    "payload",
    [
        # A repeat inside a history entry, in the compact shape issueplan writes.
        (
            f'{{{T},"history":[{{"at":"2025-08-20T10:00:00Z","seen":"fired","seen":"fine"}}],"id":"B-1",'
            '"key":"k","scope":"d","v":2}'
        ),
        # A repeat hidden by a key spaced from its colon: as many `":` as distinct keys.
        f'{{{T},"id":"B-1","key":"k","key":"j","scope" :"d","v":1}}',
        f'{{{T},"id":"B-1","key":"k","key":"j","scope"\t:"d","v":1}}',
        # A repeat with an escape in a value.
        f'{{{T},"id":"B-\\u0031","id":"B-2","key":"k","scope":"d","v":1}}',
    ],
)
def test_a_marker_that_repeats_a_key_is_refused(payload: str) -> None:
    assert parse_marker(f"<!-- issueplan {payload} -->") is None


@pytest.mark.parametrize(
    "payload",
    [
        f'{{{T},"history":[{SEEN}],"id":"B-1","key":"k","scope":"d","v":2}}',
        f'{{ {T}, "id": "B-1", "key": "k", "scope": "d", "v": 1 }}',
        f'{{{T},"id":"B-\\u0031","key":"k w","scope":"d","v":1}}',
    ],
)
def test_a_marker_without_a_repeat_is_read_however_it_is_spelt(payload: str) -> None:
    marker = parse_marker(f"<!-- issueplan {payload} -->")
    assert marker is not None
    assert (marker.id, marker.key, marker.scope) == tuple(
        json.loads(payload)[k] for k in ("id", "key", "scope")
    )


@pytest.mark.parametrize(
    "key",
    ["suite-failed/plain", "suite-failed/del\x7f", "suite-failed/é ü", 'q"uote\\', "a<!--b-->&", "\u2028"],
)
def test_a_marker_is_spelt_as_the_strict_encoder_spells_it(key: str) -> None:
    moment = datetime(2025, 8, 20, 10, 0, tzinfo=UTC)
    marker = Marker(
        key=key,
        id="BUG-001",
        scope="default",
        first_seen=moment,
        history=(Observation(at=moment, seen=Seen.FIRED, run="12", commit="abc"),),
        follows=2**70,
    )
    payload = {
        "first_seen": "2025-08-20T10:00:00Z",
        "follows": 2**70,
        "history": [{"at": "2025-08-20T10:00:00Z", "commit": "abc", "run": "12", "seen": "fired"}],
        "id": "BUG-001",
        "key": key,
        "scope": "default",
        "v": 2,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assert marker.render() == f"<!-- issueplan {text} -->"
    read = parse_marker(marker.render())
    assert read is not None
    assert read.render() == marker.render()
