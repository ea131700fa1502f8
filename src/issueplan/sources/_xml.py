"""The one way issueplan opens XML: with entity expansion, DTD loading and network access off.

Result files come from code under test, sometimes from forks, so every XML reader uses `stream_events` or
`pull_parser` (streaming), or `parse_document` for a file the loader has read whole (at most 1 MiB); all
three parse with the same options:
- entities are never substituted (`resolve_entities=False`) and a document whose internal DTD subset declares
  entities is refused outright (`declared_entities`): expanding "safely" is how billion-laughs bugs are born;
- no DTD or external entity is ever loaded (`load_dtd=False`, `no_network=True`), and a resolver answers
  every external request with an empty document: even a libxml2 path we did not foresee reads no file or URL;
- libxml2's own limits stay on (`huge_tree=False`): text nodes over 10 MB, nesting over 256 levels and entity
  amplification stop the parse with an error, which the readers turn into a Problem;
- a stream gives out every event before its syntax error, then the error, on every lxml version (`_Events`):
  the readers keep the results before the damage, and check the root of an entity bomb before its error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import IO, Any, Protocol

from lxml import etree

from issueplan.model import Problem

_LOCATION_SUFFIX = re.compile(r",\s*line \d+, column \d+\s*$")


class EventStream(Protocol):
    """What `stream_events` gives: (event, element) pairs, iterated once, and the root once all was read."""

    root: etree._Element | None

    def __iter__(self) -> Iterator[tuple[str, etree._Element]]: ...


class _EmptyResolver(etree.Resolver):
    """Answers every DTD or external entity request with nothing: no file is read, no URL is fetched."""

    # lxml calls resolve(system_url, public_id, context); lxml-stubs omit the context argument.
    def resolve(self, system_url: str, public_id: str, context: object) -> object:  # type: ignore[override]
        return self.resolve_string("", context, base_url=None)


# What keeps every parser safe (see above); comments and PIs go too, so that children are elements only.
_HARDENED: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "collect_ids": False,
    "remove_comments": True,
    "remove_pis": True,
}
CHUNK = 32768  # what stream_events feeds at a time (iterparse's own size); _junit_batch feeds the same


def stream_events(stream: IO[bytes], *, events: tuple[str, ...], tags: Iterable[str]) -> EventStream:
    """A hardened `lxml.etree.iterparse` over `stream`: only `events` of the elements named in `tags`, and
    on a syntax error every event before it, then the error (`_Events` says why it is not iterparse)."""
    return _Events(stream, pull_parser(events=events, tags=tags))


class _Events:
    """iterparse as lxml up to 6.1 behaved, whatever the lxml version: CHUNK bytes fed at a time and each
    chunk's events given out; on a syntax error, first the events that came before it.

    lxml 6.2's iterparse raises a chunk's error before it gives out that chunk's earlier events, so up to
    CHUNK bytes of results before the damage were lost: the cases before an invalid byte, and the root whose
    check names the entity declarations of an entity bomb. The pull parser keeps them for `read_events`
    after a failed `feed`, on every version. At the end of the input, where libxml2 finds a file cut short,
    lxml 6.2 also ends every element still open: events for elements the file never closed (a case cut
    before its `<failure>` would count as a pass), so none comes after a failed `close`, as before 6.2.
    """

    __slots__ = ("_parser", "_stream", "root")

    def __init__(self, stream: IO[bytes], parser: Any) -> None:
        self._stream = stream
        self._parser = parser
        self.root: etree._Element | None = None

    def __iter__(self) -> Iterator[tuple[str, etree._Element]]:
        read, parser = self._stream.read, self._parser
        feed, read_events = parser.feed, parser.read_events
        while data := read(CHUNK):
            try:
                feed(data)
            except etree.XMLSyntaxError as error:
                failure = error
                break
            yield from read_events()
        else:
            self.root = parser.close()
            yield from read_events()
            return
        yield from read_events()
        raise failure


def pull_parser(*, events: tuple[str, ...], tags: Iterable[str]) -> Any:
    """A hardened `lxml.etree.XMLPullParser`, for a reader that feeds it CHUNK bytes at a time itself."""
    pull: Any = etree.XMLPullParser  # lxml-stubs want the event names as literals
    parser: Any = pull(events=events, tag=tuple(tags), **_HARDENED)
    parser.resolvers.add(_EmptyResolver())
    return parser


_DOCUMENT_PARSER: etree.XMLParser | None = None


def parse_document(data: bytes) -> etree._Element:
    """The root of the whole document `data`, parsed at once by one hardened parser shared by every call:
    for a file small enough to be read whole (a tree's reports), where a parser and an event stream per file
    would cost more than the parse. Raises XMLSyntaxError as the streaming parsers do."""
    global _DOCUMENT_PARSER  # noqa: PLW0603 - made on first use, as the readers are imported on first use
    if _DOCUMENT_PARSER is None:
        _DOCUMENT_PARSER = etree.XMLParser(**_HARDENED)
        _DOCUMENT_PARSER.resolvers.add(_EmptyResolver())
    return etree.fromstring(data, _DOCUMENT_PARSER)


def declared_entities(element: etree._Element) -> tuple[str, ...]:
    """Names of the entities declared in the internal DTD subset of `element`'s document (sorted)."""
    dtd: Any = element.getroottree().docinfo.internalDTD  # lxml-stubs: not Optional, no iterentities()
    if dtd is None:
        return ()
    return tuple(sorted(str(entity.name) for entity in dtd.iterentities()))


def source_line(element: etree._Element) -> int | None:
    """The element's line in its file, when libxml2 knows it."""
    line: object = element.sourceline  # lxml-stubs type it as a bare `...`
    return line if isinstance(line, int) and line > 0 else None


def entity_problem(file: str, names: tuple[str, ...]) -> Problem:
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return Problem(
        file=file,
        line=1,
        message=(
            f"DTD entity declarations are not allowed in a result file (declares {shown}); "
            "the file was not read. Remove the DOCTYPE from the report."
        ),
    )


def syntax_problem(file: str, error: etree.XMLSyntaxError, *, kept: str = "") -> Problem:
    """A Problem for a parse error: libxml2's message without its location suffix, the location as fields."""
    raw = error.msg or str(error)
    message = " ".join(_LOCATION_SUFFIX.sub("", raw).split()) or "unreadable XML"
    position: tuple[int, int] | None = error.position  # None for errors raised before any input was read
    line, column = position or (0, 0)
    where = f" at line {line}" if line else ""
    return Problem(
        file=file,
        line=line or None,
        column=column or None,
        message=f"XML parsing stopped{where}: {message}{kept}",
    )


# An optional BOM, XML declaration, comments, PIs and DOCTYPE, then the root's start tag: name, attributes.
_ROOT_START = re.compile(
    rb"\A(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*<([A-Za-z_][\w.-]*)([^>]*)",
    re.DOTALL,
)


# What nearly every file starts with, found without _ROOT_START's alternation per blank and its lazy scan of
# the declaration: the declaration ends at its first "?" (then it is the first "?>", as _ROOT_START's lazy
# match ends), blanks, the root's start tag. Where it matches, _ROOT_START finds the same (a property test).
_COMMON_START = re.compile(rb"(?:<\?xml[^?]*\?>)?\s*<([A-Za-z_][\w.-]*)([^>]*)")


def root_start(head: bytes) -> tuple[bytes, bytes] | None:
    """(name, attributes) of the root element's start tag in the first bytes of a file, or None."""
    found = _COMMON_START.match(head)  # no BOM can start a match: with one, the look below decides
    if found is not None:
        return found.group(1), found.group(2)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Producers write UTF-8, but Windows tools re-save reports as UTF-16: decoded for sniffing only.
        head = head.decode("utf-16", errors="ignore").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    found = _COMMON_START.match(head) or _ROOT_START.match(head)
    return (found.group(1), found.group(2)) if found else None
