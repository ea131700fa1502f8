"""Issue 13's acceptance scenario through the real CLI: real reports of other projects (see
tests/data/scenarios/mixed/PROVENANCE.md) give a plan, a job summary and issue bodies kept as goldens; and the
behaviours a triager relies on (grouped findings, priority from severity, each finding in one issue)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MIXED = Path(__file__).resolve().parent / "data" / "scenarios" / "mixed"
NOW = "2025-08-20T10:05:39Z"


def _cli(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    done = subprocess.run(
        [sys.executable, "-m", "issueplan", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _golden(name: str, actual: str, root: Path) -> None:
    actual = actual.replace(str(root), "<scenario>")
    path = MIXED / "expected" / name
    if os.environ.get("ISSUEPLAN_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; ISSUEPLAN_REGEN_GOLDEN=1 rewrites it"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    copy = tmp_path / "mixed"
    shutil.copytree(MIXED / "results", copy / "results")
    (copy / "workspace").mkdir()
    return copy


def _args(scenario: Path) -> list[str]:
    return [str(scenario / "results"), "--workspace", str(scenario / "workspace"), "--now", NOW]


@pytest.mark.parametrize(("fmt", "name"), [("markdown", "plan.md"), ("summary", "summary.md")])
def test_the_mixed_scenarios_plan_and_summary_match_their_goldens(
    scenario: Path, fmt: str, name: str
) -> None:
    _golden(name, _cli("plan", *_args(scenario), "--format", fmt), scenario)


def test_the_mixed_scenarios_issue_bodies_match_their_golden(scenario: Path) -> None:
    sandbox = scenario / "sandbox"
    _cli("sync", *_args(scenario), "--sandbox", str(sandbox))
    _golden("issues.md", (sandbox / "issues.md").read_text(encoding="utf-8"), scenario)


def test_each_finding_is_listed_in_one_item_and_counted_in_plan_json(scenario: Path) -> None:
    plan = json.loads(_cli("plan", *_args(scenario), "--format", "json"))
    owners = {item["id"] for item in plan["items"] if item["key"].startswith("findings/")}
    for item in plan["items"]:
        if item["evidence"]["findings"] and item["id"] not in owners:
            assert set(item["evidence"]["findings_in"]) <= owners, item["id"]
    markdown = _cli("plan", *_args(scenario))
    assert "(no rule id)" not in markdown
    assert "listed in full in" in markdown or len(owners) == len(
        [i for i in plan["items"] if i["evidence"]["findings"]]
    )


def test_81_findings_of_one_rule_are_one_group(scenario: Path) -> None:
    results = [
        {
            "ruleId": "py/sql-injection",
            "message": {"text": "This query depends on a user-provided value."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f"app/q{n}.py"},
                        "region": {"startLine": n + 1},
                    }
                }
            ],
        }
        for n in range(81)
    ]
    rule = {"id": "py/sql-injection", "properties": {"tags": ["security", "external/cwe/cwe-089"]}}
    log = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "CodeQL", "rules": [rule]}}, "results": results}],
    }
    only = scenario / "only"
    only.mkdir()
    (only / "codeql.sarif").write_text(json.dumps(log), encoding="utf-8")
    text = _cli("plan", str(only), "--workspace", str(scenario / "workspace"), "--now", NOW)
    assert "**Findings**: 81 findings in 1 group" in text
    assert text.count("- **CodeQL py/sql-injection**") == 1
    assert "_… 76 more in this group._" in text


def test_an_item_whose_findings_another_issue_lists_links_that_issue_by_number(scenario: Path) -> None:
    """Each finding in one issue only: SEC-001 points at the findings issue by its number, filled in the same
    run it was created; the next run with the same results writes nothing."""
    sandbox = scenario / "sandbox"
    _cli("sync", *_args(scenario), "--sandbox", str(sandbox))
    issues = (sandbox / "issues.md").read_text(encoding="utf-8")
    [number] = re.findall(r"^## #(\d+) BUG-005: Fix: Security Vulnerabilities Detected", issues, re.MULTILINE)
    sec = issues.split("SEC-001: Implement Comprehensive Security Testing (open)", 1)[1].split("\n## #", 1)[0]
    assert f"_This finding is listed in full in #{number} (BUG-005): see that issue._" in sec
    again = _cli("sync", *_args(scenario), "--sandbox", str(sandbox))
    assert "0 created, 0 updated, 0 closed, 0 reopened, 7 unchanged" in again
