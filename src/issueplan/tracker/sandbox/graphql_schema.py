"""GitHub's public GraphQL schema, shipped compressed beside the fake (origin and licence: the LICENSE file
here; octokit/graphql-schema), built once per process.

graphql-core is imported here and only here (and by the tests): a plain sync never pays for it.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphql import GraphQLError, GraphQLSchema

SCHEMA_FILE = "github-schema.graphql.gz"


def schema_text() -> str:
    packed = resources.files("issueplan.tracker.sandbox").joinpath(SCHEMA_FILE).read_bytes()
    return gzip.decompress(packed).decode("utf-8")


@cache
def github_schema() -> GraphQLSchema:
    """The schema. GitHub's SDL defines two fields of one type twice, so strict SDL validation refuses it:
    it is built as valid (about a second), and every document is still validated against it."""
    from graphql import build_schema  # noqa: PLC0415 - lazily: only the fake and the tests need it

    return build_schema(schema_text(), assume_valid=True, assume_valid_sdl=True)


def validation_errors(document: str) -> list[GraphQLError]:
    """What GitHub would refuse in `document` (syntax, unknown fields or arguments, wrong types), or []."""
    from graphql import GraphQLError, parse, validate  # noqa: PLC0415 - lazily, as above

    try:
        parsed = parse(document)
    except GraphQLError as error:
        return [error]
    return list(validate(github_schema(), parsed))
