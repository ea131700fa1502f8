"""action.yml, the inputs model and the README agree; the Dockerfile and the workflows keep their promises
and pass their linters (actionlint, zizmor, hadolint, bandit), each skipped with a reason if it is absent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from issueplan.action_context import INPUT_DEFAULTS, ActionInput, ActionOutput

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLE = ROOT / "docs" / "workflow-example.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _yaml(path: Path) -> dict[Any, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _tool(name: str) -> str:
    """A linter from the test extra, found beside this Python first (the venv) and then on PATH."""
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if found is None:
        pytest.skip(f"{name} is not installed: pip install -e '.[test]' brings it")
    return found


def _readme_table(heading: str) -> dict[str, list[str]]:
    """The rows of the table under `## heading`: first cell (backticks stripped) -> the other cells."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("| `"):
            rows[cells[0].strip("`")] = cells[1:]
    return rows


# --- action.yml <-> ActionInputs <-> README -----------------------------------------------------------------


def test_action_yml_declares_exactly_the_inputs_the_entrypoint_reads() -> None:
    inputs = _yaml(ROOT / "action.yml")["inputs"]
    assert list(inputs) == [i.value for i in ActionInput]
    for name, spec in inputs.items():
        assert spec["description"].strip(), f"input {name} has no description"
        assert str(spec["default"]) == INPUT_DEFAULTS[ActionInput(name)], f"input {name}: default differs"


def test_action_yml_declares_exactly_the_outputs_the_entrypoint_writes() -> None:
    outputs = _yaml(ROOT / "action.yml")["outputs"]
    assert list(outputs) == [o.value for o in ActionOutput]
    assert all(spec["description"].strip() for spec in outputs.values())


def test_readme_documents_every_input_with_its_default() -> None:
    rows = _readme_table("Action inputs")
    assert list(rows) == [i.value for i in ActionInput]
    for name, (default, description) in rows.items():
        shown = "" if default == "—" else default.strip("`")
        assert shown == INPUT_DEFAULTS[ActionInput(name)], f"README default of {name} differs from action.yml"
        assert description


def test_readme_documents_every_output() -> None:
    assert list(_readme_table("Action outputs")) == [o.value for o in ActionOutput]


def test_action_runs_the_repository_dockerfile_or_a_released_image_by_digest_and_is_branded() -> None:
    """`Dockerfile`, or on a release commit (release.yml) the pushed image pinned by digest."""
    action = _yaml(ROOT / "action.yml")
    assert set(action["runs"]) == {"using", "image"}
    assert action["runs"]["using"] == "docker"
    assert re.fullmatch(
        r"Dockerfile|docker://ghcr\.io/[a-z0-9_.-]+/issueplan@sha256:[0-9a-f]{64}", action["runs"]["image"]
    )
    assert set(action["branding"]) == {"icon", "color"}


# --- the container ------------------------------------------------------------------------------------------


def test_dockerfile_keeps_the_containers_promises() -> None:
    """Digest-pinned base, multi-stage, a wheel installed without cache, root (no USER), exec entrypoint."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    froms = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    assert len(froms) >= 2, "multi-stage: a builder stage and a minimal final stage"
    for image in froms:
        assert re.fullmatch(r"python:3\.11-slim@sha256:[0-9a-f]{64}", image) or "TODO(release)" in text
    assert not any(line.upper().startswith("USER ") for line in lines), "GitHub needs root for the workspace"
    assert lines[-1] == 'ENTRYPOINT ["python", "-m", "issueplan.action"]'
    assert "pip wheel --no-cache-dir --no-deps" in text
    assert "pip install --no-cache-dir" in text
    assert "PYTHONDONTWRITEBYTECODE=1" in text
    assert ".sh" not in text, "no shell scripts on the way to the entrypoint"


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    result = subprocess.run(
        [_tool("hadolint"), "--no-color", "Dockerfile"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- workflows ----------------------------------------------------------------------------------------------


def test_actionlint_finds_nothing_in_the_workflows_and_the_documented_example() -> None:
    files = [str(p.relative_to(ROOT)) for p in [*WORKFLOWS, EXAMPLE]]
    result = subprocess.run(
        [_tool("actionlint"), "-no-color", *files], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", ".github/workflows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_flags_only_the_placeholder_in_the_documented_example() -> None:
    """The example's own `uses: OWNER/issueplan@SHA` is the reader's to pin; nothing else may be flagged."""
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", "--format", "json", str(EXAMPLE.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout)
    assert [
        (f["ident"], "OWNER/issueplan@SHA" in f["locations"][0]["concrete"]["feature"]) for f in findings
    ] == [("unpinned-uses", True)]


@pytest.mark.parametrize("path", [*WORKFLOWS, EXAMPLE], ids=lambda p: p.name)
def test_workflows_are_least_privilege_and_pin_actions_by_sha(path: Path) -> None:
    workflow = _yaml(path)
    # Read-only at the top; a job that writes asks for it itself.
    assert workflow["permissions"]["contents"] == "read"
    assert set(workflow["permissions"].values()) == {"read"}
    text = path.read_text(encoding="utf-8")
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            uses = step.get("uses", "")
            if uses.startswith("actions/"):
                assert PINNED.match(uses), f"{path.name}: {uses} is not pinned by commit SHA"
                assert re.search(re.escape(uses) + r" # v\d", text), f"{uses}: say which tag the SHA is"
            if uses.startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_the_documented_workflow_syncs_after_failures_one_run_at_a_time() -> None:
    job = _yaml(EXAMPLE)["jobs"]["issueplan"]
    assert job["if"] == "${{ !cancelled() }}"
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    # Shared across workflows: the group must not be made per-workflow.
    assert "github.workflow" not in job["concurrency"]["group"]
    assert job["concurrency"]["cancel-in-progress"] is False


def test_the_self_test_runs_the_local_action_as_a_dry_run() -> None:
    steps = _yaml(ROOT / ".github" / "workflows" / "self-test.yml")["jobs"]["action"]["steps"]
    [step] = [s for s in steps if s.get("uses", "").startswith("./")]
    assert step["with"]["dry-run"] == "true"
    assert step["with"]["results"] == "examples/results"


# --- bandit -------------------------------------------------------------------------------------------------

# bandit and ruff's flake8-bandit rules share checks; this project justifies them by `noqa: Sxxx - why`.
_RUFF_RULE = {"B101": "S101", "B105": "S105", "B106": "S106", "B107": "S107", "B108": "S108", "B603": "S603"}


def test_bandit_findings_in_src_each_carry_an_inline_reason() -> None:
    result = subprocess.run(
        [_tool("bandit"), "--recursive", "--quiet", "--format", "json", "src"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    unjustified = []
    for finding in json.loads(result.stdout)["results"]:
        if finding["issue_text"].endswith("password: ''"):
            continue  # an empty string is never a hardcoded secret (e.g. a fake API answer's empty field)
        rule = _RUFF_RULE.get(finding["test_id"])
        lines = (ROOT / finding["filename"]).read_text(encoding="utf-8").splitlines()
        reasons = [
            lines[n - 1]
            for n in finding["line_range"]
            if rule
            and re.search(
                rf"#.*(?:noqa|nosec):?[^#]*\b(?:{rule}|{finding['test_id']})\b.*\s-\s\w", lines[n - 1]
            )
        ]
        if not reasons:
            unjustified.append(f"{finding['filename']}:{finding['line_number']} {finding['test_id']}")
    assert unjustified == []


def test_the_lock_pins_every_runtime_dependency_the_image_installs() -> None:
    """requirements.lock (pip-compile of pyproject.toml) is what the image installs and pip-audit checks."""
    import tomllib  # noqa: PLC0415

    from packaging.requirements import Requirement  # noqa: PLC0415

    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    # A pin's line is `name==version \` (its --hash lines follow, indented).
    requirements = [
        Requirement(line.split()[0]) for line in lock.splitlines() if line and not line.startswith((" ", "#"))
    ]
    pins = {requirement.name.lower().replace("_", "-"): requirement for requirement in requirements}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for dependency in map(Requirement, project["dependencies"]):
        pinned = pins.get(dependency.name.lower().replace("_", "-"))
        assert pinned is not None, f"{dependency.name} is not in requirements.lock: re-run pip-compile"
        version = next(iter(pinned.specifier)).version
        assert dependency.specifier.contains(version), f"{pinned} does not satisfy {dependency}"
    assert "requirements.lock" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
