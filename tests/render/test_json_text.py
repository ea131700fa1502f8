"""The fast JSON writer writes exactly the bytes Python's own `json.dumps` wrote before it (sorted keys,
indent 2, UTF-8 kept): plan.json and `parse --format json` readers see no change."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.render.json_text import dumps_sorted

# Floats of every magnitude (1e-05 and 2.5e-07 are where orjson and Python spell numbers differently), huge
# integers, and strings that look like numbers, keys or escapes: the places a rewrite could go wrong.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e-05, -2.5e-07, 0.0001, 1e16, 1e-300, 2**64, -(2**63) - 1])
    | st.text()
    | st.sampled_from(['": 1e-05', "0.00001", "a\nb 2.5e-07,", "\\", '"', "\u2028", "\x00", "\ud800"])
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | scalars.map(str), inner)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_json_text_is_byte_identical_to_python_json(document: object) -> None:
    expected = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert dumps_sorted(document) == expected


def test_a_fast_test_duration_keeps_python_spelling() -> None:
    assert dumps_sorted({"duration": 1e-05, "times": [2.5e-07, 0.5]}) == (
        '{\n  "duration": 1e-05,\n  "times": [\n    2.5e-07,\n    0.5\n  ]\n}\n'
    )
