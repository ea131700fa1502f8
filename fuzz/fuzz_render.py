"""Coverage-guided fuzzing of the text-safety renderer (see fuzz/README.md).

The input is split into hostile strings placed where a run puts text (test name, classname, message, trace,
suite name, finding fields, facts, title, description); the checks are the suite's own R-invariants
(tests/fuzz/fuzz_render_checks.py): nothing live from the input, no planted secret, the item's own marker,
under the size limit, and a re-render that changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

TESTS = Path(__file__).resolve().parents[1] / "tests"
# The checks and the plan factory are test helpers, importable from their folders (they have no package).
sys.path[:0] = [str(TESTS / "fuzz"), str(TESTS / "render")]

with atheris.instrument_imports():
    from fuzz_render_checks import PLANTED, check_body, check_title_and_comments
    from render_factory import make_case, make_finding, make_item, make_suite

    from issueplan.model import Evidence


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)

    def text() -> str:
        value = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 200))
        if fdp.ConsumeBool():
            planted, _ = PLANTED[fdp.ConsumeIntInRange(0, len(PLANTED) - 1)]
            value = f"{value} {planted} {fdp.ConsumeUnicodeNoSurrogates(20)}"
        return value

    case = make_case(name=text() or "t", classname=text(), message=text(), trace=text(), type=text())
    finding = make_finding(rule_id=text() or "R", tool=text() or "tool", path=text(), message=text())
    item = make_item(
        title=f"Fix: {text()}",
        description=text(),
        evidence=Evidence(
            suites=(make_suite(name=text() or "s", cases=(case,)),),
            findings=(finding,),
            facts=(text(), text()),
        ),
    )
    check_body(item)
    check_title_and_comments(item)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
