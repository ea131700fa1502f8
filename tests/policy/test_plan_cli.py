"""The default policy through the real CLI (`issueplan plan`) on the small scenarios of tests/data/scenarios:
priority follows the evidence, security is what says it is security, a healthy repository files nothing,
coverage is shown, and files that are not result files are noted once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from issueplan import cli

SCENARIOS = Path(__file__).resolve().parent.parent / "data" / "scenarios"
NOW = "2025-08-20T10:05:39Z"


def plan_cli(
    capsys: pytest.CaptureFixture[str],
    results: Path,
    workspace: Path,
    *extra: str,
    fmt: str = "json",
) -> tuple[str, str]:
    """`issueplan plan RESULTS --workspace DIR --now … --format FMT`: (stdout, stderr); exit 0 asserted."""
    argv = ["plan", str(results), "--workspace", str(workspace), "--now", NOW, "--format", fmt, *extra]
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    out, err = capsys.readouterr()
    assert exited.value.code in {0, None}, err
    return out, err


def plan_json(capsys: pytest.CaptureFixture[str], results: Path, workspace: Path, *extra: str) -> Any:
    return json.loads(plan_cli(capsys, results, workspace, *extra)[0])


@pytest.fixture
def healthy_workspace(tmp_path: Path) -> Path:
    """The healthy scenario's checkout: CI, Sentry set up in code, a k6 script whose name says nothing."""
    copy = tmp_path / "workspace"
    shutil.copytree(SCENARIOS / "healthy" / "workspace", copy)
    return copy


def items_of(plan: Any) -> dict[str, Any]:
    return {item["id"]: item for item in plan["items"]}


# --- point 3: priority follows the evidence ----------------------------------------------------------------


def test_two_medium_advisories_give_a_high_findings_item_and_nothing_critical(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    plan = plan_json(capsys, SCENARIOS / "medium-advisories" / "results", healthy_workspace)
    items = items_of(plan)
    assert list(items) == ["BUG-001"]
    findings = items["BUG-001"]
    assert (findings["title"], findings["priority"]) == ("Fix: Security Vulnerabilities Detected", "high")
    # a priority the evidence chose takes that priority's SLA (10 days), not the critical rule's 2
    assert findings["due_date"] == "2025-08-30T10:05:39Z"
    assert plan["overall_status"] == "failing"
    assert plan["summary"]["by_priority"]["critical"] == 0


def test_one_passing_suite_alone_is_not_a_critical_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workspace = tmp_path / "bare"
    shutil.copytree(SCENARIOS / "one-suite" / "workspace", workspace)
    plan = plan_json(capsys, SCENARIOS / "one-suite" / "results", workspace)
    items = items_of(plan)
    assert plan["overall_status"] != "critical_failure"
    assert all(item["priority"] != "critical" for item in plan["items"])
    # nothing tests security at all: serious (high), but nothing failed
    framework = items["ENH-001"]
    assert framework["priority"] == "high"
    assert "this run has no security suite" in framework["description"]
    assert "no scanner output" in framework["description"]


def test_a_failing_security_suite_keeps_the_framework_item_critical(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path, tmp_path: Path
) -> None:
    results = tmp_path / "results"
    shutil.copytree(SCENARIOS / "healthy" / "results", results)
    plan = plan_json(capsys, results, healthy_workspace, "--outcome", "security_tests=failure")
    items = items_of(plan)
    assert items["ENH-001"]["priority"] == "critical"
    assert items["SEC-001"]["priority"] == "critical"


# --- point 2: security is what says it is security ---------------------------------------------------------


def test_a_linters_sarif_gives_only_a_low_code_quality_item(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    plan = plan_json(capsys, SCENARIOS / "linter" / "results", healthy_workspace)
    assert [(i["title"], i["priority"], i["type"]) for i in plan["items"]] == [
        ("Code quality findings", "low", "enhancement")
    ]
    quality = plan["items"][0]
    assert quality["id"] == "QUAL-001"
    assert quality["key"] == "findings/quality"
    # CWE-561 (unreachable code) is code quality: it is counted here, not as a vulnerability
    assert {f["rule_id"] for f in quality["evidence"]["findings"]} == {
        "no-unused-vars",
        "no-unreachable",
        "spellcheck/spell-checker",
    }
    assert all(f["category"] == "quality" for f in quality["evidence"]["findings"])
    assert quality["description"].startswith("3 findings of code quality from 1 scanner: ESLint 3")
    assert plan["overall_status"] == "degraded"


def test_a_clean_linter_run_does_not_make_the_security_findings_item_healthy(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path, tmp_path: Path
) -> None:
    """Absent is not fixed: a linter that found nothing says nothing about security findings."""
    log = json.loads((SCENARIOS / "linter" / "results" / "eslint.sarif").read_text(encoding="utf-8"))
    log["runs"][0]["results"] = []
    results = tmp_path / "results"
    results.mkdir()
    (results / "eslint.sarif").write_text(json.dumps(log), encoding="utf-8")
    plan = plan_json(capsys, results, healthy_workspace)
    assert plan["items"] == []
    assert "findings/quality" in plan["healthy"]
    assert "findings/security" not in plan["healthy"]


# --- point 3: a healthy repository files nothing -----------------------------------------------------------


def test_a_healthy_repository_gives_no_item_and_is_healthy(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    """A passing security suite, a clean scanner, CI, Sentry set up in code and a k6 script (found by its
    `k6/http` import: its name says nothing) give an empty plan."""
    plan = plan_json(capsys, SCENARIOS / "healthy" / "results", healthy_workspace)
    assert plan["items"] == []
    assert plan["overall_status"] == "healthy"
    assert {"rule/INF-001", "rule/INF-002", "rule/PERF-002", "findings/security", "rule/ENH-001"} <= set(
        plan["healthy"]
    )


def test_without_the_content_signals_the_same_repository_lacks_monitoring_and_load_tests(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    """The content probes are what recognise Sentry and k6 here, and the item lists what it looked for."""
    (healthy_workspace / "app" / "observability.py").write_text("def start() -> None: ...\n")
    (healthy_workspace / "scripts" / "smoke.js").write_text("console.log('hello');\n")
    plan = plan_json(capsys, SCENARIOS / "healthy" / "results", healthy_workspace)
    items = items_of(plan)
    assert sorted(items) == ["INF-002", "PERF-002"]
    load = items["PERF-002"]["description"]
    assert "no file matches **/locustfile*.py, **/locust/**" in load
    assert "a k6 script (k6/http, from 'k6', from \"k6\")" in load
    assert "a locustfile (from locust import, import locust)" in load
    assert "patterns" not in load
    monitoring = items["INF-002"]["description"]
    assert "**/prometheus*.yml" in monitoring
    assert "Sentry setup (sentry_sdk" in monitoring


def test_large_files_are_not_read_and_the_item_says_so(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    """Only small files are looked into: a k6 import after 200 KB of bundled code is not found."""
    (healthy_workspace / "scripts" / "smoke.js").write_text("//" + "x" * 200_000 + "\nimport 'k6/http';\n")
    plan = plan_json(capsys, SCENARIOS / "healthy" / "results", healthy_workspace)
    load = items_of(plan)["PERF-002"]["description"]
    assert "1 candidate file not looked into: too large or beyond the read budget" in load


# --- point 7: coverage shown -------------------------------------------------------------------------------


def test_coverage_is_in_the_plan_json_and_a_file_without_branch_data_has_no_branch_rate(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    plan = plan_json(capsys, SCENARIOS / "coverage" / "results", healthy_workspace)
    coverage = plan["coverage"]
    assert (coverage["line_rate"], coverage["lines_covered"], coverage["lines_valid"]) == (0.6, 6, 10)
    assert coverage["branch_rate"] is None  # coverage.py without --branch writes branch-rate="0"
    assert coverage["files"] == 2
    assert [(f["path"], f["line_rate"], f["branch_rate"]) for f in coverage["least_covered"]] == [
        ("shop/orders.py", 0.25, None),
        ("shop/cart.py", 0.833333, None),
    ]
    assert "QA-001" not in items_of(plan)  # the coverage rule stays off without a threshold
    assert "rule/QA-001" not in plan["healthy"]


def test_coverage_is_in_the_markdown_plan_and_the_job_summary(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    results = SCENARIOS / "coverage" / "results"
    markdown, _ = plan_cli(capsys, results, healthy_workspace, fmt="markdown")
    assert "## Coverage\n\nLines 60.0% (6 of 10) · 2 files measured\n" in markdown
    assert "| `shop/orders.py` | 25.0% (1 of 4) | — |" in markdown
    coverage_section = markdown.split("## Coverage")[1].split("## Action Items")[0]
    assert "branches" not in coverage_section.lower().replace("| branches |", "")  # no branch data, no rate
    summary, _ = plan_cli(capsys, results, healthy_workspace, fmt="summary")
    assert "### Coverage\n\nLines 60.0% (6 of 10) · 2 files measured\n" in summary
    assert "| `shop/cart.py` | 83.3% (5 of 6) | — |" in summary


def test_a_coverage_threshold_turns_the_coverage_rule_on(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path, tmp_path: Path
) -> None:
    config = tmp_path / "issueplan.yml"
    config.write_text("rules:\n  - { id: coverage, trigger: { type: coverage_below, line_rate: 0.8 } }\n")
    plan = plan_json(capsys, SCENARIOS / "coverage" / "results", healthy_workspace, "--config", str(config))
    item = items_of(plan)["QA-001"]
    assert (item["title"], item["priority"], item["type"]) == ("Raise Test Coverage", "medium", "enhancement")
    assert item["evidence"]["facts"] == [
        "line coverage is 60.0% (6 of 10 lines), below the 80.0% threshold",
        "least covered: shop/orders.py 25.0% (1 of 4 lines); shop/cart.py 83.3% (5 of 6 lines)",
    ]
    relaxed = tmp_path / "relaxed.yml"
    relaxed.write_text("rules:\n  - { id: coverage, trigger: { type: coverage_below, line_rate: 0.5 } }\n")
    fine = plan_json(capsys, SCENARIOS / "coverage" / "results", healthy_workspace, "--config", str(relaxed))
    assert "QA-001" not in items_of(fine)
    assert "rule/QA-001" in fine["healthy"]


# --- point 9: files that are not result files --------------------------------------------------------------


def test_json_with_runs_but_no_sarif_version_is_noted_once_not_warned_about(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    out, err = plan_cli(capsys, SCENARIOS / "not-sarif" / "results", healthy_workspace)
    plan = json.loads(out)
    assert plan["problems"] == []
    notes = [line for line in err.splitlines() if "recognised result file" in line]
    assert len(notes) == 1
    assert notes[0].startswith("Note: 2 files are not recognised result files, not read: ")
    assert "data/benchmark.json" in notes[0]
    assert "data/pipeline.json" in notes[0]
    assert "not a SARIF log" not in out + err


def test_parse_shows_the_note_and_strict_does_not_fail_on_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["parse", str(SCENARIOS / "not-sarif" / "results"), "--strict"])
    out, _ = capsys.readouterr()
    assert exited.value.code in {0, None}
    assert "Note: 2 files are not recognised result files" in out
    assert "Problems" not in out


def test_branch_rates_show_where_the_reports_have_branch_data(
    capsys: pytest.CaptureFixture[str], healthy_workspace: Path
) -> None:
    """The bundled example's Cobertura (no branch data for its Python files), LCOV (branches in cart.ts)."""
    examples = Path(__file__).resolve().parent.parent.parent / "examples" / "results" / "coverage"
    markdown, _ = plan_cli(capsys, examples, healthy_workspace, fmt="markdown")
    assert "Lines 74.4% (93 of 125) · branches 59.4% (19 of 32) · 4 files measured\n" in markdown
    assert "| `web/src/cart.ts` | 66.7% (2 of 3) | 50.0% (1 of 2) |" in markdown
    assert "| `shop/cart.py` | 66.7% (2 of 3) | — |" in markdown
