"""The property every reader harness checks, for atheris: `detect` and `read` return values, never raise.

Any exception out of `detect` or `read` (or a FileResult that does not survive its own validation) is a
finding: libFuzzer stops, writes the input to `crash-<sha1>` and prints the traceback.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from issueplan.model import FileResult
    from issueplan.sources import HEAD_BYTES, READERS


def fuzz_reader(fmt: str) -> None:
    """Run libFuzzer on the reader registered as `fmt`, with this process's command line (corpus dirs and
    libFuzzer flags such as `-max_total_time=600`)."""
    reader = READERS[fmt]
    handle, name = tempfile.mkstemp(prefix=f"issueplan-fuzz-{fmt}-")
    os.close(handle)
    path = Path(name)

    def one_input(data: bytes) -> None:
        reader.detect(data[:HEAD_BYTES])
        path.write_bytes(data)
        result = reader.read(path)
        if FileResult.model_validate_json(result.model_dump_json()) != result:
            raise AssertionError("the FileResult does not survive its own validation")

    atheris.Setup(sys.argv, one_input)
    try:
        atheris.Fuzz()
    finally:
        path.unlink(missing_ok=True)
