"""render/clean: the one pass that redacts every text of a report, then cuts it to its display cap."""

from __future__ import annotations

from pydantic import BaseModel

from issueplan.model import (
    MESSAGE_CAP,
    NAME_CAP,
    TRACE_CAP,
    Case,
    CaseOutcome,
    Coverage,
    FileCoverage,
    Finding,
    Problem,
    RunReport,
    Scan,
    Severity,
    Suite,
    SuiteKind,
    SuiteStatus,
)
from issueplan.render.clean import clean_report

TOKEN = "zq9XkT4mP2wLr8Nb"  # a run's token without a known prefix (fine-grained, GHES, an App's)
GHS = "ghs_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"


def _strings(value: object) -> list[str]:
    if type(value) is str:
        return [value]
    if isinstance(value, tuple):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, BaseModel):
        return [text for name in type(value).model_fields for text in _strings(getattr(value, name))]
    return []


def _everywhere(text: str) -> RunReport:
    """A report with `text` in every string field it has."""
    case = Case(
        classname=text, name=text, file=text, outcome=CaseOutcome.FAILED, message=text, type=text, trace=text
    )
    suite = Suite(
        name=text,
        kind=SuiteKind.UNIT,
        status=SuiteStatus.FAILED,
        has_report=True,
        cases=(case,),
        files=(text,),
    )
    finding = Finding(
        tool=text,
        tool_version=text,
        rule_id=text,
        rule_name=text,
        severity=Severity.HIGH,
        message=text,
        path=text,
        fingerprint=text,
        package=text,
        version=text,
        advisory=text,
        aliases=(text,),
        fixed_versions=(text,),
    )
    return RunReport(
        suites=(suite,),
        findings=(finding,),
        scans=(Scan(tool=text, file=text, findings=1),),
        coverage=Coverage(files=(FileCoverage(path=text),)),
        problems=(Problem(file=text, message=text),),
    )


def test_r8_the_runs_token_leaves_every_text_of_the_report() -> None:
    """R8: suite, case and class names, paths, messages, traces, finding texts, problems: all cleaned."""
    report = _everywhere(f"tests/{TOKEN}_suite/{TOKEN.lower()}.xml {GHS}")
    strings = _strings(clean_report(report, [TOKEN]))
    assert len(strings) == 25
    for text in strings:
        assert TOKEN.lower() not in text.lower()
        assert "ghs_" not in text
        assert text == "tests/[REDACTED:secret]_suite/[REDACTED:secret].xml [REDACTED:github-token]"


def test_r9_a_secret_across_the_display_cap_is_redacted_before_the_cut() -> None:
    """R9: a token starting just before the cap: the old readers cut first and left `ghs_aBcD…`."""
    message = "x" * (MESSAGE_CAP - 8) + GHS + " and more"
    trace = "y" * (TRACE_CAP - 8) + TOKEN + "z" * 100
    case = Case(name="t", outcome=CaseOutcome.FAILED, message=message, trace=trace)
    report = RunReport(
        suites=(
            Suite(name="s", kind=SuiteKind.UNIT, status=SuiteStatus.FAILED, has_report=True, cases=(case,)),
        )
    )
    [cleaned] = clean_report(report, [TOKEN]).suites[0].cases
    assert cleaned.message.startswith("x" * (MESSAGE_CAP - 8) + "[REDACTE\n")
    assert "ghs_" not in cleaned.message
    assert cleaned.message.endswith(f"[cut: {len('[REDACTED:github-token] and more') - 8} more characters]")
    assert TOKEN[:6] not in cleaned.trace
    assert "[cut: " in cleaned.trace


def test_i10_names_paths_and_rule_ids_are_capped_with_a_visible_cut() -> None:
    """I10: a megabyte name is cut at NAME_CAP, saying how much was dropped, on the same line."""
    report = _everywhere("n" * 1_000_000)
    cleaned = clean_report(report)
    case = cleaned.suites[0].cases[0]
    mark = f" …[cut {1_000_000 - NAME_CAP:,} characters]"
    for name in (cleaned.suites[0].name, case.name, case.classname, case.file, cleaned.findings[0].rule_id):
        assert name == "n" * NAME_CAP + mark
    assert case.message.endswith(f"\n… [cut: {1_000_000 - MESSAGE_CAP} more characters]")
    assert len(case.trace) < TRACE_CAP + 50


def test_enum_values_and_numbers_are_left_alone() -> None:
    report = _everywhere("plain")
    assert clean_report(report, [TOKEN]) == report


def test_a_text_repeated_across_findings_is_cleaned_in_every_one() -> None:
    """Scanners repeat a rule's message on each result: each distinct text is cleaned once, every copy of
    it comes out cleaned, and a text that needs nothing stays as it was."""
    findings = tuple(
        Finding(
            tool="scanner",
            rule_id="py/leak",
            severity=Severity.HIGH,
            message=f"token {GHS} in config" if number % 2 else "nothing to hide",
            path=f"src/{TOKEN}/app.py",
            fingerprint=f"fp-{number % 3}",
        )
        for number in range(200)
    )
    cleaned = clean_report(RunReport(findings=findings), [TOKEN]).findings
    assert {finding.message for finding in cleaned[1::2]} == {"token [REDACTED:github-token] in config"}
    assert {finding.message for finding in cleaned[::2]} == {"nothing to hide"}
    assert {finding.path for finding in cleaned} == {"src/[REDACTED:secret]/app.py"}
    assert [finding.fingerprint for finding in cleaned] == [f"fp-{n % 3}" for n in range(200)]
