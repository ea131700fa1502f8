"""Text benchmark: every stage that handles untrusted text is linear (RELIABILITY I10).

    .venv/bin/python benchmarks/text.py             # 10 KB, 100 KB, 1 MB of each adversarial input
    .venv/bin/python benchmarks/text.py --repeat 5

Each adversarial input (no spaces, a million `@` or `#`, `a@` glued, many live words, closing brackets
after a mention, nested backtick runs, and the prefixes of the secret patterns repeated) goes through each
stage on its own, uncapped: redaction with a run token, `neutralise` as a line and as a block, `code_block`
and `code_span`, then the whole clean pass on a report holding it in every field. The time shown is the
best of --repeat runs; the ratios compare each size with the one ten times smaller: a linear stage shows
about 10x, a quadratic one 100x (the neutraliser of main took 25 s on 30 KB and never finished on 2 MB).
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable

from issueplan.model import Case, CaseOutcome, RunReport, Suite, SuiteKind, SuiteStatus
from issueplan.render.clean import clean_report
from issueplan.render.redact import Redactor
from issueplan.render.safety import Span, code_block, code_span, neutralise

SIZES = (10_000, 100_000, 1_000_000)
TOKEN = "zq9XkT4mP2wLr8Nb"  # noqa: S105 - a made-up run token the redactor is given, not a secret
# name -> the text of (about) n characters
INPUTS: dict[str, Callable[[int], str]] = {
    "no spaces": lambda n: "a" * n,
    "@ x n": lambda n: "@" * n,
    "# x n": lambda n: "#" * n,
    "a@ glued": lambda n: "a@" * (n // 2),
    "a@ words": lambda n: "a@ " * (n // 3),
    "@ then )": lambda n: "@" + ")" * n,
    "backtick runs": lambda n: "".join("`" * run + "x" for run in range(1, int((2 * n) ** 0.5))),
    "eyJ x n": lambda n: "eyJ" * (n // 3),
    "a. x n": lambda n: "a." * (n // 2),
    "://a: x n": lambda n: "://a:" * (n // 5),
    "token prefix": lambda n: TOKEN[:-1] * (n // 15),
}


def _report(text: str) -> RunReport:
    case = Case(classname=text, name=text, file=text, outcome=CaseOutcome.FAILED, message=text, trace=text)
    suite = Suite(name=text, kind=SuiteKind.UNIT, status=SuiteStatus.FAILED, has_report=True, cases=(case,))
    return RunReport(suites=(suite,))


def _stages() -> dict[str, Callable[[str], object]]:
    redactor = Redactor([TOKEN])
    return {
        "redact": redactor,
        "neutralise line": lambda text: neutralise(text, Span.LINE),
        "neutralise block": neutralise,
        "code_block": code_block,
        "code_span": code_span,
        "clean pass": lambda text: clean_report(_report(text), [TOKEN]),
    }


def _best(stage: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        stage(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    args = parser.parse_args()
    header = f"{'input':<14} {'stage':<17}" + "".join(f"{size // 1000:>9} KB" for size in SIZES)
    print(header + f"{'ratios':>18}")
    worst = 0.0
    for name, make in INPUTS.items():
        texts = [make(size) for size in SIZES]
        for stage_name, stage in _stages().items():
            times = [_best(stage, text, args.repeat) for text in texts]
            # Below a millisecond the clock's noise dominates; such a step is not a growth signal.
            ratios = [later / max(earlier, 1e-3) for earlier, later in itertools.pairwise(times)]
            worst = max(worst, *ratios)
            cells = "".join(f"{seconds * 1000:>10.1f}ms" for seconds in times)
            print(f"{name:<14} {stage_name:<17}{cells}   " + "  ".join(f"{ratio:5.1f}x" for ratio in ratios))
    print(f"\nlargest growth per 10x input: {worst:.1f}x (linear ~10x; quadratic ~100x)")


if __name__ == "__main__":
    main()
