"""Links a person can click (issue #13, point 4), through the real CLI and the action entrypoint against the
fake GitHub: every location in an issue body links to its line at the run's commit, every body says which
run last saw it, and a re-run on a new commit with the same results writes nothing (S1)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from issueplan.render.managed_block import parse_issue_body
from issueplan.tracker.sandbox import FakeGitHub

SHA_A = "a" * 40
SHA_B = "b1" * 20
RUN_1 = "https://github.com/octo/demo/actions/runs/101"
RUN_2 = "https://github.com/octo/demo/actions/runs/102"
NOW = "2026-12-01T09:00:00Z"
TOKEN = "ghs_" + "T0kenForTheFakeGitHub" * 2
# Every link of a body that points into the repository at a commit.
BLOB = re.compile(r"\]\((https://github\.com/octo/demo/blob/([0-9a-f]+)/([^)#\s]+)(?:#L(\d+))?)\)")

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="{suite}" tests="2" failures="{failures}" errors="0" skipped="0">
<testcase classname="ok" name="passes"/>
{cases}
</testsuite></testsuites>
"""
CASE = (
    '<testcase classname="{classname}" name="{name}">'
    '<failure message="{message}">{trace}</failure></testcase>'
)
# suite -> (classname, name, message, trace lines): one failing test per ecosystem.
TRACES = {
    "unit_tests": (
        "tests.test_cart", "test_total", "assert 2 == 3",
        ["E  assert 2 == 3", "", "tests/test_cart.py:42: AssertionError"],
    ),
    "frontend_tests": (
        "orders", "creates an order", "expected 201",
        [
            "Error: expected 201",
            "    at Object.&lt;anonymous&gt; (node_modules/expect/build/index.js:10:3)",
            "    at Object.&lt;anonymous&gt; (src/orders.test.ts:20:27)",
        ],
    ),
    "integration_tests": (
        "example.com/demo/cart", "TestTotal", "got 2",
        ["=== RUN   TestTotal", "    cart_test.go:31: got 2, want 3", "--- FAIL: TestTotal (0.00s)"],
    ),
    "api_tests": (
        "com.acme.CartTest", "totalOfEmptyCart", "empty cart",
        [
            "java.lang.IllegalStateException: empty cart",
            "\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)",
            "\tat com.acme.Cart.total(Cart.java:42)",
            "\tat com.acme.CartTest.totalOfEmptyCart(CartTest.java:17)",
        ],
    ),
    "dotnet_tests": (
        "Shop.Tests.CartTests", "Total", "Assert.Equal() Failure",
        [
            "Assert.Equal() Failure",
            "   at Shop.Tests.CartTests.Total() in {workspace}/src/Shop.Tests/CartTests.cs:line 27",
        ],
    ),
}  # fmt: skip
# The formats' own readers, each with a path of a GitHub runner's checkout (Windows, macOS) or outside it.
DOTNET_REPORTS = {
    "windows_tests/results.trx": """<?xml version="1.0" encoding="UTF-8"?>
<TestRun id="0b7d3c10-0000-4000-8000-000000000001" name="ci"
 xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
<TestDefinitions><UnitTest name="Taxes" id="00000000-0000-0000-0000-00000000000a">
<Execution id="e000000a-0000-0000-0000-000000000000"/>
<TestMethod className="Shop.Tests.TaxTests" name="Taxes"/>
</UnitTest></TestDefinitions>
<Results><UnitTestResult executionId="e000000a-0000-0000-0000-000000000000"
 testId="00000000-0000-0000-0000-00000000000a" testName="Taxes" outcome="Failed"><Output><ErrorInfo>
<Message>Assert.AreEqual failed.</Message>
<StackTrace>   at Shop.Tests.TaxTests.Taxes() in D:\\a\\demo\\demo\\src\\TaxTests.cs:line 9
</StackTrace>
</ErrorInfo></Output></UnitTestResult></Results></TestRun>
""",
    "macos_tests/nunit.xml": """<?xml version="1.0" encoding="utf-8"?>
<test-run id="2" testcasecount="1" result="Failed" total="1" passed="0" failed="1" skipped="0">
<test-suite type="TestFixture" id="0-1000" name="FeeTests" fullname="Shop.Tests.FeeTests"
 classname="Shop.Tests.FeeTests" result="Failed" site="Child" total="1" passed="0" failed="1">
<test-case id="0-1002" name="Fee" fullname="Shop.Tests.FeeTests.Fee" methodname="Fee"
 classname="Shop.Tests.FeeTests" result="Failed"><failure><message>Expected: 5 But was: 4</message>
<stack-trace>   at Shop.Tests.FeeTests.Fee() in /Users/runner/work/demo/demo/src/Shop.Tests/FeeTests.cs:line 5
</stack-trace></failure></test-case></test-suite></test-run>
""",
    "xunit_tests/xunit.xml": """<?xml version="1.0" encoding="utf-8"?>
<assemblies><assembly name="Shop.Tests.dll" test-framework="xUnit.net 2.6.1" total="1" passed="0"
 failed="1" skipped="0" errors="0"><collection total="1" passed="0" failed="1" skipped="0" name="c">
<test name="Shop.Tests.LegacyTests.Old" type="Shop.Tests.LegacyTests" method="Old" result="Fail">
<failure exception-type="Xunit.Sdk.EqualException"><message>Assert.Equal() Failure</message>
<stack-trace>   at Shop.Tests.LegacyTests.Old() in C:\\build\\Shop.Tests\\LegacyTests.cs:line 3</stack-trace>
</failure></test></collection></assembly></assemblies>
""",
}
# `go test -json`: the log line names the file alone, in the folder of package tax of module example.com/demo.
GO_TEST_JSON = "".join(
    json.dumps({"Package": "example.com/demo/tax", **event}) + "\n"
    for event in (
        {"Action": "run", "Test": "TestRate"},
        {"Action": "output", "Test": "TestRate", "Output": "    tax_test.go:12: rate = 0.2, want 0.19\n"},
        {"Action": "fail", "Test": "TestRate", "Elapsed": 0},
        {"Action": "fail", "Elapsed": 0.1},
    )
)
COBERTURA = """<?xml version="1.0"?>
<coverage line-rate="0.5" branch-rate="0" lines-valid="2" lines-covered="1" version="1">
<sources><source>src/main/java</source></sources>
<packages><package name="com.acme"><classes>
<class name="com.acme.Cart" filename="com/acme/Cart.java"><lines>
<line number="41" hits="1"/><line number="42" hits="0"/></lines></class>
</classes></package></packages></coverage>
"""
SARIF = {
    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0",
    "runs": [
        {
            "tool": {
                "driver": {
                    "name": "Semgrep",
                    "rules": [
                        {"id": "sql-injection", "properties": {"tags": ["security", "CWE-89"]}},
                    ],
                }
            },
            "results": [
                {
                    "ruleId": "sql-injection",
                    "level": "error",
                    "message": {"text": "SQL built from user input"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri},
                                "region": {"startLine": line},
                            }
                        }
                    ],
                }
                for uri, line in (("app/db.py", 12), ("/usr/lib/python3/dist-packages/vendored.py", 7))
            ],
        }
    ],
}  # fmt: skip


def write_results(workspace: Path, *, extra_failure: bool = False) -> None:
    """A checkout whose results hold one failing test per ecosystem, a coverage report naming the JVM
    source root, and a SARIF finding inside the repository and one outside it."""
    results = workspace / "test-results"
    for suite, (classname, name, message, lines) in TRACES.items():
        trace = "\n".join(lines)
        cases = [CASE.format(classname=classname, name=name, message=message, trace=trace)]
        if extra_failure and suite == "unit_tests":
            more = "tests/test_cart.py:58: AssertionError"
            cases.append(
                CASE.format(classname=classname, name="test_discount", message="assert 0", trace=more)
            )
        body = JUNIT.format(suite=suite, failures=len(cases), cases="\n".join(cases))
        folder = results / suite
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "junit.xml").write_text(body.replace("{workspace}", str(workspace)), encoding="utf-8")
    for name, text in DOTNET_REPORTS.items():
        (results / name).parent.mkdir(exist_ok=True)
        (results / name).write_text(text, encoding="utf-8")
    (results / "go_json_tests").mkdir(exist_ok=True)
    (results / "go_json_tests" / "go-test.json").write_text(GO_TEST_JSON, encoding="utf-8")
    (results / "coverage").mkdir(exist_ok=True)
    (results / "coverage" / "cobertura.xml").write_text(COBERTURA, encoding="utf-8")
    (results / "security").mkdir(exist_ok=True)
    (results / "security" / "semgrep.sarif").write_text(json.dumps(SARIF), encoding="utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    (root / "go.mod").write_text("module example.com/demo\n\ngo 1.22\n", encoding="utf-8")
    write_results(root)
    return root


def _clean_env() -> dict[str, str]:
    """The test process's environment without the workflow context a CI run of this suite would hand us."""
    drop = {"GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_RUN_ID", "GITHUB_SERVER_URL", "GITHUB_WORKSPACE"}
    return {key: value for key, value in os.environ.items() if key not in drop}


def sync_cli(
    fake: FakeGitHub, workspace: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    args = [
        "sync",
        str(workspace / "test-results"),
        "--workspace",
        str(workspace),
        "--now",
        NOW,
        "--repo",
        "octo/demo",
        "--api-url",
        fake.base_url,
        "--write-interval",
        "0",
        *extra,
    ]
    return subprocess.run(
        [sys.executable, "-m", "issueplan", *args],
        capture_output=True,
        text=True,
        env={**_clean_env(), "GITHUB_TOKEN": TOKEN, **(env or {})},
        cwd=workspace,
        check=False,
        timeout=120,
    )


def bodies(fake: FakeGitHub) -> dict[str, str]:
    """Each managed issue's body by its item key."""
    found = {}
    for issue in fake.issues():
        parsed = parse_issue_body(issue.get("body") or "")
        if parsed is not None:
            found[parsed.marker.key] = issue["body"]
    return found


def linked(body: str) -> set[tuple[str, str, int | None]]:
    """(commit, path, line) of every link into the repository."""
    return {(sha, path, int(line) if line else None) for _, sha, path, line in BLOB.findall(body)}


def located(links: set[tuple[str, str, int | None]]) -> set[tuple[str, int]]:
    """(path, line) of the location links; a link without a line heads the tests of that file, which must
    be one of the located files."""
    lines = {(path, line) for _, path, line in links if line is not None}
    assert {path for _, path, line in links if line is None} <= {path for path, _ in lines}
    return lines


def body_of(found: dict[str, str], key_prefix: str) -> str:
    matches = [body for key, body in found.items() if key.startswith(key_prefix)]
    assert len(matches) == 1, f"{len(matches)} items' keys start with {key_prefix!r}: {sorted(found)}"
    return matches[0]


EXPECTED_LOCATIONS = {
    ("tests/test_cart.py", 42),  # pytest
    ("src/orders.test.ts", 20),  # jest, past the node_modules frame
    ("cart/cart_test.go", 31),  # Go (JUnit): the file in its package's folder of the go.mod's module
    ("tax/tax_test.go", 12),  # go test -json, the same way
    ("src/TaxTests.cs", 9),  # TRX: a Windows runner's checkout, D:\a\demo\demo\…
    ("src/Shop.Tests/FeeTests.cs", 5),  # NUnit: a macOS runner's checkout, /Users/runner/work/demo/demo/…
    ("src/main/java/com/acme/Cart.java", 42),  # Surefire: class -> package path under Cobertura's root
    ("src/Shop.Tests/CartTests.cs", 27),  # .NET: an absolute path inside the checkout
    ("app/db.py", 12),  # a SARIF finding
}


def test_every_location_links_to_its_line_at_the_given_commit_and_every_issue_names_its_run(
    fake_github: FakeGitHub, workspace: Path
) -> None:
    out = workspace.parent / "out"
    done = sync_cli(fake_github, workspace, "--commit", SHA_A, "--run-url", RUN_1, "--output-dir", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    plan_md = (out / "plan.md").read_text(encoding="utf-8")
    assert (SHA_A, "tests/test_cart.py", 42) in linked(plan_md), "plan.md links its locations too"
    assert SHA_A not in (out / "plan.json").read_text(encoding="utf-8"), "plan.json stays commit-free"
    found = bodies(fake_github)
    links = set().union(*(linked(body) for body in found.values()))
    assert {sha for sha, _, _ in links} == {SHA_A}, "every link points at the commit given"
    assert located(links) == EXPECTED_LOCATIONS
    for body in found.values():
        assert f"_Last seen in [run 101]({RUN_1}) at commit [`aaaaaaa`]" in body
    # A path outside the repository is shown, never linked.
    findings = body_of(found, "findings/")
    assert "`/usr/lib/python3/dist-packages/vendored.py:7`" in findings
    assert "blob/" + SHA_A + "/usr" not in findings
    legacy = body_of(found, "suite-failed/xunit_tests")
    assert "at `C:\\build\\Shop.Tests\\LegacyTests.cs:3`" in legacy, "outside the checkout: shown"
    assert not linked(legacy)


def test_the_cli_reads_the_commit_and_the_run_from_the_workflow_environment(
    fake_github: FakeGitHub, workspace: Path
) -> None:
    context = {"GITHUB_SHA": SHA_B, "GITHUB_RUN_ID": "102", "GITHUB_SERVER_URL": "https://github.com"}
    done = sync_cli(fake_github, workspace, env=context)
    assert done.returncode == 0, done.stdout + done.stderr
    found = bodies(fake_github)
    assert {sha for body in found.values() for sha, _, _ in linked(body)} == {SHA_B}
    assert all(f"[run 102]({RUN_2})" in body for body in found.values())


def test_without_a_commit_no_body_links_anywhere(fake_github: FakeGitHub, workspace: Path) -> None:
    done = sync_cli(fake_github, workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    found = bodies(fake_github)
    assert all(not linked(body) and "Last seen" not in body for body in found.values())
    assert "at `tests/test_cart.py:42`" in body_of(found, "suite-failed/unit_tests")


def test_s1_a_new_commit_with_the_same_results_makes_no_write_and_a_change_brings_fresh_links(
    fake_github: FakeGitHub, workspace: Path
) -> None:
    """S1 across commits: run 1 at commit A, run 2 at commit B with the same results writes nothing; run 3
    at B with one more failure rewrites that suite's body, its links all at B and naming run 3."""
    first = sync_cli(fake_github, workspace, "--commit", SHA_A, "--run-url", RUN_1)
    assert first.returncode == 0, first.stdout + first.stderr
    before = bodies(fake_github)

    fake_github.clear_log()
    second = sync_cli(fake_github, workspace, "--commit", SHA_B, "--run-url", RUN_2)
    assert second.returncode == 0, second.stdout + second.stderr
    assert fake_github.writes() == [], "a new commit alone changes no issue"
    assert bodies(fake_github) == before

    write_results(workspace, extra_failure=True)
    run_3 = "https://github.com/octo/demo/actions/runs/103"
    third = sync_cli(fake_github, workspace, "--commit", SHA_B, "--run-url", run_3)
    assert third.returncode == 0, third.stdout + third.stderr
    after = bodies(fake_github)
    changed = sorted(item for item in after if after[item] != before[item])
    unit = body_of(after, "suite-failed/unit_tests")
    assert [after[item] for item in changed] == [unit], "only the suite with the new failure is rewritten"
    assert {sha for sha, _, _ in linked(unit)} == {SHA_B}
    assert ("tests/test_cart.py", 58) in {(path, line) for _, path, line in linked(unit)}
    assert "[run 103](" in unit
    assert RUN_1 not in unit
    untouched = body_of(after, "findings/")
    assert {sha for sha, _, _ in linked(untouched)} == {SHA_A}, "an unchanged body keeps its links"


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("--commit", "not-a-sha", "--commit"), ("--run-url", "javascript:alert(1)", "--run-url")],
)
def test_a_bad_commit_or_run_url_is_a_usage_error_before_any_write(
    fake_github: FakeGitHub, workspace: Path, option: str, value: str, named: str
) -> None:
    done = sync_cli(fake_github, workspace, option, value)
    assert done.returncode == 2
    assert f"issueplan: error: {named} '{value}': not " in done.stderr
    assert fake_github.writes() == []


def test_a_bad_workflow_sha_is_a_usage_error_naming_the_variable(
    fake_github: FakeGitHub, workspace: Path
) -> None:
    done = sync_cli(fake_github, workspace, env={"GITHUB_SHA": "zzz"})
    assert done.returncode == 2
    assert "$GITHUB_SHA 'zzz': not a commit SHA" in done.stderr
    assert fake_github.writes() == []


# --- the action entrypoint ---------------------------------------------------------------------------------


def _action_env(workspace: Path, fake: FakeGitHub, sha: str, run_id: str) -> dict[str, str]:
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", ""),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": sha,
        "GITHUB_RUN_ID": run_id,
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_OUTPUT": str(runner / "output"),
        "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
        "INPUT_RESULTS": "test-results/",
        "INPUT_GITHUB-TOKEN": TOKEN,
        "INPUT_WRITE-INTERVAL": "0",
        "INPUT_API-URL": fake.base_url,
    }


def test_the_action_links_at_github_sha_and_a_new_commit_alone_writes_nothing(
    fake_github_factory: Callable[..., FakeGitHub], workspace: Path
) -> None:
    fake = fake_github_factory(token=TOKEN)

    def run(sha: str, run_id: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "issueplan.action"],
            cwd=workspace,
            env=_action_env(workspace, fake, sha, run_id),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    first = run(SHA_A, "101")
    assert first.returncode == 0, first.stdout + first.stderr
    found = bodies(fake)
    links = set().union(*(linked(body) for body in found.values()))
    assert {sha for sha, _, _ in links} == {SHA_A}
    assert located(links) == EXPECTED_LOCATIONS
    assert all(f"[run 101]({RUN_1})" in body for body in found.values())
    # The job summary, the triage view: its failing tests and findings link like the bodies, and it links
    # every issue the run touched.
    summary = (workspace.parent / "runner" / "summary.md").read_text(encoding="utf-8")
    summary_links = linked(summary)
    assert {sha for sha, _, _ in summary_links} == {SHA_A}
    assert {
        ("tests/test_cart.py", 42),
        ("src/TaxTests.cs", 9),
        ("tax/tax_test.go", 12),
        ("app/db.py", 12),
    } <= located(summary_links)
    numbers = sorted(
        issue["number"] for issue in fake.issues() if parse_issue_body(issue.get("body") or "") is not None
    )
    assert numbers
    for number in numbers:
        assert f"[#{number}](https://github.com/octo/demo/issues/{number})" in summary

    fake.clear_log()
    second = run(SHA_B, "102")
    assert second.returncode == 0, second.stdout + second.stderr
    assert fake.writes() == [], "S1: a new commit and run with the same results make no write"


def test_the_action_refuses_a_malformed_github_sha(
    fake_github_factory: Callable[..., FakeGitHub], workspace: Path
) -> None:
    fake = fake_github_factory(token=TOKEN)
    env = _action_env(workspace, fake, "not a sha", "101")
    done = subprocess.run(
        [sys.executable, "-m", "issueplan.action"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "$GITHUB_SHA 'not a sha'" in done.stdout + done.stderr
    assert fake.writes() == []


def test_links_go_to_the_workflows_repository_even_when_issues_go_to_another(tmp_path: Path) -> None:
    from issueplan.action import ActionInputs  # noqa: PLC0415 - only this test reads inputs directly

    inputs = ActionInputs.from_env(
        {
            "GITHUB_WORKSPACE": str(tmp_path),
            "GITHUB_REPOSITORY": "octo/demo",
            "GITHUB_SHA": SHA_A,
            "GITHUB_RUN_ID": "101",
            "INPUT_REPOSITORY": "octo/tracker",
            "INPUT_GITHUB-TOKEN": TOKEN,
        }
    )
    assert inputs.repository == "octo/tracker"
    links = inputs.job_options().source_links
    assert links is not None
    assert (links.repo, links.sha, links.run_url) == ("octo/demo", SHA_A, RUN_1)
    assert links.blob("src/a.py", 3) == f"https://github.com/octo/demo/blob/{SHA_A}/src/a.py#L3"
