"""Build the action's image and run it the way GitHub runs a `using: docker` action, against the project's own
fake GitHub (issueplan.tracker.sandbox.FakeGitHub, served on loopback by this script).

    python tests/container/image_check.py                  # docker; the Dockerfile as it is
    python tests/container/image_check.py --reproducible   # and a second build, compared file by file
    python tests/container/image_check.py --engine podman --base localhost/python:3.11-slim --host-ulimits

Each check prints PASS or FAIL; the exit code is 1 when any failed. What it proves: the image builds from a
checkout's files; it holds no build leftovers (wheel, lock, source, pip cache, compilers) and adds at most
--max-added-mb to its base; run as GitHub runs it (workspace mounted at /github/workspace, every input as
INPUT_<NAME> with action.yml's defaults, file commands mounted, root, no --user) it exits 0, writes its
outputs and the job summary, creates one issue per plan item, masks the token and prints it nowhere, and
leaves its files to the workspace's owner; a second run with fail-on critical fails and writes nothing. With
--reproducible, a second build without cache holds the same files, modes, owners and contents. The numbers
(build time, image size over the base, run times) are printed and, with --report FILE, written as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from container_engine import Engine, commit_time, make_context

from issueplan.tracker.sandbox import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # runner_parsing, beside tests/container
from action_runs import TOKEN, Checks, Runner, check_first_run, check_second_run, run_action  # noqa: E402

# What the image must not keep from its build; it runs in the image (python only, no shell).
PROBE = r"""
import importlib.metadata, json, os, shutil, subprocess, sys
wheels = []
for top, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if os.path.join(top, d) not in ("/proc", "/sys", "/dev")]
    wheels += [os.path.join(top, f) for f in files if f.endswith(".whl")]
print(json.dumps({
    "leftovers": [p for p in ("/wheels", "/src", "/root/.cache/pip", "/tmp/requirements.lock")
                  if os.path.lexists(p)],
    "wheels": wheels,
    "compilers": [c for c in ("cc", "gcc", "g++", "clang", "make") if shutil.which(c)],
    "issueplan": importlib.metadata.version("issueplan"),
    "pip_check": subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True).returncode,
    "user": os.getuid(),
}))
"""


def host_ulimits() -> list[str]:
    """Container limits no higher than the host's own hard limits (rootful podman cannot raise them)."""

    def hard(limit: int, ceiling: int) -> int:  # podman also caps its own RLIMIT_NPROC at 32768
        found = resource.getrlimit(limit)[1]
        return ceiling if found == resource.RLIM_INFINITY else min(found, ceiling)

    nofile, nproc = hard(resource.RLIMIT_NOFILE, 1 << 20), hard(resource.RLIMIT_NPROC, 32768)
    return ["--ulimit", f"nofile={nofile}:{nofile}", "--ulimit", f"nproc={nproc}:{nproc}"]


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", default="docker", help="the engine command, e.g. 'podman --runtime runc'")
    parser.add_argument("--build-option", action="append", default=[], help="extra build options (split)")
    parser.add_argument("--run-option", action="append", default=[], help="extra run options (split)")
    parser.add_argument(
        "--host-ulimits", action="store_true", help="cap the container's ulimits at the host's"
    )
    parser.add_argument("--base", help="build FROM this local image instead of the pinned python:3.11-slim")
    parser.add_argument("--tag", default="localhost/issueplan-action:check")
    parser.add_argument("--reproducible", action="store_true", help="build twice and compare the files")
    parser.add_argument("--max-added-mb", type=float, default=90.0, help="size budget over the base image")
    parser.add_argument("--work", type=Path, help="working directory (default: a new temporary one, removed)")
    parser.add_argument("--report", type=Path, help="write the numbers and the failed checks as JSON here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    limits = host_ulimits() if args.host_ulimits else []
    engine = Engine(
        command=tuple(shlex.split(args.engine)),
        build_options=(*(o for opt in args.build_option for o in shlex.split(opt)), *limits),
        run_options=(*(o for opt in args.run_option for o in shlex.split(opt)), *limits),
    )
    work = args.work or Path(tempfile.mkdtemp(prefix="issueplan-image-check-"))
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # the runner's user (a later step) must reach the workspace below it
    checks = Checks()
    numbers: dict[str, object] = {"engine": engine.name}
    try:
        bases = make_context(ROOT, work / "context", base=args.base)
        epoch = commit_time(ROOT)
        print(f"== build ({engine.name}, FROM {', '.join(bases)}, SOURCE_DATE_EPOCH={epoch})")
        numbers["build_seconds"] = round(
            engine.build(work / "context", args.tag, epoch=epoch, log=work / "build.log"), 1
        )
        checks(True, f"the image builds ({numbers['build_seconds']} s)")
        image, base = engine.size(args.tag), engine.size(bases[-1])
        numbers |= {"image_mb": round(image / 1e6, 1), "base_mb": round(base / 1e6, 1)}
        numbers |= {"added_mb": round((image - base) / 1e6, 1), "layers": len(engine.layers(args.tag))}
        checks(
            (image - base) / 1e6 <= args.max_added_mb,
            f"the image adds {numbers['added_mb']} MB to its base (budget {args.max_added_mb:g} MB)",
        )
        probe = json.loads(
            engine(
                "run",
                "--rm",
                "--network",
                "none",
                *engine.run_options,
                "--entrypoint",
                "python",
                args.tag,
                "-c",
                PROBE,
            ).stdout
        )
        checks(
            probe["leftovers"] == [] and probe["wheels"] == [],
            "no wheel, lock, source or pip cache left",
            probe,
        )
        checks(probe["compilers"] == [], "no compiler or make in the image", probe["compilers"])
        checks(probe["pip_check"] == 0, "pip check: the installed dependencies are consistent")
        checks(probe["user"] == 0, "it runs as root, as GitHub's Docker actions do (no USER)", probe["user"])
        print("== runs against the fake GitHub")
        runner = Runner(work / "runner")
        runner.prepare()
        with FakeGitHub(owner="acme", repo="shop", token=TOKEN) as fake:
            first = run_action(engine, args.tag, runner, fake.base_url, "first", **{"fail-on": "never"})
            seen = check_first_run(checks, first, runner, fake)
            fake.clear_log()
            second = run_action(engine, args.tag, runner, fake.base_url, "second", **{"fail-on": "critical"})
            check_second_run(checks, second, fake, seen)
        numbers |= {"run1_seconds": round(first.seconds, 1), "run2_seconds": round(second.seconds, 1)}
        if args.reproducible:
            numbers |= check_reproducible(checks, engine, work, args.tag, epoch)
    finally:
        if args.report:
            args.report.write_text(
                json.dumps({**numbers, "failed": checks.failed}, indent=2) + "\n", encoding="utf-8"
            )
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print("== numbers")
    for key, value in numbers.items():
        print(f"{key}: {value}")
    print("ALL CHECKS PASSED" if not checks.failed else f"{len(checks.failed)} CHECKS FAILED")
    return 1 if checks.failed else 0


def check_reproducible(checks: Checks, engine: Engine, work: Path, tag: str, epoch: int) -> dict[str, object]:
    """A second build of the same context without cache: the same files, modes, owners, link targets and
    contents (timestamps aside). Layer digests are reported too: they also match where the engine rewrites
    timestamps (BuildKit's rewrite-timestamp), and differ otherwise."""
    again = f"{tag}-again"
    print("== second build, for reproducibility")
    seconds = engine.build(work / "context", again, epoch=epoch, log=work / "build-again.log")
    try:
        first, second = engine.tree_digest(tag), engine.tree_digest(again)
        same_layers = engine.layers(tag) == engine.layers(again)
    finally:
        engine("image", "rm", again, check=False)
    differing = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    checks(differing == [], f"two builds hold the same {len(first)} files, timestamps aside", differing[:20])
    return {"rebuild_seconds": round(seconds, 1), "files": len(first), "same_layer_digests": same_layers}


if __name__ == "__main__":
    sys.exit(main())
