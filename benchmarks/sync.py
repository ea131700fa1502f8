"""Sync benchmark: issueplan's client against a bare `requests` client making the same calls, and the sandbox.

    .venv/bin/python benchmarks/sync.py            # 1,000 items (client), 1,000 and 5,000 (sandbox, memory)
    .venv/bin/python benchmarks/sync.py --quick    # 300 items, sandbox 200 and 1,000: a smoke run
    .venv/bin/python benchmarks/sync.py --quick --instructions   # client figures also as instruction counts

Client CPU: the fake GitHub runs in a process of its own (its CPU is not the client's). issueplan syncs N
items (a first sync, then a no-op); the fake records every request, and a bare client — a `requests.Session`
that sends the same method, URL and JSON body and decodes each answer — replays them against a second fresh
fake.
CPU is this process's user+system time around the calls (imports excluded); the figure is the median of
--repeat runs. Sandbox: what `issueplan sync --sandbox DIR` does, server and client in one process with its
state file, at two sizes; linear means the larger costs (ratio of sizes) times the smaller. Memory: each
client in a fresh process, peak RSS from the kernel. Every target is printed with its ratio, baseline and
MET/NOT MET.

--instructions also counts the client's instructions with valgrind's callgrind (benchmarks/instructions.py:
the same on every run, whatever the load): one more client process, run under valgrind, makes the same first
sync, no-op and two replays against fakes that run natively in processes of their own; each phase is the part
between two marks. Those rows carry their own verdicts, beside the CPU rows.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

import instructions

NOW = datetime(2025, 8, 20, 10, 0, tzinfo=UTC)
TOKEN = "bench"  # noqa: S105 - the fake accepts any token
HERE = Path(__file__).resolve()


# --- the plan ---------------------------------------------------------------------------------------------


def items(count: int) -> list[Any]:
    from issueplan.model import ActionItem, ItemType, Priority  # noqa: PLC0415 - the bare client never imports it

    priorities = list(Priority)
    return [
        ActionItem(
            id=f"BUG-{n + 1:04d}",
            key=f"suite-failed/suite_{n:04d}",
            rule="suite-failed",
            title=f"Fix: Suite {n:04d} Test Failures",
            description=f"suite_{n:04d} failed: 2 failures",
            type=ItemType.BUG_FIX,
            priority=priorities[n % len(priorities)],
            team=f"team_{n % 5}",
            effort="2-3 days",
            first_seen=NOW,
            due_date=NOW + timedelta(days=3 + n % 40),
            steps=("Reproduce", "Fix", "Verify"),
            acceptance_criteria=("The suite passes",),
        )
        for n in range(count)
    ]


def plan_maker(count: int) -> Callable[[Mapping[str, Any]], Any]:
    from issueplan.model import OverallStatus, Plan, PlanSummary  # noqa: PLC0415

    chosen = tuple(items(count))
    plan = Plan(
        generated_at=NOW,
        overall_status=OverallStatus.FAILING,
        summary=PlanSummary(total=len(chosen), by_priority={}),
        items=chosen,
    )
    return lambda known: plan  # ids and first_seen are fixed here already


def clear_caches() -> None:
    """Empty every cache of issueplan's modules (parsed bodies, neutralised texts, label specs, patterns).

    Called before each measured sync, outside its timer: a new process starts with them empty and does not
    pay for emptying them (freeing a thousand parsed bodies costs up to a tenth of a no-op)."""
    for name, module in list(sys.modules.items()):
        if name == "issueplan" or name.startswith("issueplan."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def sync_once(api_url: str, count: int, *, maker: Callable[[Mapping[str, Any]], Any] | None = None) -> Any:
    from issueplan.tracker import GitHubTarget, SyncOptions, sync_plan  # noqa: PLC0415

    target = GitHubTarget(api_url=api_url, repo="octo/demo", token=TOKEN)
    options = SyncOptions(write_interval=0, allow_mass_create=True)  # a benchmark opens them all at once
    _, _, result = sync_plan(maker or plan_maker(count), target, options)
    return result


# --- the fake in a process of its own ---------------------------------------------------------------------


def serve() -> None:
    """`--serve`: print the base URL, then answer `dump PATH` (write the recorded requests, forget them)."""
    from issueplan.tracker.sandbox import FakeGitHub  # noqa: PLC0415

    with FakeGitHub() as hub:
        print(hub.base_url, flush=True)
        for line in sys.stdin:
            command, _, path = line.strip().partition(" ")
            if command == "dump":
                with hub.lock:
                    calls = [
                        {"method": e.method, "path": e.path, "query": e.query, "body": e.body}
                        for e in hub.exchanges
                    ]
                    hub.exchanges.clear()
                Path(path).write_text(json.dumps(calls), encoding="utf-8")
                print("ok", flush=True)


class Fake:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.stdin: IO[str] = self.process.stdin  # type: ignore[assignment] # PIPE was asked for
        self.stdout: IO[str] = self.process.stdout  # type: ignore[assignment]
        self.url = self.stdout.readline().strip()
        self.origin = self.url  # no api prefix

    def dump(self, path: Path) -> list[dict[str, Any]]:
        self.stdin.write(f"dump {path}\n")
        self.stdin.flush()
        if self.stdout.readline().strip() != "ok":
            raise RuntimeError("the fake GitHub did not dump its requests")
        calls: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        return calls

    def close(self) -> None:
        self.stdin.close()
        self.process.wait(timeout=60)


@contextmanager
def fake() -> Iterator[Fake]:
    server = Fake()
    try:
        yield server
    finally:
        server.close()


def replay(origin: str, calls: list[dict[str, Any]]) -> None:
    """The bare client: the same requests, each answer decoded, nothing else."""
    import requests  # noqa: PLC0415

    session = requests.Session()
    # As issueplan does: the environment read once, not per request (trust_env costs ~10% of a request).
    session.trust_env = False
    session.headers["Authorization"] = f"token {TOKEN}"
    for call in calls:
        url = origin + call["path"] + (f"?{urlencode(call['query'])}" if call["query"] else "")
        answer = session.request(call["method"], url, json=call["body"], timeout=30)
        if answer.content:
            answer.json()


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def writes(calls: list[dict[str, Any]]) -> int:
    return sum(1 for call in calls if call["method"] != "GET")


# --- measurements -----------------------------------------------------------------------------------------


def client_cpu(count: int, repeat: int, work: Path) -> dict[str, Any]:
    runs: dict[str, list[float]] = {"first": [], "noop": [], "bare first": [], "bare noop": []}
    calls: dict[str, list[dict[str, Any]]] = {}
    maker = plan_maker(count)
    for _ in range(repeat):
        with fake() as hub:
            clear_caches()
            start = cpu()
            sync_once(hub.url, count, maker=maker)
            runs["first"].append(cpu() - start)
            calls["first"] = hub.dump(work / "first.json")
            clear_caches()
            start = cpu()
            sync_once(hub.url, count, maker=maker)
            runs["noop"].append(cpu() - start)
            calls["noop"] = hub.dump(work / "noop.json")
        with fake() as hub:
            for phase in ("first", "noop"):
                start = cpu()
                replay(hub.origin, calls[phase])
                runs[f"bare {phase}"].append(cpu() - start)
    return {"cpu": {k: statistics.median(v) for k, v in runs.items()}, "calls": calls}


PHASES = ("first", "noop", "bare first", "bare noop")


def count_phases(count: int, work: Path) -> dict[str, int]:
    """`--count-client`: the client measures of client_cpu, once, in a process of its own under callgrind."""
    command = [sys.executable, str(HERE), "--count-client", str(count), str(work)]
    parts = instructions.count(command, marks=2 * len(PHASES)).parts
    return {phase: parts[1 + 2 * n] for n, phase in enumerate(PHASES)}  # each phase is between its two marks


def count_client(count: int, work: Path) -> None:
    """The child of count_phases: client_cpu's four phases, each between two marks."""
    import requests  # noqa: F401, PLC0415 - imported before the marks, as it is in client_cpu's later runs

    from issueplan.tracker import sync_plan  # noqa: F401, PLC0415

    maker = plan_maker(count)
    calls = {}
    with fake() as hub:
        for phase in ("first", "noop"):
            clear_caches()
            os.getppid()  # instructions.MARK
            sync_once(hub.url, count, maker=maker)
            os.getppid()
            calls[phase] = hub.dump(work / f"counted-{phase}.json")
    with fake() as hub:
        for phase in ("first", "noop"):
            os.getppid()
            replay(hub.origin, calls[phase])
            os.getppid()


def sandbox_run(count: int, work: Path) -> tuple[float, float]:
    """(first sync, no-op) CPU of two `--sandbox` runs on one directory: server, client and state file."""
    from issueplan.collector import collector_paused  # noqa: PLC0415
    from issueplan.tracker.sandbox import FakeGitHub  # noqa: PLC0415

    state_dir = work / f"sandbox-{count}"
    maker = plan_maker(count)
    costs = []
    for _ in ("first", "noop"):
        clear_caches()
        # The previous run's server is freed first: a `--sandbox` run is a process of its own.
        gc.collect()
        start = cpu()
        # As job.py's sync: the collector paused from loading the state to writing it.
        with collector_paused(), FakeGitHub(state_dir=state_dir, owner="octo", repo="demo") as hub:
            sync_once(hub.base_url, count, maker=maker)
        costs.append(cpu() - start)
    return costs[0], costs[1]


MEMORY_CHILD = """
import json, sys, tracemalloc
sys.path.insert(0, {here!r})
kind, url, arg = sys.argv[1:4]

def high_water_kb():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

import requests
import sync as bench
if kind == "bare":
    with open(arg) as calls_file:
        calls = json.load(calls_file)
    before = high_water_kb()
    bench.replay(url, calls)
    plan_kb = 0
else:
    from issueplan.tracker import sync_plan  # the imports a sync needs, before the plan
    tracemalloc.start()
    maker = bench.plan_maker(int(arg))
    plan_kb = tracemalloc.get_traced_memory()[0] // 1024
    tracemalloc.stop()
    before = high_water_kb()
    bench.sync_once(url, int(arg), maker=maker)
print(json.dumps({{"before_kb": before, "peak_kb": high_water_kb(), "plan_kb": plan_kb}}))
"""


def memory_child(kind: str, url: str, arg: str) -> dict[str, int]:
    code = MEMORY_CHILD.format(here=str(HERE.parent))
    out = subprocess.run(
        [sys.executable, "-c", code, kind, url, arg], check=True, capture_output=True, text=True
    ).stdout
    answer: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    return answer


def memory(count: int, work: Path) -> dict[str, dict[str, int]]:
    with fake() as hub:
        mine = memory_child("issueplan", hub.url, str(count))
        hub.dump(work / "memory.json")
    with fake() as hub:
        bare = memory_child("bare", hub.origin, str(work / "memory.json"))
    return {"issueplan": mine, "bare": bare}


# --- report -----------------------------------------------------------------------------------------------


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run: a smoke test")
    parser.add_argument("--items", type=int, default=None, help="items for the client CPU figures")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the client's instructions with valgrind's callgrind (verdicts of their own)",
    )
    parser.add_argument("--count-client", nargs=2, metavar=("ITEMS", "FOLDER"), help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if args.serve or args.count_client:  # a child of this benchmark
        serve() if args.serve else count_client(int(args.count_client[0]), Path(args.count_client[1]))
        return
    if args.instructions:
        instructions.require_valgrind()
    count = args.items or (300 if args.quick else 1000)
    repeat = args.repeat or (1 if args.quick else 3)
    small, large = (200, 1000) if args.quick else (1000, 5000)
    from issueplan.limits import DEFAULT_WRITE_INTERVAL  # noqa: PLC0415
    from issueplan.tracker.pacing import writes_per_minute  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        client = client_cpu(count, repeat, work)
        counted = count_phases(count, work) if args.instructions else {}
        sandbox = {size: sandbox_run(size, work) for size in (small, large)}
        rss = memory(large, work)

    c, calls = client["cpu"], client["calls"]
    floor = math.ceil(count / 100) + 3
    rows = []

    def target(name: str, value: float, baseline: float, limit: float, unit: str = "s") -> None:
        ratio = value / baseline if baseline else float("inf")
        shown = f"{value:.2f} {unit} | {baseline:.2f} {unit}"
        if unit == "M instr":
            shown = f"{value / 1e6:.0f} {unit} | {baseline / 1e6:.0f} {unit}"
        rows.append(f"| {name} | {shown} | {ratio:.2f}x | <= {limit:g}x | {verdict(ratio <= limit)} |")

    print(f"client: {count} items, median of {repeat}; sandbox: {small} and {large} items; memory: {large}")
    print()
    print("| target | issueplan | baseline | ratio | limit | verdict |")
    print("| --- | --- | --- | --- | --- | --- |")
    target(f"first sync CPU vs bare requests ({count} items)", c["first"], c["bare first"], 1.5)
    target(f"no-op CPU vs bare requests ({count} items)", c["noop"], c["bare noop"], 3.0)
    for phase, limit in (("first", 1.5), ("noop", 3.0)) if counted else ():
        name = (
            f"{'first sync' if phase == 'first' else 'no-op'} instructions vs bare requests ({count} items)"
        )
        target(name, counted[phase], counted[f"bare {phase}"], limit, "M instr")
    for phase, index in (("first sync", 0), ("no-op", 1)):
        target(
            f"sandbox {phase}: {large} vs {small} items (linear = {large / small:g}x)",
            sandbox[large][index],
            sandbox[small][index],
            1.2 * large / small,  # 6x for 5x the items: linear, with room for noise
        )
    mine, bare = rss["issueplan"], rss["bare"]
    allowed = 2 * bare["peak_kb"] + mine["plan_kb"]
    peak, bare_peak, plan_mb = mine["peak_kb"] / 1024, bare["peak_kb"] / 1024, mine["plan_kb"] / 1024
    rows.append(
        f"| client peak RSS, {large} items | {peak:.0f} MB | bare {bare_peak:.0f} MB + plan {plan_mb:.0f} MB "
        f"| {(peak - plan_mb) / bare_peak:.2f}x | <= 2x bare + plan | {verdict(mine['peak_kb'] <= allowed)} |"
    )
    print("\n".join(rows))
    noop_ok = len(calls["noop"]) <= floor and writes(calls["noop"]) == 0
    print(
        f"| no-op requests ({count} items) | {len(calls['noop'])} ({writes(calls['noop'])} writes) | "
        f"ceil(n/100)+3 = {floor}, 0 writes | — | — | {verdict(noop_ok)} |"
    )
    first_writes = writes(calls["first"])
    per_minute = writes_per_minute(DEFAULT_WRITE_INTERVAL)
    per_item = first_writes / count  # labels and milestones are a few; this run's mix, scaled to 1,000
    print()
    print(
        f"first sync: {len(calls['first'])} requests, {first_writes} writes for {count} items; no-op: "
        f"{len(calls['noop'])} requests"
    )
    print(
        f"pacing: start to start, {DEFAULT_WRITE_INTERVAL:g} s = {per_minute:.0f} writes a minute; a first "
        f"sync of 1,000 items ({per_item * 1000:.0f} writes) on GitHub takes about "
        f"{per_item * 1000 / per_minute:.1f} minutes of pacing (GitHub's ~80 a minute allow "
        f"{per_item * 1000 / 80:.1f}); GitHub's 500 content writes an hour may stop it earlier (the next run "
        "finishes)"
    )
    print(
        f"memory: issueplan {mine['before_kb'] / 1024:.0f} MB after imports and the plan "
        f"(plan {plan_mb:.1f} MB traced), peak {peak:.0f} MB; bare client {bare['before_kb'] / 1024:.0f} MB "
        f"after imports and loading its calls, peak {bare_peak:.0f} MB"
    )
    print(
        "cpu s: "
        + ", ".join(f"{k} {v:.2f}" for k, v in c.items())
        + "; sandbox: "
        + ", ".join(f"{n} items {a:.2f} first / {b:.2f} no-op" for n, (a, b) in sandbox.items())
    )


if __name__ == "__main__":
    main()
