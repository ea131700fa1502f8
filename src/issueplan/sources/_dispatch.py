"""Which reader reads a file, and the one read of it: sniffing the head, then the detecting reader.

Sniffing: a tree of thousands of files must not ask all nineteen detectors about each, so a detector is asked
only when the head could satisfy it, and the head's root element is found once (`_xml.root_start`, which
the XML detectors use too). The XML root formats' detectors want one of their module's ROOTS as the root
element; for junit and nunit that is all they want (ROOT_DECIDED), so the root decides without asking them.
The JSON formats' detectors want "{" or "[" first (after a BOM and blanks) and then a quoted key and its
colon (`"runs":`), or pip-audit's empty list `[]`: a binary file that happens to start with "[" asks none of
them, so their modules are not imported. Cobertura's wants "<coverage" in the head; lcov's a `TN:` or `SF:`
record and no root element; any other reader (a new one) is always asked. tests/sources/test_sniffing.py
proves the answer is the one asking every detector gives. The roots are written out here, not taken from
the modules, so that sniffing imports no reader it rules out (tests/sources/test_registry.py holds them
equal to each module's ROOTS).

Reading: a small file was read whole by the first look (`Head.content`); a reader in WHOLE_READERS parses
those bytes, so such a file is opened once. Any other reader, or a larger file, reads the path (streamed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from enum import Enum
from functools import cache
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
ROOT_DECIDED = frozenset({"junit", "nunit"})  # their detectors want nothing but one of their ROOTS
COVERAGE_FORMAT = "cobertura"
LCOV_FORMAT = "lcov"
_BLANKS = b"\xef\xbb\xbf \t\r\n\x0b\x0c"


# What every JSON detector looks for besides its first byte: a key and its colon, or the end of "[]".
# Compiled on first use: a run of XML reports never needs it.
@cache
def _json_key() -> re.Pattern[bytes]:
    return re.compile(rb'"[\w$-]+"\s*:')


_ROOT_FORMAT = {root: name for name, roots in XML_ROOTS.items() for root in roots}
# (XML format of the root, could be JSON, could be Cobertura, could be lcov): what sniffing found; with the
# registry's names, it gives the formats to ask (a few dozen keys at most)
_Key = tuple[str | None, bool, bool, bool]
_ASKED: dict[tuple[tuple[str, ...], _Key], tuple[str, ...]] = {}


class Skipped(Enum):
    NOT_A_RESULT = "not a result file"  # noted once with the others
    IGNORED = "ignored"  # under a root, with a suffix no result file has: not even noted


def detected(head: bytes, readers: Mapping[str, Reader]) -> Iterator[str]:
    """The names of the readers, in their order, whose detector accepts `head`: only those that could are
    asked (see the module docstring), lazily, so a reader after the first that detects it is not even
    imported."""
    return _detected(head, readers, tuple(readers))


def _detected(head: bytes, readers: Mapping[str, Reader], names: tuple[str, ...]) -> Iterator[str]:
    root = root_start(head)
    for name in _asked(head, root[0] if root is not None else None, names):
        if name in ROOT_DECIDED or readers[name].detect(head):
            yield name


def _asked(head: bytes, root: bytes | None, names: tuple[str, ...]) -> tuple[str, ...]:
    """The formats among `names`, in order, whose detector could accept `head`, whose root element is named
    `root` (None: it has none)."""
    if root is None:  # with a root element, the head starts with "<" (or a UTF-16 BOM): no JSON, no lcov
        start = head.lstrip(_BLANKS)[:1]
        json = start in (b"{", b"[") and (
            _json_key().search(head) is not None or head.rstrip().endswith(b"]")
        )
        key: _Key = (None, json, b"<coverage" in head, b"TN:" in head or b"SF:" in head)
    else:
        key = (_ROOT_FORMAT.get(root), False, b"<coverage" in head, False)
    asked = _ASKED.get((names, key))
    if asked is None:
        xml, json, coverage, lcov = key
        ruled_out = {name for name in XML_ROOTS if name != xml}
        ruled_out |= set() if json else JSON_FORMATS
        ruled_out |= set() if coverage else {COVERAGE_FORMAT}
        ruled_out |= set() if lcov else {LCOV_FORMAT}
        asked = _ASKED.setdefault((names, key), tuple(name for name in names if name not in ruled_out))
    return asked


class Dispatch:
    """One run's readers: their names, and each reader with its whole-file reading, looked up once per run
    rather than once per file (a Readers lookup is a Python call, a tree asks thousands)."""

    def __init__(self, readers: Mapping[str, Reader], whole_readers: Mapping[str, WholeReader]) -> None:
        self.readers = readers
        self.whole_readers = whole_readers
        self.names = tuple(readers)
        self._found: dict[str, tuple[Reader, WholeReader | None]] = {}

    def reader(self, name: str) -> tuple[Reader, WholeReader | None]:
        """The reader named `name`, and itself again when it can read a file's bytes (else None)."""
        found = self._found.get(name)
        if found is None:
            reader, whole = self.readers[name], self.whole_readers.get(name)
            found = self._found[name] = (reader, whole if whole is not None and whole is reader else None)
        return found


def read_candidate(
    candidate: Candidate, head: Head, dispatch: Dispatch, max_file_bytes: int
) -> FileResult | Problem | Skipped:
    """The first detecting reader's result; when a full read shows the file is not that reader's format
    after all, the next detecting reader's: `detected`'s readers, each asked only once the one before it
    has read the file."""
    first = True
    for name in _detected(head.data, dispatch.readers, dispatch.names):
        if first and head.size > max_file_bytes and name not in STREAMING_FORMATS:
            limit = f"{max_file_bytes / 2**20:g} MiB"
            return Problem(file=candidate.display, message=f"not read: larger than {limit}")
        first = False
        # From the bytes read already where the reader can
        reader, whole = dispatch.reader(name)
        if whole is not None and head.content is not None:
            result = whole.read_bytes(candidate.display, head.content)
        else:
            result = reader.read(candidate.path)
        if result.recognised:
            return result
    if first and candidate.in_root and candidate.suffix.lower() not in RESULT_SUFFIXES:
        return Skipped.IGNORED
    return Skipped.NOT_A_RESULT


def over_budget(limit: int, spent: int) -> str:
    return (
        f"not read: the run's read limit of {_size(limit)} is reached ({_size(spent)} read already); "
        "raise it with --max-read-bytes, or give fewer result files"
    )


def _size(count: int) -> str:
    return f"{count / 2**20:.4g} MiB" if count >= 2**20 else f"{count} bytes"
