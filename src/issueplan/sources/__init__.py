"""Result-file readers: one module per format, registered in READERS, detected by content.

A reader is a plain module with `FORMAT`, `detect(head)` and `read(path)`; mypy checks each against `Reader`.
Adding a format = one module, one line in READER_MODULES (and in the checked tuple below), one folder of
golden files under tests/data/. A reader that can also parse a file from its bytes (`read_bytes`) is listed in
WHOLE_FORMATS too: the loader hands it the bytes it read to sniff a small file, so that a tree's files are
opened once each.

A reader module is imported when the loader's sniffing first asks it (`_dispatch.candidates`): a run that
reads JUnit never loads the SARIF, audit or coverage readers, their models and their regular expressions.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, cast

from issueplan.model import FileResult

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
READER_MODULES: dict[str, str] = {
    "sarif": "issueplan.sources.sarif",
    "pip-audit": "issueplan.sources.pip_audit",
    "npm-audit": "issueplan.sources.npm_audit",
    "osv": "issueplan.sources.osv",
    "trivy": "issueplan.sources.trivy",
    "grype": "issueplan.sources.grype",
    "yarn-audit": "issueplan.sources.yarn_audit",
    "cargo-audit": "issueplan.sources.cargo_audit",
    "govulncheck": "issueplan.sources.govulncheck",
    "cobertura": "issueplan.sources.cobertura",
    "mocha-json": "issueplan.sources.mocha_json",
    "jest-json": "issueplan.sources.jest_json",
    "go-test-json": "issueplan.sources.go_test_json",
    "dart-json": "issueplan.sources.dart_json",
    "trx": "issueplan.sources.trx",
    "xunit": "issueplan.sources.xunit",
    "nunit": "issueplan.sources.nunit",
    "junit": "issueplan.sources.junit",
    "lcov": "issueplan.sources.lcov",
}
WHOLE_FORMATS = ("trx", "xunit", "nunit", "junit")

if TYPE_CHECKING:
    # What mypy checks against the Protocols; tests/sources/test_registry.py holds it equal to READER_MODULES.
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

    _CHECKED: tuple[Reader, ...] = (
        sarif,
        pip_audit,
        npm_audit,
        osv,
        trivy,
        grype,
        yarn_audit,
        cargo_audit,
        govulncheck,
        cobertura,
        mocha_json,
        jest_json,
        go_test_json,
        dart_json,
        trx,
        xunit,
        nunit,
        junit,
        lcov,
    )
    _WHOLE_CHECKED: tuple[WholeReader, ...] = (trx, xunit, nunit, junit)

_R = TypeVar("_R", bound=Reader)


class Readers(MutableMapping[str, _R]):
    """Format name -> reader, in detection order; a registered module is imported on its first lookup.

    Iterating gives the names without importing anything; `items()` and `values()` import every reader."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._entries: dict[str, str | _R] = dict(modules)

    def __getitem__(self, name: str) -> _R:
        entry = self._entries[name]
        if isinstance(entry, str):
            entry = cast(_R, importlib.import_module(entry))
            self._entries[name] = entry
        return entry

    def __setitem__(self, name: str, reader: _R) -> None:
        self._entries[name] = reader

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


READERS: Readers[Reader] = Readers(READER_MODULES)
WHOLE_READERS: Readers[WholeReader] = Readers({name: READER_MODULES[name] for name in WHOLE_FORMATS})

# Re-exported last: the loader looks readers up in READERS.
from issueplan.sources.loader import infer_kind, load_results  # noqa: E402

__all__ = [
    "HEAD_BYTES",
    "READERS",
    "READER_MODULES",
    "WHOLE_FORMATS",
    "WHOLE_READERS",
    "Reader",
    "Readers",
    "WholeReader",
    "infer_kind",
    "load_results",
]
