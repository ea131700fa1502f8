"""A small GraphQL client for the project board, and every document it can send.

Every document is a constant here (or built by `mutation_document` from the constants' parts), so a test
validates each against GitHub's schema. All our mutations are idempotent (adding an item that is on the
project answers the existing one; setting a value sets it), so every request may be retried after a 5xx, a
dropped connection or a rate limit, waiting as GitHub asks (tracker/retry.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import requests
from pydantic import SecretStr

from issueplan.errors import GitHubError
from issueplan.tracker.retry import MAX_RETRIES, Clock, Sleep, is_rate_limited, rate_limit_wait

TIMEOUT = 30

_BOARD_FIELDS = """
    id
    title
    fields(first: 100) @include(if: $withFields) {
      nodes {
        __typename
        ... on ProjectV2FieldCommon { id name dataType }
        ... on ProjectV2SingleSelectField { options { id name } }
      }
    }
    items(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        content { __typename ... on Issue { id number repository { nameWithOwner } } }
        fieldValues(first: 50) {
          nodes {
            __typename
            ... on ProjectV2ItemFieldSingleSelectValue {
              optionId field { ... on ProjectV2FieldCommon { id } }
            }
            ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { id } } }
            ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { id } } }
          }
        }
      }
    }
"""

# The project, its fields (first page only) and a page of its items with their values: one request per 100.
READ_ORGANIZATION_PROJECT = (
    "query ReadOrganizationProject($owner: String!, $number: Int!, $after: String, $withFields: Boolean!) {\n"
    "  owner: organization(login: $owner) { projectV2(number: $number) {" + _BOARD_FIELDS + "} }\n}\n"
)
READ_USER_PROJECT = (
    "query ReadUserProject($owner: String!, $number: Int!, $after: String, $withFields: Boolean!) {\n"
    "  owner: user(login: $owner) { projectV2(number: $number) {" + _BOARD_FIELDS + "} }\n}\n"
)

# Aliased parts: `issue_ids_document` and `mutation_document` join several into one request.
ISSUE_ID = "i{n}: issue(number: {number}) {{ id }}"
ADD_ITEM = "a{n}: addProjectV2ItemById(input: {{projectId: $project, contentId: $c{n}}}) {{ item {{ id }} }}"
SET_OPTION = (
    "u{n}: updateProjectV2ItemFieldValue(input: {{projectId: $project, itemId: $i{n}, fieldId: $f{n}, "
    "value: {{singleSelectOptionId: $v{n}}}}}) {{ projectV2Item {{ id }} }}"
)
SET_TEXT = (
    "u{n}: updateProjectV2ItemFieldValue(input: {{projectId: $project, itemId: $i{n}, fieldId: $f{n}, "
    "value: {{text: $v{n}}}}}) {{ projectV2Item {{ id }} }}"
)
SET_DATE = (
    "u{n}: updateProjectV2ItemFieldValue(input: {{projectId: $project, itemId: $i{n}, fieldId: $f{n}, "
    "value: {{date: $v{n}}}}}) {{ projectV2Item {{ id }} }}"
)
# The variables each part declares, by the part.
PART_VARIABLES = {
    ADD_ITEM: ("$c{n}: ID!",),
    SET_OPTION: ("$i{n}: ID!", "$f{n}: ID!", "$v{n}: String!"),
    SET_TEXT: ("$i{n}: ID!", "$f{n}: ID!", "$v{n}: String!"),
    SET_DATE: ("$i{n}: ID!", "$f{n}: ID!", "$v{n}: Date!"),
}


def issue_ids_document(numbers: Sequence[int]) -> str:
    """One query for the node ids of many issues of one repository (aliases i0, i1, …)."""
    parts = "\n    ".join(ISSUE_ID.format(n=n, number=number) for n, number in enumerate(numbers))
    return (
        "query IssueIds($owner: String!, $name: String!) {\n"
        f"  repository(owner: $owner, name: $name) {{\n    {parts}\n  }}\n}}\n"
    )


def mutation_document(parts: Sequence[str]) -> str:
    """Several mutations in one request, aliased by position (a0/u0, a1/u1, …), with their variables."""
    declared = ["$project: ID!"]
    for n, part in enumerate(parts):
        declared += [variable.format(n=n) for variable in PART_VARIABLES[part]]
    body = "\n  ".join(part.format(n=n) for n, part in enumerate(parts))
    return f"mutation SyncProject({', '.join(declared)}) {{\n  {body}\n}}\n"


class GraphQLAnswer:
    """`data` (aliases to values, None where a field failed) and the errors by top-level alias."""

    def __init__(self, data: Mapping[str, Any] | None, errors: Sequence[Mapping[str, Any]]) -> None:
        self.data: Mapping[str, Any] = data or {}
        self.errors = list(errors)

    def error_for(self, alias: str) -> str | None:
        for error in self.errors:
            path = error.get("path") or []
            if path and path[0] == alias:
                return str(error.get("message", "failed"))
        return None

    def unplaced(self) -> list[str]:
        """Errors of the whole request (no path): a refused document, a permission, a rate limit."""
        return [str(error.get("message", "failed")) for error in self.errors if not error.get("path")]


class GraphQLClient:
    """POSTs documents to one endpoint with the project token; counts requests and mutations sent."""

    def __init__(
        self,
        url: str,
        token: SecretStr,
        *,
        sleep: Sleep = time.sleep,
        clock: Clock = time.time,
        session: requests.Session | None = None,
    ) -> None:
        self.url = url
        self.token = token
        self.sleep = sleep
        self.clock = clock
        self.session = session or requests.Session()
        self.requests = 0
        self.mutations = 0

    def send(
        self, document: str, variables: Mapping[str, Any], *, what: str, mutations: int = 0
    ) -> GraphQLAnswer:
        """The answer; GitHubError (naming `what`) when no answer came after the retries. `mutations`: how
        many the document holds, for the count."""
        headers = {
            "Authorization": f"bearer {self.token.get_secret_value()}",
            "Accept": "application/vnd.github+json",
        }
        payload = {"query": document, "variables": dict(variables)}
        self.mutations += mutations
        for attempt in range(1, MAX_RETRIES + 2):
            self.requests += 1
            try:
                response = self.session.post(self.url, json=payload, headers=headers, timeout=TIMEOUT)
            except requests.RequestException as error:
                if attempt > MAX_RETRIES:
                    raise GitHubError(f"could not {what}: {type(error).__name__} from {self.url}") from error
                self.sleep(rate_limit_wait({}, attempt=attempt, now=self.clock()))
                continue
            body = _json(response)
            message = str(body.get("message", "")) if isinstance(body, dict) else ""
            limited = is_rate_limited(response.status_code, response.headers, message) or _limited(body)
            if (response.status_code >= 500 or limited) and attempt <= MAX_RETRIES:
                self.sleep(rate_limit_wait(response.headers, attempt=attempt, now=self.clock()))
                continue
            if response.status_code != 200 or not isinstance(body, dict):
                detail = message or f"HTTP {response.status_code}"
                raise GitHubError(f"could not {what}: GitHub answered {response.status_code}: {detail}")
            return GraphQLAnswer(body.get("data"), body.get("errors") or [])
        raise GitHubError(f"could not {what}: GitHub kept rate-limiting the requests")


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _limited(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, list) and any(
        isinstance(error, dict) and error.get("type") == "RATE_LIMITED" for error in errors
    )
