"""What the two .NET test-report readers (TRX, xUnit.net XML) share: sniffing the root element, reading
texts and a .NET stack trace's source location, and keeping a bounded, sorted list of non-passing cases."""

from __future__ import annotations

from lxml import etree

from issueplan.sources._trace_locations import trace_location as locate


def trace_location(trace: str) -> tuple[str | None, int | None]:
    """The source file and line of the first frame of a .NET stack trace that names one
    (`   at Ns.Class.Method() in C:\\src\\File.cs:line 25`, there with PDBs only), read by the one trace
    parser, sources/_trace_locations.py."""
    found = locate(trace)
    return (found.path, found.line) if found is not None else (None, None)


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
