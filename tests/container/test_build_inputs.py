"""What the image is built from, without building it: both locks pin every package by hash, the Dockerfile
installs only from them (or from the wheel it built offline), no layer keeps the wheel, .dockerignore says
what it lets in, the workflows build and release the image as the README says, and nothing cites a file the
repository does not have.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
LOCKS = ("requirements.lock", "build-requirements.lock")


def _pins(lock: str) -> dict[str, tuple[Requirement, list[str]]]:
    """name -> (its `name==version` line, its hashes)."""
    pins: dict[str, tuple[Requirement, list[str]]] = {}
    current = ""
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            requirement = Requirement(line.split()[0])
            current = requirement.name.lower()
            pins[current] = (requirement, [])
        elif line.strip().startswith("--hash=") and current:
            pins[current][1].append(line.strip().split()[0].removeprefix("--hash="))
    return pins


def _instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def _workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_both_locks_pin_every_package_to_one_version_with_sha256_hashes() -> None:
    for lock in LOCKS:
        pins = _pins(lock)
        assert pins, f"{lock} pins nothing"
        for name, (requirement, hashes) in pins.items():
            assert str(requirement.specifier).startswith("=="), f"{lock}: {requirement} is not pinned"
            assert hashes, f"{lock}: {name} has no --hash: re-run pip-compile --generate-hashes"
            assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for digest in hashes), (lock, name)


def test_the_build_lock_pins_exactly_the_build_systems_requirements() -> None:
    """pyproject's [build-system] pins the backend (pip's isolated builds fetch that version too), and the
    image's builder installs the same version by hash."""
    build_system = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    required = {
        Requirement(entry).name.lower(): str(Requirement(entry).specifier)
        for entry in build_system["requires"]
    }
    locked = {
        name: str(requirement.specifier)
        for name, (requirement, _) in _pins("build-requirements.lock").items()
    }
    assert required == locked
    assert all(specifier.startswith("==") for specifier in required.values())


def test_every_pip_install_in_the_image_is_hash_checked_and_fetches_nothing_unpinned() -> None:
    installs = [step for step in _instructions() if "pip install" in step or "pip wheel" in step]
    requirement_installs = [step for step in installs if "--requirement" in step]
    # One RUN may chain several pip commands: check each.
    commands = [part for step in installs for part in re.split(r"&&", step) if "pip " in part]
    for command in commands:
        if "--requirement" in command:
            assert "--require-hashes" in command, command
            assert "--no-deps" in command, command
        else:  # the wheel: built and installed with no index, so nothing else comes in
            assert "--no-index" in command, command
            assert "--no-deps" in command, command
    assert {lock for lock in LOCKS if any(lock in step for step in requirement_installs)} == set(LOCKS)
    assert any("pip wheel" in command and "--no-build-isolation" in command for command in commands)


def test_no_layer_keeps_the_wheel_and_every_stage_takes_source_date_epoch() -> None:
    steps = _instructions()
    assert not [step for step in steps if step.upper().startswith("COPY") and "--from" in step]
    assert any(step.startswith("RUN --mount=type=bind,from=builder") for step in steps)
    froms = [index for index, step in enumerate(steps) if step.upper().startswith("FROM ")]
    for start, end in zip(froms, [*froms[1:], len(steps)], strict=True):
        assert any(step.startswith("ARG SOURCE_DATE_EPOCH") for step in steps[start:end]), steps[start]


def test_dockerignore_lets_in_what_the_dockerfile_copies_and_its_comment_names_it() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    comment = " ".join(line.lstrip("# ") for line in lines if line.startswith("#"))
    allowed = [line[1:].rstrip("/") for line in lines if line.startswith("!")]
    assert lines[lines.index("*") - 1].startswith("#"), "the comment comes first, then `*`"
    for entry in allowed:
        assert (ROOT / entry).exists(), f".dockerignore lets in {entry}, which the repository does not have"
        assert entry in comment, f".dockerignore's comment does not name {entry}"
    copied = [
        source.rstrip("/")
        for step in _instructions()
        if step.upper().startswith("COPY") and "--from" not in step
        for source in step.split()[1:-1]
    ]
    assert copied
    assert all(source in allowed for source in copied), (copied, allowed)


def test_no_file_cites_design_md_which_the_repository_does_not_have() -> None:
    """The design lives in the README's Architecture section; DESIGN.md is not part of the repository."""
    assert not (ROOT / "DESIGN.md").exists()
    citing = [
        str(path.relative_to(ROOT))
        for top in ("src", ".github", "docs", "examples", "fuzz")
        for path in (ROOT / top).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".yml", ".yaml", ".md", ".toml", ".txt"}
        and "DESIGN.md" in path.read_text(encoding="utf-8", errors="replace")
    ]
    top_level = ("README.md", "SECURITY.md", "Dockerfile", ".dockerignore", "action.yml", "pyproject.toml")
    citing += [name for name in top_level if "DESIGN.md" in (ROOT / name).read_text(encoding="utf-8")]
    assert citing == []


def test_the_container_workflow_runs_the_image_check_when_the_image_changes() -> None:
    workflow = _workflow("container.yml")
    paths = workflow[True]["pull_request"]["paths"]  # YAML 1.1 reads the key `on` as True
    for needed in ("Dockerfile", ".dockerignore", *LOCKS, "pyproject.toml", "src/**", "tests/container/**"):
        assert needed in paths, f"container.yml does not run on changes to {needed}"
    runs = " ".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])
    assert "tests/container/image_check.py --reproducible" in runs


def test_the_release_workflow_pushes_attests_and_pins_the_digest_on_a_tag() -> None:
    workflow = _workflow("release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = {step.get("uses", "").split("@")[0] for step in steps}
    assert {"docker/build-push-action", "actions/attest-build-provenance"} <= uses
    [push] = [step for step in steps if step.get("uses", "").startswith("docker/build-push-action@")]
    assert "push=true" in push["with"]["outputs"]
    assert "rewrite-timestamp=true" in push["with"]["outputs"]
    assert "SOURCE_DATE_EPOCH" in push["with"]["build-args"]
    [attest] = [step for step in steps if step.get("uses", "").startswith("actions/attest-build-provenance@")]
    assert attest["with"]["subject-digest"] == "${{ steps.push.outputs.digest }}"
    pin = " ".join(step.get("run", "") for step in workflow["jobs"]["pin"]["steps"])
    assert "docker://$IMAGE@$DIGEST" in pin
    assert "gh pr create" in pin
    assert workflow["jobs"]["image"]["permissions"]["packages"] == "write"
