"""load_results: result files, directories and globs → one RunReport, the same whatever the input order.

Suites: declared suites (config) first, in declaration order, then zero-config suites by name. A zero-config
suite exists when a test report lies in its place, or when the CI told its step outcome (`_suites` says which
suite owns a file and how its status is found). Findings, scans and coverage are collected wherever they lie.
Finding the files is `_inputs`' part, choosing each one's reader and reading it `_dispatch`'s.

Evidence, or not at all (RELIABILITY I13): an argument that matches no file is a UsageError naming it, unless
step outcomes were given (they are then the run's evidence, and the empty argument a warning) or the caller
chose `IfNoResults.WARN` (a Problem) or `IGNORE`. A run reads at most `max_run_bytes` (default 1 GiB) of
result files (RELIABILITY I14): a file that would exceed it is not read (its first look reads no more than
its head) and becomes a Problem, so memory and time stay bounded however many files (or hard links to one) a
glob yields.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from issueplan.collector import collector_paused, settle_as_old
from issueplan.errors import UsageError
from issueplan.model import FileResult, Problem, RunReport, StepOutcome, SuiteSpec
from issueplan.modes import DEFAULT_MAX_READ_BYTES, IfNoResults
from issueplan.sources import _inputs
from issueplan.sources._case_places import locate_cases
from issueplan.sources._dispatch import Dispatch, Skipped, over_budget, read_candidate
from issueplan.sources._suites import (
    build_suites,
    gather,
    infer_kind,
    merge_coverage,
    ordered_findings,
    problem_key,
)

if TYPE_CHECKING:
    from issueplan.sources import Reader, WholeReader

__all__ = ["check_outcome_suites", "infer_kind", "load_results"]

DEFAULT_MAX_FILE_BYTES = 256 * 2**20
DEFAULT_MAX_RUN_BYTES = DEFAULT_MAX_READ_BYTES
# A file up to this size is read whole by its first look and parsed from those bytes (one open per file);
# a larger one is streamed from its path, so memory stays bounded by this, not by the file.
WHOLE_READ_BYTES = 2**20
# How alike (difflib's ratio, case folded) an outcome's suite name and a suite of the run must be to call the
# outcome's a typo: unit_test ~ unit_tests (0.95) is one; api_tests ~ ui_tests (0.82) are two suites.
OUTCOME_TYPO_RATIO = 0.85


def load_results(
    inputs: Sequence[str | Path],
    *,
    outcomes: Mapping[str, StepOutcome] = {},
    suites: Sequence[SuiteSpec] = (),
    workspace: Path | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_run_bytes: int = DEFAULT_MAX_RUN_BYTES,
    if_no_results: IfNoResults = IfNoResults.ERROR,
) -> RunReport:
    """Read every result file under `inputs` into one RunReport; a bad file is a Problem, not an error.

    Raises UsageError when an argument matches no file and `if_no_results` is ERROR with no step outcome.
    """
    from issueplan.sources import READERS, WHOLE_READERS  # noqa: PLC0415 - the registry imports this module

    found = _inputs.discover(inputs, workspace)
    problems = [*found.problems, *_unmatched(found.unmatched, if_no_results, outcomes)]
    # Files that are no result file are not broken ones: they are noted once, not warned about one by one.
    unrecognised: list[str] = []
    # A tree's thousands of reports make results that live until the run ends and almost no cyclic garbage
    # (none on the benchmark's trees): the collector would walk them again and again as they pile up (a
    # twelfth of the floor's instructions on 2,000 Gradle files). They join its oldest generation at once.
    with collector_paused():
        read = _read_all(found.candidates, (READERS, WHOLE_READERS), (max_file_bytes, max_run_bytes))
        settle_as_old()
    results: list[tuple[_inputs.Candidate, FileResult]] = []
    # The common case first: an isinstance of a pydantic model goes through ABCMeta's check, twice the
    # cost of one that matches.
    for candidate, outcome in read:
        if isinstance(outcome, FileResult):
            results.append((candidate, outcome))
        elif isinstance(outcome, Problem):
            problems.append(outcome)
        elif outcome is Skipped.NOT_A_RESULT:
            unrecognised.append(candidate.display)

    results = locate_cases(results, workspace)
    gathered = gather(results, suites)
    declared = {spec.name for spec in suites}
    check_outcome_suites(outcomes, {name for name in gathered if gathered[name].reports} | declared)
    for name in list(gathered):
        if not gathered[name].reports and name not in outcomes and name not in declared:
            del gathered[name]  # a folder of scans or coverage alone is no test suite

    file_results = [result for _, result in results]
    return RunReport(
        suites=build_suites(gathered, suites, outcomes),
        findings=ordered_findings(file_results),
        scans=tuple(
            sorted((s for r in file_results for s in r.scans), key=lambda s: (s.file, s.tool, s.findings))
        ),
        coverage=merge_coverage([r.coverage for r in file_results if r.coverage is not None]),
        problems=tuple(sorted([*problems, *(p for r in file_results for p in r.problems)], key=problem_key)),
        unrecognised=tuple(sorted(unrecognised)),
    )


def _read_all(
    found: Sequence[_inputs.Candidate],
    registry: tuple[Mapping[str, Reader], Mapping[str, WholeReader]],
    limits: tuple[int, int],
) -> list[tuple[_inputs.Candidate, FileResult | Problem | Skipped]]:
    """Each candidate's result, Problem or reason to skip it, in order, within the run's read limit (I14):
    a file that would exceed it is not read, and only its head is looked at, so the limit bounds the bytes."""
    from issueplan.sources import HEAD_BYTES  # noqa: PLC0415 - as above

    dispatch = Dispatch(*registry)
    max_file_bytes, max_run_bytes = limits
    spent = 0
    outcomes: list[tuple[_inputs.Candidate, FileResult | Problem | Skipped]] = []
    seen: set[object] = set()  # the files looked at, by device and inode: each is read once
    for candidate in found:
        whole = min(WHOLE_READ_BYTES, max_run_bytes - spent)
        head = _inputs.first_look(candidate, HEAD_BYTES, whole, seen)
        if not isinstance(head, _inputs.Head):  # a plain class's check, not a pydantic model's
            if head is not None:  # None: a file looked at already
                outcomes.append((candidate, head))
            continue
        if spent + head.size > max_run_bytes:
            outcomes.append(
                (candidate, Problem(file=candidate.display, message=over_budget(max_run_bytes, spent)))
            )
            continue
        outcome = read_candidate(candidate, head, dispatch, max_file_bytes)
        if isinstance(outcome, FileResult):
            spent += head.size
        outcomes.append((candidate, outcome))
    return outcomes


def check_outcome_suites(outcomes: Mapping[str, StepOutcome], suites: Collection[str]) -> None:
    """A step outcome naming no suite of the run stands for a step that wrote no report, unless its name is a
    near miss of one of `suites` (a typo, which would silently leave the real suite's outcome unknown): then a
    UsageError names the closest suite (RELIABILITY S24)."""
    folded = {name.casefold(): name for name in sorted(suites)}
    for name in sorted(outcomes):
        if name in suites:
            continue
        close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=OUTCOME_TYPO_RATIO)
        if close:
            raise UsageError(
                f"step outcome for {name!r} (--outcome, --outcomes or the action's `outcomes`): no suite of "
                f"this run is named so (did you mean {folded[close[0]]!r}?); fix the name, or declare "
                f"{name!r} under `suites:` in the config if its step writes no report"
            )


def _unmatched(
    unmatched: Sequence[Problem], mode: IfNoResults, outcomes: Mapping[str, StepOutcome]
) -> list[Problem]:
    """What the arguments that matched no file mean for this run (see the module docstring)."""
    if not unmatched or mode is IfNoResults.IGNORE:
        return []
    if mode is IfNoResults.WARN:
        return list(unmatched)
    if outcomes:
        evidence = "; the step outcomes given are this run's evidence"
        return [problem.model_copy(update={"message": problem.message + evidence}) for problem in unmatched]
    named = ", ".join(f"{problem.file!r} ({problem.message})" for problem in unmatched)
    raise UsageError(
        f"results: {named}: no result file to read, so nothing can be decided. Check the path (relative to "
        "the working directory), give the steps' outcomes (--outcome/--outcomes, input `outcomes`), or "
        "run without results with --if-no-results warn or ignore (input `if-no-results`)"
    )
