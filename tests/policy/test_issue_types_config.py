"""The config's `issue_types:` section: the shipped mapping, overridden key by key, null to turn one off, and
errors that name the key; part of the JSON Schema that `issueplan schema` prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from issueplan.errors import ConfigError
from issueplan.model import ItemType
from issueplan.policy import config_json_schema, load_config


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issueplan.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_maps_every_item_type_to_one_of_githubs_usual_types() -> None:
    assert load_config(None).issue_types.mapping() == {
        ItemType.SECURITY: "Bug",
        ItemType.BUG_FIX: "Bug",
        ItemType.ENHANCEMENT: "Feature",
        ItemType.INFRASTRUCTURE: "Task",
    }


def test_a_users_mapping_overrides_key_by_key_and_null_turns_one_off(tmp_path: Path) -> None:
    config = load_config(
        config_file(tmp_path, "issue_types: { security: Vulnerability, infrastructure: null }\n")
    )
    assert config.issue_types.mapping() == {
        ItemType.SECURITY: "Vulnerability",
        ItemType.BUG_FIX: "Bug",
        ItemType.ENHANCEMENT: "Feature",
    }


def test_a_typo_in_an_item_type_says_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(config_file(tmp_path, "issue_types: { bugfix: Bug }\n"))
    message = str(caught.value)
    assert "issue_types" in message
    assert "bug_fix" in message


def test_the_json_schema_has_the_section() -> None:
    schema = config_json_schema()
    assert "issue_types" in schema["properties"]
    names = schema["$defs"]["IssueTypeNames"]["properties"]
    assert set(names) == {kind.value for kind in ItemType}
