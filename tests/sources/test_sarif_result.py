"""sources/_sarif_result: the reader's shortcuts give what the plain path gives. A result read among others of
its rules (a rule's last row and tags reused) reads as it does alone in its log, and alone as the plain
functions read it (rule_help, _path, _identity); a uri with no escape and no scheme is its own path; a message
shorter than a rule's first help text gets that text."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from issueplan.model import Finding
from issueplan.sources import sarif
from issueplan.sources._finding import fingerprint
from issueplan.sources._sarif_result import _identity, _path, _snippet
from issueplan.sources._sarif_rule_text import help_texts, rule_help
from issueplan.sources._suites import finding_key

_WORDS = st.sampled_from(["a", "Ab", "bad", "ǅ", "ß", "x y", " ", "{0}", "İ", "security", "CWE-79", "ﬃ"])
_TEXT = st.lists(_WORDS, max_size=6).map("".join)
_TAGS = st.one_of(
    st.none(),
    st.just("security"),
    st.lists(
        st.one_of(
            st.sampled_from(["security", "external/cwe/cwe-79", "correctness", "owasp-a1"]), st.just(1)
        ),
        max_size=3,
    ),
)


def _rule(number: int, help_text: str) -> dict[str, Any]:
    return {
        "id": f"R{number}",
        "name": f"rule-{number}",
        "fullDescription": {"text": help_text},
        "shortDescription": {"text": f"Rule {number}"},
        "properties": {"tags": ["external/cwe/cwe-561"] if number else ["security"]},
        **({"defaultConfiguration": {"level": "note"}} if number == 2 else {}),
    }


@st.composite
def _results(draw: st.DrawFn, helps: list[str]) -> dict[str, Any]:
    index = draw(st.integers(0, 2))
    # a message may say what a rule's help says, in another case: no help then, or the next text
    said = st.sampled_from([*helps, *(text.upper() for text in helps), *(f"{text} " for text in helps)])
    result: dict[str, Any] = {"ruleIndex": index, "message": {"text": draw(st.one_of(_TEXT, said))}}
    rule_id = draw(st.sampled_from([f"R{index}", f"R{index}", "other", None]))
    if rule_id is not None:
        result["ruleId"] = rule_id
    if draw(st.booleans()):
        result["level"] = draw(st.sampled_from(["error", "warning", "note", "none"]))
    uri = draw(st.sampled_from(["src/a.py", "src/a%20b.py", "file:///C:/x.py", "https://h/x.py", ""]))
    region: dict[str, Any] = {"startLine": draw(st.sampled_from([3, 4, "5"]))}
    if draw(st.booleans()):
        region["snippet"] = {"text": draw(_TEXT)}
    result["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}]
    partial = draw(st.sampled_from([None, 1, 2, 3]))
    if partial is not None:
        names = ["lineHash", "column", "other"][:partial]
        values = draw(st.lists(st.sampled_from(["v1", "v2", 7]), min_size=partial, max_size=partial))
        result["partialFingerprints"] = dict(zip(draw(st.permutations(names)), values, strict=True))
    if draw(st.booleans()):
        result["fingerprints"] = draw(st.sampled_from([{}, {"lineHash": "full"}, {"whole": "w"}]))
    props: dict[str, Any] = {}
    if (tags := draw(_TAGS)) is not None:
        props["tags"] = tags
    if draw(st.booleans()):
        props["security-severity"] = draw(st.sampled_from(["9.1", "2.0", 5, "x"]))
    if draw(st.booleans()):
        props["cwe"] = "CWE-89"
    if props or draw(st.booleans()):
        result["properties"] = props
    if draw(st.booleans()):
        result["taxa"] = [{"id": "22", "toolComponent": {"name": "CWE"}}]
    return result


def _log(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    driver = {"name": "Scanner", "rules": rules}
    return {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def _findings(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[Finding]:
    read = sarif.read_parsed("scan.sarif", copy.deepcopy(_log(rules, results)))  # its results are consumed
    return list(read.findings)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, min_size=3, max_size=3), st.data())
def test_a_result_among_others_reads_as_it_does_alone(helps: list[str], data: st.DataObject) -> None:
    rules = [_rule(number, text) for number, text in enumerate(helps)]
    results = data.draw(st.lists(_results(helps), min_size=1, max_size=12))
    alone = [finding for result in results for finding in _findings(rules, [result])]
    together = _findings(rules, results)
    assert together == sorted(alone, key=finding_key)
    assert [f.model_dump() for f in together] == [f.model_dump() for f in sorted(alone, key=finding_key)]
    for result, finding in zip(results, alone, strict=True):  # and alone, as the plain functions read it
        assert finding.rule_help == rule_help(help_texts(rules[result["ruleIndex"]]), finding.message)
        location = result["locations"][0]["physicalLocation"]
        uri, region = location["artifactLocation"]["uri"], location["region"]
        assert finding.path == (_path(uri) if uri else None)
        snippet = _snippet(region) if uri else None  # a location without a uri is none
        identity = _identity(result, finding.path, snippet, finding.message)
        assert finding.fingerprint == fingerprint("Scanner", finding.rule_id, identity)


@given(st.text())
def test_a_uri_with_no_escape_and_no_scheme_is_its_own_path(uri: str) -> None:
    if "%" not in uri and ":" not in uri:
        assert _path(uri) == uri


@given(st.lists(_TEXT, min_size=1, max_size=3), _TEXT, _TEXT)
def test_a_message_shorter_than_the_first_help_text_gets_that_text(
    texts: list[str], name: str, message: str
) -> None:
    fields = ("help", "fullDescription", "shortDescription")
    helps = help_texts(
        {"name": name, **{field: {"text": text} for field, text in zip(fields, texts, strict=False)}}
    )
    if helps and len(helps[0][1]) > len(message) and message.isascii():
        assert rule_help(helps, message) == helps[0][0]


def test_runs_of_several_tools_read_in_finding_key_order() -> None:
    def run(tool: str, *lines: int) -> dict[str, Any]:
        located = [
            {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}}}
            for uri in ("b.py", "a.py")
            for line in lines
        ]
        results = [{"ruleId": "R", "message": {"text": "m"}, "locations": [where]} for where in located]
        return {"tool": {"driver": {"name": tool}}, "results": results}

    log = {"version": "2.1.0", "runs": [run("B", 2, 1), run("A", 3), run("B", 1, 2)]}
    findings = list(sarif.read_parsed("scan.sarif", log).findings)
    assert findings == sorted(findings, key=finding_key)
    assert [(f.tool, f.path, f.line) for f in findings][:3] == [
        ("A", "a.py", 3),
        ("A", "b.py", 3),
        ("B", "a.py", 1),
    ]
    assert len(findings) == 10
