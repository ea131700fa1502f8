"""The action's container run as GitHub's runner runs a `using: docker` step, and what its runs must show:
outputs, job summary, issues on the fake GitHub, the token masked, files left to the workspace's owner, and a
second run that changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from container_engine import Engine

from issueplan.tracker.sandbox import FakeGitHub
from runner_parsing import read_outputs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOKEN = "ghs_" + "C0ntainerCheckT0ken" * 2
REPOSITORY = "acme/shop"
RUNNER_USER = 1001  # a hosted runner's `runner` user, who owns the checkout


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def __call__(self, passed: bool, what: str, detail: object = "") -> bool:
        print(("PASS: " if passed else "FAIL: ") + what + (f" ({detail})" if detail and not passed else ""))
        if not passed:
            self.failed.append(what)
        return passed


@dataclass(frozen=True)
class Runner:
    """The directories a runner mounts into a Docker action's container."""

    root: Path

    @property
    def workspace(self) -> Path:
        return self.root / "workspace"

    def prepare(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)  # an earlier check's, in a reused --work
        for name in ("home", "workflow", "file_commands"):
            (self.root / name).mkdir(parents=True)
        shutil.copytree(EXAMPLES / "workspace", self.workspace)
        shutil.copytree(EXAMPLES / "results", self.workspace / "test-results")
        event = {"ref": "refs/heads/main", "repository": {"full_name": REPOSITORY}}
        (self.root / "workflow" / "event.json").write_text(json.dumps(event), encoding="utf-8")
        if os.geteuid() == 0:  # as on a hosted runner: the checkout is the runner user's, not root's
            for entry in [self.workspace, *self.workspace.rglob("*")]:
                os.chown(entry, RUNNER_USER, RUNNER_USER)

    def owner(self, path: Path) -> tuple[int, int]:
        found = path.lstat()
        return found.st_uid, found.st_gid


@dataclass(frozen=True)
class ActionRun:
    code: int
    log: str
    outputs: dict[str, str]
    outputs_text: str
    summary: str
    seconds: float


def action_inputs(api: str, **overrides: str) -> dict[str, str]:
    """Every input of action.yml with its default, as the runner passes them; the context's expressions
    (`${{ github.token }}` ...) resolved to this run's values."""
    declared = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["inputs"]
    context = {"github-token": TOKEN, "repository": REPOSITORY, "api-url": api}
    inputs = {name: context.get(name, str(spec.get("default", ""))) for name, spec in declared.items()}
    inputs.update(
        results="test-results/",
        outcomes=(EXAMPLES / "outcomes.json").read_text(encoding="utf-8"),
        **{"write-interval": "0"},
    )
    inputs.update(overrides)
    return inputs


def run_action(engine: Engine, image: str, runner: Runner, api: str, name: str, **inputs: str) -> ActionRun:
    """`docker run` as the runner issues it for a `using: docker` step (its network aside: the host's, so the
    container reaches the fake GitHub on loopback)."""
    commands = runner.root / "file_commands"
    output, summary = commands / f"set_output_{name}", commands / f"step_summary_{name}"
    output.touch()
    summary.touch()
    env = {f"INPUT_{key.upper()}": value for key, value in action_inputs(api, **inputs).items()}
    env |= {
        "HOME": "/github/home",
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": "/github/workspace",
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_API_URL": api,
        "GITHUB_SERVER_URL": "https://github.example.test",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": "/github/workflow/event.json",
        "GITHUB_RUN_ID": "42",
        "GITHUB_SHA": "0" * 40,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_OUTPUT": f"/github/file_commands/{output.name}",
        "GITHUB_STEP_SUMMARY": f"/github/file_commands/{summary.name}",
    }
    mounts = {
        "home": "/github/home",
        "workflow": "/github/workflow",
        "file_commands": "/github/file_commands",
        "workspace": "/github/workspace",
    }
    args = ["run", "--rm", "--workdir", "/github/workspace", "--network", "host", *engine.run_options]
    for key, value in env.items():
        args += ["--env", f"{key}={value}"]
    for host, inside in mounts.items():
        args += ["--volume", f"{runner.root / host}:{inside}"]
    started = time.monotonic()
    completed = engine(*args, image, check=False)
    seconds = time.monotonic() - started
    text = output.read_text(encoding="utf-8")
    return ActionRun(
        code=completed.returncode,
        log=completed.stdout + completed.stderr,
        outputs=read_outputs(text),
        outputs_text=text,
        summary=summary.read_text(encoding="utf-8"),
        seconds=seconds,
    )


def check_first_run(checks: Checks, run: ActionRun, runner: Runner, fake: FakeGitHub) -> dict[str, object]:
    checks(run.code == 0, "run 1 (fail-on never) exits 0", f"exit {run.code}: {run.log[-2000:]}")
    plan_path = runner.workspace / run.outputs.get("plan-json", "(none)")
    if not checks(plan_path.is_file(), "output plan-json names a file in the host's workspace", run.outputs):
        return {}
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    ids = {item["id"] for item in plan["items"]}
    issues = json.loads(run.outputs.get("issues") or "{}")
    checks(run.outputs.get("overall-status") == plan["overall_status"], "output overall-status is the plan's")
    checks(set(issues) == ids and len(ids) > 0, f"output issues maps the plan's {len(ids)} items", issues)
    checks(
        run.outputs.get("created") == str(len(ids)), "output created counts one issue per item", run.outputs
    )
    on_fake = {record.number: record for record in fake.state.issues if not record.pull_request}
    checks(set(issues.values()) == set(on_fake), f"the fake GitHub holds exactly those {len(on_fake)} issues")
    checks(all(item in run.summary for item in ids), "the job summary lists every item", run.summary[:500])
    first_line = run.log.splitlines()[0] if run.log else ""
    checks(first_line == f"::add-mask::{TOKEN}", "the token is masked before anything is printed", first_line)
    written = [run.log.replace(f"::add-mask::{TOKEN}", ""), run.summary, run.outputs_text]
    written += [
        plan_path.read_text(encoding="utf-8"),
        (plan_path.parent / "plan.md").read_text(encoding="utf-8"),
    ]
    written += [f"{record.title}\n{record.body}" for record in on_fake.values()]
    checks(
        not any(TOKEN in text for text in written), "the token appears in no log, output, summary or issue"
    )
    owner = runner.owner(runner.workspace)
    output_dir = plan_path.parent
    owners = {path.name: runner.owner(path) for path in [output_dir, *output_dir.iterdir()]}
    checks(
        set(owners.values()) == {owner}, f"the files it wrote belong to the workspace's owner {owner}", owners
    )
    checks(_later_step_removes(output_dir, owner), "a later step as the workspace's owner can delete them")
    return {"items": len(ids), "critical": any(item["priority"] == "critical" for item in plan["items"])}


def _later_step_removes(folder: Path, owner: tuple[int, int]) -> bool:
    as_owner = {"user": owner[0], "group": owner[1], "extra_groups": []} if os.geteuid() == 0 else {}
    removed = subprocess.run(
        [shutil.which("rm") or "/bin/rm", "-r", str(folder)], capture_output=True, check=False, **as_owner
    )
    return removed.returncode == 0 and not folder.exists()


def check_second_run(checks: Checks, run: ActionRun, fake: FakeGitHub, first: dict[str, object]) -> None:
    expected = 1 if first.get("critical") else 0
    checks(run.code == expected, f"run 2 (fail-on critical) exits {expected}", f"exit {run.code}")
    counts = {key: run.outputs.get(key) for key in ("created", "updated", "closed", "reopened", "unchanged")}
    same = {
        "created": "0",
        "updated": "0",
        "closed": "0",
        "reopened": "0",
        "unchanged": str(first.get("items")),
    }
    checks(counts == same, "run 2 is a no-op: every issue unchanged", counts)
    writes = [f"{exchange.method} {exchange.path}" for exchange in fake.writes()]
    checks(writes == [], "run 2 sends no write to GitHub", writes)
