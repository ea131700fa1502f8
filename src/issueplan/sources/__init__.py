"""Result-file readers: one module per format, registered in READERS, detected by content.

A reader is a plain module with `FORMAT`, `detect(head)` and `read(path)`; mypy checks each against `Reader`.
Adding a format = one module, one line in READERS, one folder of golden files under tests/data/. A reader that
can also parse a file from its bytes (`read_bytes`) is listed in WHOLE_READERS too: the loader hands it the
bytes it read to sniff a small file, so that a tree's files are opened once each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from issueplan.model import FileResult
from issueplan.sources import (
    cargo_audit,
    cobertura,
    dart_json,
    go_test_json,
    govulncheck,
    grype,
    jest_json,
    junit,
    lcov,
    mocha_json,
    npm_audit,
    nunit,
    osv,
    pip_audit,
    sarif,
    trivy,
    trx,
    xunit,
    yarn_audit,
)

HEAD_BYTES = 8192


class Reader(Protocol):
    FORMAT: str

    def detect(self, head: bytes) -> bool:
        """True when the first HEAD_BYTES bytes of a file look like this format."""
        ...

    def read(self, path: Path) -> FileResult:
        """Read one file. Never raises on bad input: problems are returned in the FileResult."""
        ...


class WholeReader(Reader, Protocol):
    def read_bytes(self, file: str, data: bytes) -> FileResult:
        """`read` of the file named `file`, whose bytes (all of them) are `data`: the same result."""
        ...


# Order matters where formats overlap: more specific detectors first.
READERS: dict[str, Reader] = {
    "sarif": sarif,
    "pip-audit": pip_audit,
    "npm-audit": npm_audit,
    "osv": osv,
    "trivy": trivy,
    "grype": grype,
    "yarn-audit": yarn_audit,
    "cargo-audit": cargo_audit,
    "govulncheck": govulncheck,
    "cobertura": cobertura,
    "mocha-json": mocha_json,
    "jest-json": jest_json,
    "go-test-json": go_test_json,
    "dart-json": dart_json,
    "trx": trx,
    "xunit": xunit,
    "nunit": nunit,
    "junit": junit,
    "lcov": lcov,
}
WHOLE_READERS: dict[str, WholeReader] = {"trx": trx, "xunit": xunit, "nunit": nunit, "junit": junit}

# Re-exported last: the loader looks readers up in READERS.
from issueplan.sources.loader import infer_kind, load_results  # noqa: E402

__all__ = ["HEAD_BYTES", "READERS", "WHOLE_READERS", "Reader", "WholeReader", "infer_kind", "load_results"]
