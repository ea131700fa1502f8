"""Where each failing case of a run lies in the repository, once every file is read: what needs more than
one report (a JVM frame's package path placed by the run's coverage) or the workspace (a Go file name placed
by the module path of its `go.mod`). The traces themselves are parsed in sources/_trace_locations.py."""

from __future__ import annotations

from pathlib import Path

from issueplan.model import FileResult
from issueplan.sources._inputs import Candidate
from issueplan.sources._trace_locations import go_module, go_placed, locate_case, place_package_paths

# A go.mod is a few lines; a larger file is no go.mod worth reading for its first line.
GO_MOD_BYTES = 1 << 20


def locate_cases(
    results: list[tuple[Candidate, FileResult]], workspace: Path | None
) -> list[tuple[Candidate, FileResult]]:
    """Every case's location, whatever its reader: from its trace where the report names no file; a JVM
    frame's package path put where the run's coverage reports say it lies, a Go file name in its package's
    folder of the workspace's module (sources/_trace_locations.py)."""
    roots = sorted({root for _, result in results for root in result.source_roots})
    covered = {f.path for _, result in results if result.coverage for f in result.coverage.files}
    module = _go_module(workspace) if any(r.cases for _, r in results) else None
    located = []
    for candidate, result in results:
        if result.cases:
            cases = [locate_case(case) for case in result.cases]
            if module is not None:  # else go_placed leaves every case as it is
                cases = [go_placed(case, module) for case in cases]
            # No covered file: no package path can be placed (place_package_paths would change nothing).
            placed = place_package_paths(cases, roots, covered) if covered else tuple(cases)
            if placed != result.cases:
                result = result.model_copy(update={"cases": placed})  # noqa: PLW2901 - the located result
        located.append((candidate, result))
    return located


def _go_module(workspace: Path | None) -> str | None:
    """The module path of the workspace's `go.mod`, read only when it is a small regular file of its own."""
    path = (workspace or Path()) / "go.mod"
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > GO_MOD_BYTES:
            return None
        return go_module(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
