"""Which reader reads a file, and the one read of it: sniffing the head, then the detecting reader.

Sniffing: a tree of thousands of files must not ask all nineteen detectors about each, so a detector is asked
only when the head could satisfy it. The JSON formats' detectors want "{" or "[" first (after a BOM and
blanks; a UTF-16 BOM goes to them all); the XML root formats' want one of their module's ROOTS as the root
element (`_xml.root_start`, which their detectors use too); Cobertura's wants "<coverage" in the head; any
other reader (lcov, a new one) is always asked. tests/sources/test_sniffing.py proves the answer is the one
asking every detector gives. The roots are written out here, not taken from the modules, so that sniffing
imports no reader it rules out (tests/sources/test_registry.py holds them equal to each module's ROOTS).

Reading: a small file was read whole by the first look (`Head.content`); a reader in WHOLE_READERS parses
those bytes, so such a file is opened once. Any other reader, or a larger file, reads the path (streamed).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from itertools import chain
from typing import TYPE_CHECKING

from issueplan.model import FileResult, Problem
from issueplan.sources._inputs import Candidate, Head
from issueplan.sources._xml import root_start

if TYPE_CHECKING:
    from issueplan.sources import Reader, WholeReader

# Readers that stream their input hold little in memory, so a file over the cap may still be read.
STREAMING_FORMATS = frozenset({"cobertura", "lcov", "go-test-json", "dart-json"})
RESULT_SUFFIXES = frozenset({".xml", ".json", ".sarif", ".info", ".lcov", ".trx", ".jsonl", ".ndjson"})
JSON_FORMATS = frozenset(
    {"sarif", "pip-audit", "npm-audit", "osv", "trivy", "grype", "yarn-audit", "cargo-audit", "govulncheck"}
    | {"mocha-json", "jest-json", "go-test-json", "dart-json"}
)
XML_ROOTS: dict[str, frozenset[bytes]] = {
    "trx": frozenset({b"TestRun"}),
    "xunit": frozenset({b"assemblies", b"assembly"}),
    "nunit": frozenset({b"test-run", b"test-results", b"test-suite"}),
    "junit": frozenset({b"testsuites", b"testsuite"}),
}
COVERAGE_FORMAT = "cobertura"
_BLANKS = b"\xef\xbb\xbf \t\r\n\x0b\x0c"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


class Skipped(Enum):
    NOT_A_RESULT = "not a result file"  # noted once with the others
    IGNORED = "ignored"  # under a root, with a suffix no result file has: not even noted


def candidates(head: bytes, readers: Mapping[str, Reader]) -> Iterator[tuple[str, Reader]]:
    """The readers, in their order, whose detector could accept `head` at all (see the module docstring);
    lazily, so a reader after the first that detects the file is not even imported."""
    root = root_start(head)
    ruled_out = {name for name, roots in XML_ROOTS.items() if root is None or root[0] not in roots}
    if not (head.lstrip(_BLANKS)[:1] in {b"{", b"["} or head.startswith(_UTF16)):
        ruled_out |= JSON_FORMATS
    if b"<coverage" not in head:
        ruled_out.add(COVERAGE_FORMAT)
    return ((name, readers[name]) for name in readers if name not in ruled_out)


def read_candidate(
    candidate: Candidate,
    head: Head,
    readers: Mapping[str, Reader],
    whole_readers: Mapping[str, WholeReader],
    max_file_bytes: int,
) -> FileResult | Problem | Skipped:
    """The first detecting reader's result; when a full read shows the file is not that reader's format
    after all, the next detecting reader's."""
    detected = (name for name, reader in candidates(head.data, readers) if reader.detect(head.data))
    name = next(detected, None)
    if name is None:
        if not candidate.in_root or candidate.path.suffix.lower() in RESULT_SUFFIXES:
            return Skipped.NOT_A_RESULT
        return Skipped.IGNORED
    if head.size > max_file_bytes and name not in STREAMING_FORMATS:
        limit = f"{max_file_bytes / 2**20:g} MiB"
        return Problem(file=candidate.display, message=f"not read: larger than {limit}")
    for result in _reads(candidate, head, name, detected, readers, whole_readers):
        if result.recognised:
            return result
    return Skipped.NOT_A_RESULT


def _reads(
    candidate: Candidate,
    head: Head,
    name: str,
    others: Iterator[str],
    readers: Mapping[str, Reader],
    whole_readers: Mapping[str, WholeReader],
) -> Iterator[FileResult]:
    """What each detecting reader makes of the file, in turn, from the bytes read already where it can."""
    for format_name in chain([name], others):  # lazily: a later detector is asked only if needed
        whole = whole_readers.get(format_name)
        if whole is not None and head.content is not None and readers[format_name] is whole:
            yield whole.read_bytes(str(candidate.path), head.content)
        else:
            yield readers[format_name].read(candidate.path)


def over_budget(limit: int, spent: int) -> str:
    return (
        f"not read: the run's read limit of {_size(limit)} is reached ({_size(spent)} read already); "
        "raise it with --max-read-bytes, or give fewer result files"
    )


def _size(count: int) -> str:
    return f"{count / 2**20:.4g} MiB" if count >= 2**20 else f"{count} bytes"
