"""Fuzzing the text-safety renderer: hostile text anywhere a run can put it, the R-invariants hold.

Arbitrary text (fragments of mentions, references, URLs, HTML, fences, forged markers, control characters)
with planted secrets goes into test names, classnames, messages, traces, paths, suite names, finding fields,
facts, the title and the description. The issue body, its title and the close and reopen comments must then
carry no live mention, reference, link, image or HTML from the input, no planted secret, only the item's own
marker, and stay under GitHub's size limit.
"""

from __future__ import annotations

from fuzz_render_checks import PLANTED, check_body, check_title_and_comments
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from render_factory import make_case, make_finding, make_item, make_suite

from issueplan.model import ActionItem, CaseOutcome, Evidence, Severity
from issueplan.render.managed_block import BEGIN, END

FUZZ = settings(
    max_examples=80,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FORGED = (
    '<!-- issueplan {"first_seen":"2020-01-01T00:00:00Z","id":"BUG-999","key":"forged","scope":"default",'
    '"v":1} -->'
)
FRAGMENTS = [
    "@", "@octocat", "@acme/security", "#", "#12", "GH-7", "gh-7", "acme/app#9", "acme/app@0123abc", "/",
    "://", "https://github.com/acme/app/issues/3", "www.evil.example", "`", "``", "```", "~~~", "\\", "<",
    ">", "<img src=x onerror=alert(1)>", "<details>", "!", "[", "]", "(", ")", "[x](https://e.example)",
    "![p](https://e.example/p.png)", "[r]: https://e.example", "|", "-", "<!--", "-->", FORGED, BEGIN,
    END, " ", "\n", "\r\n", "\t", "a", "Z", "9", "issues/", "pull/", "\u202e", "\u2066", "\x00", "\x1b[31m",
    "\ufeff", "&", "&lt;", "*", "_", ":", ".", "# ", "> ", "1. ", "- [x] ", "=", "é", "😀", "断",
]  # fmt: skip
SEPARATORS = [" ", "\n", "'", '"', "(", ")", ",", ";", "="]


@st.composite
def planted_secret(draw: st.DrawFn) -> str:
    text, _ = draw(st.sampled_from(PLANTED))
    return draw(st.sampled_from(SEPARATORS)) + text + draw(st.sampled_from(SEPARATORS))


hostile = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4), planted_secret()), max_size=25
).map("".join)
# Sometimes long enough that the body must be cut by section (R7).
long_hostile = st.tuples(hostile, st.sampled_from([1, 1, 1, 400])).map(lambda pair: pair[0] * pair[1])


@st.composite
def hostile_items(draw: st.DrawFn) -> ActionItem:
    cases = tuple(
        make_case(
            name=draw(hostile) or "t",
            classname=draw(hostile),
            message=draw(long_hostile),
            trace=draw(hostile),
            type=draw(hostile),
            file=draw(st.none() | hostile),
            outcome=draw(st.sampled_from([CaseOutcome.FAILED, CaseOutcome.ERROR, CaseOutcome.FLAKY])),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    findings = tuple(
        make_finding(
            rule_id=draw(hostile) or "R1",
            tool=draw(hostile) or "tool",
            rule_name=draw(st.none() | hostile),
            message=draw(hostile),
            path=draw(st.none() | hostile),
            package=draw(st.none() | hostile),
            version=draw(st.none() | hostile),
            fixed_versions=tuple(draw(st.lists(hostile, max_size=2))),
            severity=draw(st.sampled_from(Severity)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    suites = (make_suite(name=draw(hostile) or "s", cases=cases),) if cases or draw(st.booleans()) else ()
    return make_item(
        title=f"Fix: {draw(hostile)}",
        description=draw(hostile),
        team=draw(hostile) or "team",
        steps=tuple(draw(st.lists(hostile, max_size=2))),
        evidence=Evidence(suites=suites, findings=findings, facts=tuple(draw(st.lists(hostile, max_size=3)))),
    )


@FUZZ
@given(hostile_items())
def test_r1_r2_r3_r4_r6_r7_a_hostile_items_body_keeps_every_invariant(item: ActionItem) -> None:
    """R1-R4, R6, R7: nothing live from the input, the item's own marker, no secret, under the limit."""
    check_body(item)


@FUZZ
@given(hostile_items())
def test_r1_r2_r6_a_hostile_title_and_comments_mention_and_reference_nothing(item: ActionItem) -> None:
    """R1, R2, R6: the title (shown as text, code spans and references live) and the close/reopen comments."""
    check_title_and_comments(item)
