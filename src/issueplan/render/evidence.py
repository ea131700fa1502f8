"""An item's evidence as Markdown sections: suite counts, failing tests grouped by file or class, findings
grouped by rule (render/finding_groups.py).

Shared by the plan (a few cases per item) and the issue body (many, then truncated by section). Each returned
section is a self-contained piece of Markdown ending in a blank line, so a body can drop whole sections from
the end and stay well-formed. Text from the run comes redacted (render/clean.py); here it is neutralised
or fenced. Where the run knows its repository and commit (`SourceLinks`), every location links to its line.
"""

from __future__ import annotations

from issueplan.model import Case, CaseOutcome, Evidence, Suite
from issueplan.policy.describe import UNNAMED, case_label
from issueplan.render.finding_groups import render_finding_groups
from issueplan.render.links import SourceLinks, location
from issueplan.render.safety import Span, code_block, code_span, neutralise

# Failed and errored cases first: they are why the item exists; flaky ones are context.
_CASE_ORDER = {CaseOutcome.ERROR: 0, CaseOutcome.FAILED: 1, CaseOutcome.FLAKY: 2}
LOCATIONS_PER_GROUP = 5


def render_evidence(
    evidence: Evidence,
    *,
    case_limit: int,
    finding_limit: int,
    links: SourceLinks | None = None,
    findings_at: str | None = None,
    said: str = "",
) -> list[str]:
    """The sections describing `evidence`, most telling first (facts, suites and their cases, findings).

    `finding_limit` caps the groups of findings shown; `findings_at`, when given, is where the findings
    are listed in full (another issue; by default the items of `evidence.findings_in`): one line pointing
    there replaces the groups, so no finding is listed twice. Facts `said` already (the Description) are
    not repeated.
    """
    sections: list[str] = []
    told = {_sentence(line) for line in said.splitlines()} if evidence.facts else set()
    facts = [fact for fact in evidence.facts if _sentence(fact) not in told]
    if facts:
        sections.append("".join(f"- {neutralise(fact, Span.LINE)}\n" for fact in facts) + "\n")
    for suite in sorted(evidence.suites, key=lambda s: s.name):
        sections.extend(render_suite(suite, case_limit=case_limit, links=links))
    findings_at = findings_at or " and ".join(neutralise(owner, Span.LINE) for owner in evidence.findings_in)
    if evidence.findings and findings_at:
        these = (
            "This finding is"
            if len(evidence.findings) == 1
            else f"These {len(evidence.findings)} findings are"
        )
        sections.append(f"_{these} listed in full in {findings_at}: see that issue._\n\n")
    elif evidence.findings:
        sections.extend(
            render_finding_groups(
                evidence.findings, group_limit=finding_limit, locations=LOCATIONS_PER_GROUP, links=links
            )
        )
    return sections


def _sentence(text: str) -> str:
    """A fact as a sentence of the Description would hold it (`Triggered by:` lists them with a period)."""
    return text.strip().removesuffix(".").strip().casefold()


def render_suite(suite: Suite, *, case_limit: int, links: SourceLinks | None = None) -> list[str]:
    """A line of counts for the suite, then up to `case_limit` failing cases grouped by file (else class),
    then how many failing tests were left out, counted from the suite's totals (the plan keeps only a few)."""
    name = code_span(suite.name)
    outcome = f", step outcome {suite.outcome}" if suite.outcome else ""
    report = "" if suite.has_report else " No test report was found for this suite."
    counts = (
        f"{count(suite.tests, 'test')}: {count(suite.failures, 'failure')}, {count(suite.errors, 'error')}, "
        f"{suite.skipped} skipped, {suite.flaky} flaky"
    )
    sections = [f"**Suite {name}** ({suite.kind}): {suite.status}{outcome}; {counts}.{report}\n\n"]
    cases = sorted(
        (case for case in suite.cases if case.outcome in _CASE_ORDER),
        key=lambda c: (_group_of(c), _CASE_ORDER[c.outcome], c.classname, c.name, c.line or 0),
    )
    shown = cases[:case_limit]
    group: str | None = None
    for case in shown:
        if _group_of(case) != group:
            group = _group_of(case)
            members = [other for other in cases if _group_of(other) == group]
            # No heading for a case with neither file nor class, nor for a group of tests that only repeat
            # it as their name (jest-junit: classname and name both the full test name).
            if group.strip() and any(_label_within(other, group) != group for other in members):
                url = links.blob(group) if links and _by_file(case) else None
                sections.append(f"{location(group, url)}: {count(len(members), 'test')}\n\n")
        sections.append(render_case(case, links=links, within=group))
    failing = sum(1 for case in cases if case.outcome is not CaseOutcome.FLAKY)
    listed = sum(1 for case in shown if case.outcome is not CaseOutcome.FLAKY)
    more = max(suite.failures + suite.errors, failing) - listed
    if more > 0:
        sections.append(f"_… {count(more, 'more failing test')} of {name} not shown._\n\n")
    return sections


def _group_of(case: Case) -> str:
    """The file a case failed in, where the repository's path is known; else its class (a JVM frame's
    package path or a Go file name alone would split one class's tests by where they failed)."""
    return case.file if _by_file(case) and case.file else case.classname or case.file or ""


def _by_file(case: Case) -> bool:
    return bool(case.file) and case.path_known


def _label_within(case: Case, group: str | None) -> str:
    """The case's name under its group's heading, without what the heading already says: the class it is
    grouped by, or the part of a dotted class (`tests.test_cart.TestCart`) or Go package the file's path
    spells (`tests/test_cart.py` → `TestCart.test_total`)."""
    name = case.name.strip()
    if not group or not name:
        return case_label(case)
    if group == case.classname:
        return name
    rest = _class_beyond(case.classname.strip(), group) if group == case.file else None
    if rest is None:
        return case_label(case)
    return f"{rest}.{name}" if rest and not name.startswith(rest + ".") else name


def _class_beyond(classname: str, file: str) -> str | None:
    """What of `classname` the path `file` does not spell: "" when it spells it all, None when it spells none
    of it."""
    if not classname or " " in classname:
        return None
    path = file.replace("\\", "/")
    if "/" in classname:  # a Go package: its files lie in its folder
        package, folder = classname.lstrip("_").rstrip("/"), path.rpartition("/")[0]
        spelt = folder and (package == folder or package.endswith("/" + folder) or folder.endswith(package))
        return "" if spelt else None
    parts = classname.split(".")
    stem = "/" + path.rpartition(".")[0] if "." in path.rpartition("/")[2] else "/" + path
    stem = stem.replace(".", "/")  # a .NET project folder spells namespaces: `Shop.Tests/CartTests.cs`
    for size in range(len(parts), 0, -1):
        if stem.endswith("/" + "/".join(parts[:size])):
            return ".".join(parts[size:])
    return None


def render_case(case: Case, *, links: SourceLinks | None = None, within: str | None = None) -> str:
    """One failing test: its name and place, then its message once and its trace (without the message it
    repeats) in a fence it cannot close."""
    label = _label_within(case, within) if within else case_label(case)
    name = code_span(label) if label.strip() and label != UNNAMED else UNNAMED
    where = ""
    if case.file:
        place = f"{case.file}:{case.line}" if case.line is not None else case.file
        url = links.blob(case.file, case.line) if links and case.path_known else None
        where = f" at {location(place, url)}"
    head = f"- {name} ({case.outcome}){where}\n"
    # Most runners repeat the exception type at the start of the message; say it once.
    kind = "" if case.message.startswith(case.type) else case.type
    trace = trim_trace(case.trace, case.message, case.type)
    text = "\n\n".join(part for part in (kind, case.message, trace) if part.strip())
    if not text:
        return head + "\n"
    fenced = code_block(text, "text")
    # Indented under the list item so the block belongs to it.
    return head + "\n" + "".join(f"  {line}\n" for line in fenced.split("\n")) + "\n"


def trim_trace(trace: str, message: str, kind: str = "") -> str:
    """The trace without the lines that only repeat the message (`E   AssertionError: …` in pytest, the
    message line a JVM or jest trace starts with): each message line is dropped once, the rest kept; a
    first line that only names the exception type `kind` (`java.lang.AssertionError: `, its message on the
    lines below) goes too, since the type is said above it."""
    wanted = {line.strip() for line in message.splitlines() if line.strip()}
    if not trace or not (wanted or kind):
        return trace
    kept: list[str] = []
    for line in trace.split("\n"):
        core = line.strip()
        bare = core[1:].strip() if core.startswith("E ") else core
        if kind and not kept and bare.removesuffix(":").strip() == kind:
            kind = ""
            continue
        hit = next((text for text in (core, bare, _after_type(bare)) if text in wanted), None)
        if hit is not None:
            wanted.discard(hit)
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n")


def _after_type(line: str) -> str:
    """`AssertionError: expected 1` → `expected 1`: a trace line naming the type before the message."""
    head, sep, rest = line.partition(": ")
    return rest.strip() if sep and head and " " not in head else ""


def count(number: int, noun: str) -> str:
    """`1 error`, `3 errors`."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
