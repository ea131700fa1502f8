"""`POST /graphql` (and GHES's `/api/graphql`): the Projects v2 subset, executed against GitHub's own schema.

A document GitHub would refuse (syntax, a field or argument the schema lacks, a wrong type) is refused with
the errors graphql-core finds, as GitHub does: HTTP 200 with `errors` and no `data`. Field errors (an unknown
project, a missing `first`) come back beside partial data with GitHub's `type`.
"""

from __future__ import annotations

from typing import Any

from issueplan.tracker.sandbox.graphql_mutations import ProjectMutations
from issueplan.tracker.sandbox.graphql_resolvers import FieldError
from issueplan.tracker.sandbox.graphql_schema import github_schema
from issueplan.tracker.sandbox.replies import Reply
from issueplan.tracker.sandbox.state import RepoState

GRAPHQL_PATHS = frozenset({"/graphql", "/api/graphql"})
DOCS = "https://docs.github.com/graphql"


def is_mutation(body: Any) -> bool:
    """Whether a recorded request body is a mutation (what tests count as GraphQL writes)."""
    from graphql import GraphQLError, OperationType, get_operation_ast, parse  # noqa: PLC0415 - lazily

    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return False
    try:
        operation = get_operation_ast(parse(body["query"]), body.get("operationName"))
    except GraphQLError:
        return False
    return operation is not None and operation.operation is OperationType.MUTATION


def _error(error: Any) -> dict[str, Any]:
    shaped: dict[str, Any] = {"message": error.message}
    original = error.original_error
    if isinstance(original, FieldError):
        shaped["type"] = original.kind
    if error.path:
        shaped["path"] = list(error.path)
    if error.locations:
        shaped["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return shaped


def answer_graphql(body: Any, state: RepoState, *, can_write: bool) -> Reply:
    from graphql import (  # noqa: PLC0415 - lazily: only a GraphQL request needs graphql-core
        GraphQLError,
        OperationType,
        execute_sync,
        get_operation_ast,
        parse,
        validate,
    )

    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return Reply(400, {"message": "Problems parsing JSON", "documentation_url": DOCS})
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        return Reply(400, {"message": "Problems parsing JSON", "documentation_url": DOCS})
    try:
        document = parse(body["query"])
    except GraphQLError as error:
        return Reply(200, {"errors": [_error(error)]})
    schema = github_schema()
    problems = validate(schema, document)
    if problems:
        return Reply(200, {"errors": [_error(problem) for problem in problems]})
    operation = get_operation_ast(document, body.get("operationName"))
    if operation is not None and operation.operation is OperationType.MUTATION and not can_write:
        forbidden = {"type": "FORBIDDEN", "message": "Resource not accessible by integration"}
        return Reply(200, {"data": None, "errors": [forbidden]})
    graph = ProjectMutations(state)
    root = (
        graph.mutation()
        if operation is not None and operation.operation is OperationType.MUTATION
        else graph.query()
    )
    result = execute_sync(
        schema,
        document,
        root_value=root,
        variable_values=variables,
        operation_name=body.get("operationName"),
    )
    answer: dict[str, Any] = {"data": result.data}
    if result.errors:
        answer["errors"] = [_error(error) for error in result.errors]
    return Reply(200, answer)
