"""Fuzzing the format readers: whatever bytes a report holds, `detect` and `read` return values, never raise.

A short, derandomized hypothesis run per reader over mutated real reports (see fuzz_mutations.py); the long
coverage-guided runs are the atheris harnesses in fuzz/ (fuzz/README.md). Inputs that once broke a reader
live in tests/data/regressions/ and are replayed by test_fuzz_regressions.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fuzz_mutations import mutated, seeds_for
from hypothesis import HealthCheck, given, settings

from issueplan.model import FileResult
from issueplan.sources import HEAD_BYTES, READERS

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_reader(fmt: str, data: bytes, directory: Path) -> FileResult:
    """The property: `detect` answers a bool, `read` a valid FileResult naming the file; nothing raises."""
    reader = READERS[fmt]
    assert isinstance(reader.detect(data[:HEAD_BYTES]), bool)
    path = directory / f"report-{fmt}"
    path.write_bytes(data)
    result = reader.read(path)
    assert isinstance(result, FileResult)
    assert result.file == str(path)
    assert all(problem.file == str(path) for problem in result.problems)
    # the value survives its own validation: no NaN counts, no wrong types smuggled past the model
    assert FileResult.model_validate_json(result.model_dump_json()) == result
    return result


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_i7_every_reader_turns_mutated_reports_into_values_never_exceptions(fmt: str) -> None:
    """I1, I2, I7: flipped, cut, spliced, entity-laden, deeply nested or wrongly typed reports give a
    FileResult (possibly with Problems) from every reader, and detection never fails. Seeds: the real
    reports of tests/data (every reader has samples there), and the shared corpus where present."""
    seeds = seeds_for(fmt)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)

        @FUZZ
        @given(mutated(seeds))
        def run(data: bytes) -> None:
            check_reader(fmt, data, directory)

        run()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_every_reader_survives_mutations_of_its_builtin_seeds(fmt: str) -> None:
    """The same property from the built-in seeds alone, so it runs where the shared corpus is absent."""
    seeds = seeds_for(fmt)[:1]
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)

        @settings(FUZZ, max_examples=30)
        @given(mutated(seeds))
        def run(data: bytes) -> None:
            check_reader(fmt, data, directory)

        run()
