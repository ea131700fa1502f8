"""What the two .NET test-report readers (TRX, xUnit.net XML) share: sniffing the root element, reading
texts and a .NET stack trace's source location, and keeping a bounded, sorted list of non-passing cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from issueplan.model import Case, CaseOutcome, Problem

CASE_CAP = 1000  # the same bound as junit.CASE_CAP: a report of 100 000 failures stays a readable result

# An optional BOM, XML declaration, comments, PIs and DOCTYPE, then the root's start tag: name, attributes.
_ROOT = re.compile(
    rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*<([A-Za-z_][\w.-]*)([^>]*)",
    re.DOTALL,
)
# `   at Ns.Class.Method() in C:\src\File.cs:line 25` (the `in … :line N` part is there with PDBs only).
_FRAME = re.compile(r"\sin (.+?):line (\d+)\s*$", re.MULTILINE)


def root_start(head: bytes) -> tuple[bytes, bytes] | None:
    """(name, attributes) of the root element's start tag in the first bytes of a file, or None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # dotnet writes UTF-8, but Windows tools re-save reports as UTF-16: decoded for sniffing only.
        head = head.decode("utf-16", errors="ignore").encode()
    found = _ROOT.match(head.removeprefix(b"\xef\xbb\xbf"))
    return (found.group(1), found.group(2)) if found else None


def trace_location(trace: str) -> tuple[str | None, int | None]:
    """The source file and line of the first frame of a .NET stack trace that names one."""
    found = _FRAME.search(trace[:20000])  # the first frames are the useful ones; a huge trace is not scanned
    if found is None:
        return None, None
    return found.group(1).strip(), int(found.group(2)) or None


def element_text(element: etree._Element | None, *, indented: bool = False) -> str:
    """An element's text; CRLF (Windows producers, often as `&#xD;`) made LF so renderings stay stable.
    A stack trace keeps the indentation of its first frame, like that of the others."""
    text = (element.text or "").replace("\r\n", "\n") if element is not None else ""
    return text.strip("\n").rstrip() if indented else text.strip()


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def short_name(name: str, classname: str) -> str:
    """`Ns.Class.Method(x: 1)` → `Method(x: 1)` when the class is `Ns.Class`: shown as `class.name`, the
    producers' full names would repeat the class."""
    if classname and name.startswith(classname + ".") and len(name) > len(classname) + 1:
        return name[len(classname) + 1 :]
    return name


# Several results of one test count once: error > failure > passed > skipped (None is passed). A data row
# that passed beside one that was skipped leaves the test passed, as publish-unit-test-result-action does.
_RANK: dict[CaseOutcome | None, int] = {
    CaseOutcome.ERROR: 0,
    CaseOutcome.FAILED: 1,
    None: 2,
    CaseOutcome.SKIPPED: 3,
}


def worst(first: CaseOutcome | None, second: CaseOutcome | None) -> CaseOutcome | None:
    """The outcome that decides a test with these two results."""
    return first if _RANK[first] <= _RANK[second] else second


@dataclass(slots=True)
class Counts:
    """File totals, and the non-passing cases kept up to `cap` (the counts stay exact beyond it)."""

    cap: int = CASE_CAP
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    duration: float = 0.0
    cases: list[Case] = field(default_factory=list)
    dropped: int = 0

    @property
    def full(self) -> bool:
        """No more cases will be kept: callers may skip building them."""
        return len(self.cases) >= self.cap

    def add(self, outcome: CaseOutcome | None, case: Case | None = None) -> None:
        """One test with this outcome (None: passed); its Case when it did not pass and one was built."""
        self.tests += 1
        if outcome is CaseOutcome.FAILED:
            self.failures += 1
        elif outcome is CaseOutcome.ERROR:
            self.errors += 1
        elif outcome is CaseOutcome.SKIPPED:
            self.skipped += 1
        if outcome is None:
            return
        if case is not None and not self.full:
            self.cases.append(case)
        else:
            self.dropped += 1

    def sorted_cases(self) -> tuple[Case, ...]:
        # Sorted so that reordered (parallel) test runs give byte-identical results.
        return tuple(
            sorted(
                self.cases, key=lambda c: (c.classname, c.name, c.file or "", c.line or 0, c.outcome.value)
            )
        )

    def problems(self, file: str) -> list[Problem]:
        if not self.dropped:
            return []
        message = (
            f"{self.dropped} more non-passing test cases are not listed (only {self.cap} are kept per file); "
            "the counts include them"
        )
        return [Problem(file=file, message=message)]
