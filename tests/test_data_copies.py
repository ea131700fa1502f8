"""The project's copies of development data are still the originals: the seed scenario, GitHub's API
description and recordings, and the readers' corpus samples with their MANIFEST rows. Extra tests: they need
../shared (or $ISSUEPLAN_SHARED) and skip without it; the suite itself reads only the copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_checks import DATA, SAMPLES, manifest_rows, rows_in


def _files(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}


def test_the_seed_scenario_is_the_shared_seeds(shared_dir: Path) -> None:
    """The same files with the same bytes, none missing and none added."""
    ours, theirs = DATA / "seed" / "scenario", shared_dir / "seed" / "scenario"
    assert _files(ours) == _files(theirs)
    for relative in sorted(_files(ours)):
        assert (ours / relative).read_bytes() == (theirs / relative).read_bytes(), relative
    assert (DATA / "seed" / "SEED.md").read_bytes() == (shared_dir / "seed" / "README.md").read_bytes()


def test_the_github_api_files_are_the_shared_ones(shared_dir: Path) -> None:
    ours, theirs = DATA / "github-api", shared_dir / "github-api"
    copies = sorted(relative for relative in _files(ours) if relative != Path("README.md"))
    assert Path("openapi-issues-subset.json") in copies
    assert Path("LICENSE-octokit-openapi.txt") in copies
    assert Path("octokit-fixtures/LICENSE.md") in copies
    for relative in copies:
        assert (ours / relative).read_bytes() == (theirs / relative).read_bytes(), relative


def test_the_packaged_graphql_schema_is_the_shared_one(shared_dir: Path) -> None:
    """The sandbox ships GitHub's GraphQL schema gzipped: it decompresses to the shared file, its licence
    beside it."""
    from issueplan.tracker.sandbox.graphql_schema import schema_text  # noqa: PLC0415 - lazily, as the sandbox

    theirs = shared_dir / "github-api" / "graphql"
    assert schema_text().encode("utf-8") == (theirs / "schema.graphql").read_bytes()
    licence = (
        Path(__file__).resolve().parent.parent
        / "src/issueplan/tracker/sandbox/LICENSE-octokit-graphql-schema.md"
    )
    assert licence.read_bytes() == (theirs / "LICENSE-octokit-graphql-schema.md").read_bytes()


SAMPLE_README = sorted(DATA.glob(f"*/{SAMPLES}/README.md"))


@pytest.mark.parametrize("readme", SAMPLE_README, ids=lambda p: p.parent.parent.name)
def test_the_samples_and_their_rows_are_the_corpus_ones(shared_dir: Path, readme: Path) -> None:
    """Each sample equals its corpus file byte for byte, and its README row equals the MANIFEST's."""
    corpus = shared_dir / "corpus"
    manifest = manifest_rows(corpus)
    rows = rows_in(readme)
    samples = sorted(path for path in readme.parent.rglob("*") if path.is_file() and path.name != "README.md")
    by_name = {Path(corpus_path).name: corpus_path for corpus_path in rows}
    for path in samples:
        if path.parent.name == "expected":  # an origin's expected result, beside the corpus's inputs
            original = corpus / "coverage" / "expected" / path.name
        else:
            assert path.name in by_name, f"{path.name} has no row in {readme}"
            original = corpus / by_name[path.name]
            assert rows[by_name[path.name]] == manifest[by_name[path.name]], path.name
        assert path.read_bytes() == original.read_bytes(), path.name
    assert len(rows) == len([p for p in samples if p.parent.name != "expected"])
