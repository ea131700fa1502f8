"""The container engine as the image check drives it (docker, or podman), the build context a checkout of the
action gives it, and a digest of an image's files for comparing two builds.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

# Both FROM lines pin the official base by digest; --base replaces exactly that reference.
PINNED_BASE = re.compile(r"^(FROM\s+)(python:3\.11-slim@sha256:[0-9a-f]{64})", re.MULTILINE)
# Files an engine writes into every container it creates (not part of the image's layers).
ENGINE_FILES = frozenset({"etc/hostname", "etc/hosts", "etc/resolv.conf", ".dockerenv", "run/.containerenv"})


@dataclass(frozen=True)
class Engine:
    """`command` is e.g. ["docker"] or ["podman", "--runtime", "runc"]; the options go to every build, or
    every run."""

    command: tuple[str, ...]
    build_options: tuple[str, ...] = ()
    run_options: tuple[str, ...] = ()
    timeout: float = 1200.0
    name: str = field(init=False)

    def __post_init__(self) -> None:
        found = shutil.which(self.command[0])
        if found is None:
            raise SystemExit(f"image check: {self.command[0]} is not on PATH (pass --engine CMD)")
        object.__setattr__(self, "command", (found, *self.command[1:]))
        object.__setattr__(self, "name", Path(found).name)

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [*self.command, *args], capture_output=True, text=True, timeout=self.timeout, check=False
        )
        if check and completed.returncode != 0:
            raise SystemExit(
                f"image check: {shlex.join([self.name, *args[:3]])} ... failed ({completed.returncode}):\n"
                f"{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
            )
        return completed

    def build(self, context: Path, tag: str, *, epoch: int, log: Path) -> float:
        """Build without cache; the seconds it took. The log goes to `log`."""
        started = time.monotonic()
        completed = self(
            "build",
            *self.build_options,
            "--no-cache",
            "--build-arg",
            f"SOURCE_DATE_EPOCH={epoch}",
            "--tag",
            tag,
            "--file",
            str(context / "Dockerfile"),
            str(context),
            check=False,
        )
        seconds = time.monotonic() - started
        log.write_text(completed.stdout + completed.stderr, encoding="utf-8")
        if completed.returncode != 0:
            raise SystemExit(f"image check: the build failed, see {log}:\n{completed.stderr[-3000:]}")
        return seconds

    def size(self, image: str) -> int:
        if self("image", "inspect", image, check=False).returncode != 0:
            # BuildKit keeps the FROM images it pulled in its own store, not among the engine's images.
            self("pull", image)
        return int(self("image", "inspect", "--format", "{{.Size}}", image).stdout.strip())

    def layers(self, image: str) -> list[str]:
        shown = self("image", "inspect", "--format", "{{json .RootFS.Layers}}", image).stdout
        return [str(layer) for layer in json.loads(shown)]

    def tree_digest(self, image: str) -> dict[str, str]:
        """Every entry of the image's file system -> a fingerprint of its type, mode, owner, link target and
        content: all an image holds except timestamps."""
        container = self("create", image).stdout.strip().splitlines()[-1]
        try:
            with subprocess.Popen([*self.command, "export", container], stdout=subprocess.PIPE) as export:
                assert export.stdout is not None
                tree = _fingerprints(export.stdout)
            if export.returncode != 0:
                raise SystemExit(f"image check: {self.name} export failed ({export.returncode})")
        finally:
            self("rm", "--force", container, check=False)
        return tree


def _fingerprints(stream: IO[bytes]) -> dict[str, str]:
    tree: dict[str, str] = {}
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            name = member.name.removeprefix("./").rstrip("/")
            if not name or name in ENGINE_FILES:
                continue
            content = hashlib.sha256()
            if member.isfile():
                extracted = archive.extractfile(member)
                assert extracted is not None
                while chunk := extracted.read(1 << 20):
                    content.update(chunk)
            tree[name] = (
                f"{member.type!r} {member.mode:o} {member.uid}:{member.gid} {member.linkname} "
                f"{member.size} {content.hexdigest()}"
            )
    return tree


def make_context(root: Path, destination: Path, *, base: str | None) -> tuple[str, ...]:
    """Copy what a checkout of the action has (tracked and untracked, unignored files) to `destination`;
    with `base`, point the Dockerfile's FROM lines at it. Returns the base image(s) the build uses."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607 - git from PATH
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    if destination.exists():
        shutil.rmtree(destination)
    for name in filter(None, listed.split("\0")):
        source = root / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name, follow_symlinks=False)
    dockerfile = destination / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    if base is not None:
        text = PINNED_BASE.sub(lambda match: match.group(1) + base, text)
        dockerfile.write_text(text, encoding="utf-8")
    return tuple(
        dict.fromkeys(line.split()[1] for line in text.splitlines() if line.upper().startswith("FROM "))
    )


def commit_time(root: Path) -> int:
    """SOURCE_DATE_EPOCH for a build of this checkout: its last commit's time."""
    shown = subprocess.run(
        ["git", "log", "-1", "--format=%ct"],  # noqa: S607 - git from PATH
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(shown.stdout.strip())
