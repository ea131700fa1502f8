"""The owners' config (`teams`, `codeowners`): logins only, errors naming the key, and CODEOWNERS read where
GitHub looks for it, inside the workspace only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from issueplan.errors import ConfigError
from issueplan.policy import config_json_schema, load_config
from issueplan.policy.assignees import read_codeowners


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "issueplan.yml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_teams_map_a_rules_team_to_logins_and_codeowners_is_off_by_default(tmp_path: Path) -> None:
    config = load_config(None)
    assert (config.teams, config.codeowners) == ({}, False)

    path = tmp_path / "issueplan.yml"
    path.write_text("teams:\n  security_team: [alice, bob-2]\ncodeowners: true\n", encoding="utf-8")
    loaded = load_config(path)

    assert loaded.teams == {"security_team": ("alice", "bob-2")}
    assert loaded.codeowners is True


@pytest.mark.parametrize("entry", ["'@alice'", "acme/security", "'@acme/security'"])
def test_a_team_or_mention_in_the_map_is_an_error_saying_teams_stay_labels(
    tmp_path: Path, entry: str
) -> None:
    message = error_of(tmp_path, f"teams:\n  security_team: [alice, {entry}]\n")

    assert message.startswith(f"{tmp_path / 'issueplan.yml'}: teams.security_team[1]: ")
    assert "not a person" in message
    assert "teams stay labels" in message


def test_a_login_github_would_refuse_is_an_error(tmp_path: Path) -> None:
    message = error_of(tmp_path, "teams:\n  qa_team: [bob-]\n")

    assert "teams.qa_team[0]: 'bob-' is not a GitHub login" in message


def test_a_team_no_rule_names_says_did_you_mean(tmp_path: Path) -> None:
    message = error_of(tmp_path, "teams:\n  securty_team: [alice]\n")

    assert "teams.securty_team: no rule or suite has the team 'securty_team'" in message
    assert "(did you mean 'security_team'?)" in message


@pytest.mark.parametrize("path", ["/etc/CODEOWNERS", "../CODEOWNERS", "docs/../../x"])
def test_a_codeowners_path_outside_the_workspace_is_an_error(tmp_path: Path, path: str) -> None:
    message = error_of(tmp_path, f"codeowners: {path}\n")

    assert "codeowners: " in message
    assert "must be a path inside the workspace" in message


def test_the_json_schema_describes_teams_and_codeowners() -> None:
    properties = config_json_schema()["properties"]

    assert "teams themselves stay labels" in properties["teams"]["description"]
    assert "CODEOWNERS" in properties["codeowners"]["description"]


def test_codeowners_is_found_where_github_looks_first(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "CODEOWNERS").write_text("* @docs\n", encoding="utf-8")
    (tmp_path / "CODEOWNERS").write_text("* @root\n", encoding="utf-8")

    found = read_codeowners(True, tmp_path, source="issueplan.yml")

    assert found is not None
    assert (found.path, found.text) == ("CODEOWNERS", "* @root\n")
    assert read_codeowners(False, tmp_path, source="issueplan.yml") is None
    assert read_codeowners(True, tmp_path / "docs", source="issueplan.yml") is not None


def test_no_codeowners_file_is_fine_when_looking_but_a_named_one_must_exist(tmp_path: Path) -> None:
    assert read_codeowners(True, tmp_path, source="issueplan.yml") is None

    with pytest.raises(ConfigError) as caught:
        read_codeowners("OWNERS", tmp_path, source="issueplan.yml")

    assert str(caught.value).startswith("issueplan.yml: codeowners: 'OWNERS' is not a file in the workspace")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_codeowners_symlink_that_leads_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_text("* @mallory\n", encoding="utf-8")
    workspace = tmp_path / "workspace"
    (workspace / ".github").mkdir(parents=True)
    (workspace / ".github" / "CODEOWNERS").symlink_to(outside)

    with pytest.raises(ConfigError) as caught:
        read_codeowners(True, workspace, source="issueplan.yml")

    assert "leads outside the workspace" in str(caught.value)
