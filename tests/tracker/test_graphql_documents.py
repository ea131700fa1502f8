"""Every GraphQL document issueplan can send is one GitHub's schema accepts; the fake refuses what GitHub
would."""

from __future__ import annotations

import pytest
import requests

from issueplan.tracker.graphql import (
    ADD_ITEM,
    PART_VARIABLES,
    READ_ORGANIZATION_PROJECT,
    READ_USER_PROJECT,
    SET_DATE,
    SET_OPTION,
    SET_TEXT,
    issue_ids_document,
    mutation_document,
)
from issueplan.tracker.sandbox import FakeGitHub
from issueplan.tracker.sandbox.graphql_schema import validation_errors

DOCUMENTS = {
    "read an organization's project": READ_ORGANIZATION_PROJECT,
    "read a user's project": READ_USER_PROJECT,
    "look up one issue id": issue_ids_document([7]),
    "look up a hundred issue ids": issue_ids_document(list(range(1, 101))),
}
PARTS = {"add item": ADD_ITEM, "set option": SET_OPTION, "set text": SET_TEXT, "set date": SET_DATE}


def test_every_part_of_a_mutation_declares_its_variables() -> None:
    assert set(PART_VARIABLES) == set(PARTS.values())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_query_validates_against_githubs_schema(name: str) -> None:
    assert validation_errors(DOCUMENTS[name]) == []


@pytest.mark.parametrize("name", sorted(PARTS))
def test_each_mutation_validates_alone_and_batched(name: str) -> None:
    assert validation_errors(mutation_document([PARTS[name]])) == []
    batch = [PARTS[name], *PARTS.values(), PARTS[name]] * 5
    assert validation_errors(mutation_document(batch)) == []


def test_a_document_github_would_refuse_is_refused_by_the_fake(fake_github: FakeGitHub) -> None:
    fake_github.create_project("octo", 1)
    wrong_field = READ_ORGANIZATION_PROJECT.replace("dataType", "kind")
    assert validation_errors(wrong_field), "the schema check itself catches the unknown field"
    answer = requests.post(
        f"{fake_github.base_url}/graphql",
        json={"query": wrong_field, "variables": {"owner": "octo", "number": 1, "withFields": True}},
        headers={"Authorization": "bearer t"},
        timeout=30,
    ).json()
    assert "data" not in answer
    assert any("kind" in error["message"] for error in answer["errors"])


def test_the_fake_insists_on_paginating_as_github_does(fake_github: FakeGitHub) -> None:
    fake_github.create_project("octo", 1)
    unbounded = '{ organization(login: "octo") { projectV2(number: 1) { items { totalCount } } } }'
    too_many = unbounded.replace("items {", "items(first: 101) {")
    for document, kind in ((unbounded, "MISSING_PAGINATION_BOUNDARIES"), (too_many, "EXCESSIVE_PAGINATION")):
        assert validation_errors(document) == []
        answer = requests.post(
            f"{fake_github.base_url}/graphql",
            json={"query": document},
            headers={"Authorization": "bearer t"},
            timeout=30,
        ).json()
        assert [error["type"] for error in answer["errors"]] == [kind]
