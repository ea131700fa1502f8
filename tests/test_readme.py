"""The README tells the truth: its config reference and trigger table match the config's JSON Schema, and its
quick start is what CI proves."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from issueplan.policy import config_json_schema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _table_keys(text: str) -> set[str]:
    return set(re.findall(r"^\| `([a-z_]+)`", text, flags=re.MULTILINE))


def test_the_config_reference_documents_every_top_level_key() -> None:
    schema = config_json_schema()
    assert _table_keys(_section("Configuration")) >= set(schema["properties"])


def test_the_trigger_table_lists_every_trigger_type_of_the_schema() -> None:
    schema = config_json_schema()
    types = {
        definition["properties"]["type"]["const"]
        for definition in schema["$defs"].values()
        if "type" in definition.get("properties", {}) and "const" in definition["properties"]["type"]
    }
    rows = re.findall(r"^\| `([a-z_]+)`(?: / `([a-z_]+)`)?", _section("Configuration"), re.MULTILINE)
    documented = set(rows)
    names = {name for pair in documented for name in pair if name}
    assert types, "the schema names its trigger types"
    assert types <= names, f"undocumented triggers: {sorted(types - names)}"


def _quick_start() -> list[str]:
    block = re.search(r"## Quick start\n.*?```console\n(.*?)```", README, flags=re.DOTALL)
    assert block is not None
    return block.group(1).strip().splitlines()


def test_the_quick_start_is_two_commands_and_ci_runs_the_test_command() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert "issueplan sync examples/results" in commands[0]
    assert "--sandbox" in commands[0]
    test_command = commands[1].split("&&")[-1].strip()
    assert test_command.replace("python3", "python") in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_fresh_clone_check_runs_the_readme_quick_start_verbatim() -> None:
    """.ci/fresh-clone clones HEAD with nothing beside it and runs these commands: they are the README's."""
    printed = subprocess.run(
        [str(ROOT / ".ci" / "fresh-clone"), "--print"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert printed.stdout.splitlines() == _quick_start()


def test_ci_runs_the_proof_and_the_fresh_clone_check() -> None:
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    runs = re.findall(r"^\s+run: (.+)$", workflow, flags=re.MULTILINE)
    assert "bash .ci/run" in runs
    assert "bash .ci/fresh-clone" in runs
