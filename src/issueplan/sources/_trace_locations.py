"""Where a failure happened, read from its trace: the one place stack traces are parsed for a location.

Readers call `trace_location` when the report itself names no file (JUnit has no `file` attribute in most
dialects). Each ecosystem prints its frames differently:

- pytest: `tests/test_cart.py:42: AssertionError`, `File "tests/test_cart.py", line 42`, or a setup
  error's `file tests/test_cart.py, line 8`; the last such frame, as pytest prints the innermost frame last;
- jest, vitest, mocha: `at Object.<anonymous> (src/orders.test.ts:20:27)`, vitest's `src/a.test.ts:3:9`
  after its arrow; the first;
- Go: `    cart_test.go:31: got 2`, a panic's `/src/cart.go:31 +0x1d`; the first;
- JVM (Surefire, Gradle): `at com.acme.Cart.total(Cart.java:42)`; the first, as a package path;
- .NET: `at Ns.Cart.Total() in /src/Cart.cs:line 12`, Mono's `… [0x00001] in /src/Cart.cs:12`; the first.

Frames of the runtime and the test frameworks (`node_modules`, `site-packages`, `org.junit.`, Go's own
sources …) are skipped: the first frame of the code under test is the one worth a click, in a `Caused by:`
section when every frame above it is the runtime's or a framework's. A JVM frame names the file, not its
folder: its path is the class's package path (`com/acme/Cart.java`), which becomes a path of the repository
only under a source root the reports give (`rooted` False until then). Go's `t.Error` lines name the file
alone (`cart_test.go`), in the folder of the test's package: joined to a package that is a folder
(`_/home/u/shop/cart`), else placed by the module path of the workspace's `go.mod` (`go_placed`).

A path in a GitHub runner's checkout (`/home/runner/work/REPO/REPO/…`, `D:\\a\\REPO\\REPO\\…`,
`/Users/runner/work/REPO/REPO/…`) is made relative to it, so it can be linked; any other absolute path is
kept as written: shown, never linked (render/links.py).

Every pattern is matched from a line's start on a line cut to `LINE_CAP` characters, with no nested
quantifiers, and only the first `LINE_LIMIT` lines are looked at: linear in the trace, whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import NamedTuple

from issueplan.model import Case

LINE_CAP = 2000
LINE_LIMIT = 400

# `[^:]`, not `[^:\n]`: a line holds no `\n`, and a one-character negation is counted without a set test
_PYTHON = re.compile(r"\s{0,40}([^\s:][^:]{0,1000}\.py):(\d{1,9}):(?: |$)")
_PYTHON_NATIVE = re.compile(r'\s{0,40}File "([^"\n]{1,1000}\.py)", line (\d{1,9})')
# pytest's setup errors (a missing fixture): `file tests/test_cart.py, line 8`
_PYTEST_SETUP = re.compile(r"\s{0,40}file ([^,\n]{1,1000}\.py), line (\d{1,9})\s*$")
_GO = re.compile(r"\s{0,40}([^\s:][^:\n]{0,1000}\.go):(\d{1,9})(?::| \+0x[0-9a-f]{1,16}\s*$)")
# `at fn (file:1:2)`: the text before the parenthesis holds none, so the one `(` is where the file starts.
_JS_CALL = re.compile(r"\s{0,40}at [^()\n]{0,1000}\(([^()\n]{1,1000}):(\d{1,9}):\d{1,9}\)\s*$")
_JS_BARE = re.compile(r"\s{0,40}(?:at |\u276f |\u2192 )([^()\s]{1,1000}):(\d{1,9}):\d{1,9}\s*$")
_JS_FILE = re.compile(r"[^\n]{0,1000}\.(?:[cm]?[jt]sx?|vue|svelte)")
# A Kotlin method may be named with spaces (`fun `test scale`()`): the method part is anything but a dot or
# a parenthesis, so the class still ends at the last dot before it.
_JVM = re.compile(
    r"\s{0,40}at (?:[\w.$@-]{1,200}/{1,2})?([\w$.]{1,1000})\.[^().\n]{1,200}"
    r"\(([\w$-]{1,200}\.(?:java|kt|kts|scala|groovy)):(\d{1,9})\)\s*$"
)
# `:line 12` (.NET), `:12` (Mono)
_DOTNET_LINE = re.compile(r":(?:line )?(\d{1,9})\s*$")
_DOTNET_FRAME = re.compile(r"\s{0,40}at \S")
# The old reader's rule, kept as the last resort: `path.ext:123` anywhere on the trace's first line.
_ANY_PATH_LINE = re.compile(r"([\w./\\-]{1,1000}\.[A-Za-z]\w{0,20}):(\d{1,9})")

# Installed packages anywhere in a path; Node's and Python's own sources by how their paths start.
_FOREIGN_PARTS = ("node_modules/", "site-packages/", "dist-packages/")
_FOREIGN_STARTS = ("node:", "internal/", "<frozen")
# Go's own sources: its installation (apt, the official tarball, setup-go's tool cache) or its standard
# library's runtime and testing packages.
_GO_ROOTS = ("/usr/local/go/", "/usr/lib/go", "/hostedtoolcache/", "/src/runtime/", "/src/testing/")
_JVM_FRAMEWORKS = (
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "jakarta.", "kotlin.", "kotlinx.", "scala.", "groovy.",
    "org.codehaus.groovy.", "org.junit.", "junit.", "org.testng.", "org.opentest4j.", "org.assertj.",
    "org.hamcrest.", "org.mockito.", "org.spockframework.", "io.kotest.", "org.apache.maven.", "org.gradle.",
    "worker.org.gradle.",
)  # fmt: skip
# GitHub-hosted runners check a repository out at `…/work/REPO/REPO` (Linux, macOS; `_work` when
# self-hosted) and `D:\a\REPO\REPO` (Windows): the same name twice.
_CHECKOUT = re.compile(
    r"(?:/home/runner|/Users/runner)/_?work/([^/\n]{1,100})/\1/|[A-Za-z]:\\a\\([^\\\n]{1,100})\\\2\\"
)
_CHECKOUT_STARTS = ("/home/runner/", "/Users/runner/")
_GO_MODULE = re.compile(r"^module\s+\"?([^\s\"]{1,500})\"?\s*$", re.MULTILINE)
_DOTNET_FRAMEWORKS = ("NUnit.Framework.", "Xunit.", "Microsoft.VisualStudio.TestTools.", "System.")


class TraceLocation(NamedTuple):
    """A file and line from a trace. `rooted` is False for a JVM frame's package path (`com/acme/Cart.java`),
    which is relative to a source root the trace does not name."""

    path: str
    line: int
    rooted: bool = True


# What a matcher answers for a frame of the runtime or a test framework: a frame, but not worth a link.
_FOREIGN = TraceLocation("", 0)
_new_tuple = tuple.__new__
_AT_TRIES = 8
# A Python frame's path → the path `_located` makes of it, and whether it is a framework's or the runtime's
_python_paths: dict[str, tuple[str, bool]] = {}
_PATHS_KEPT = 4096


def trace_location(trace: str) -> TraceLocation | None:
    """The location of the innermost frame of the code under test in `trace`, or None when it names none."""
    if not trace:
        return None
    if "\n" not in trace:  # half of the traces (pytest's skip reasons, one-line messages): no list of lines
        line = trace[:LINE_CAP]
        found = _python(line) if ".py" in line else None
        if found is None and ":" in line:
            found = _other(line)
        return (None if found is _FOREIGN else found) if found else _first_line([line])
    python_only = _python_frames_only(trace)
    # pytest prints the innermost frame on the trace's last line: looked at first, when it is within the limit
    if python_only and (len(trace) < LINE_LIMIT or trace.count("\n") < LINE_LIMIT):
        last = trace.rpartition("\n")[2][:LINE_CAP]
        if ".py" in last and (found := _python(last)) is not None and found is not _FOREIGN:
            return found
    lines = trace.split("\n", LINE_LIMIT)
    if len(lines) > LINE_LIMIT:
        del lines[LINE_LIMIT]
    # the first-line guess picks its line uncut (a line blank up to the cap may not be blank)
    cut = [raw[:LINE_CAP] for raw in lines] if len(trace) > LINE_CAP else lines
    if python_only:
        return _python_only(cut, lines)
    last_python: TraceLocation | None = None
    framed = False  # a frame was recognised, if only of a framework: the first-line guess is off then
    for line in cut:
        # Every Python pattern holds `.py`, every other one a `:` before the line number: a line without
        # them (most of a trace: code, assertion text) is no frame, whatever the patterns would say.
        found = _python(line) if ".py" in line else None
        if found is None and last_python is None and ":" in line:
            found = _other(line)
        if found is None:
            continue
        framed = True
        if found is _FOREIGN:
            continue
        if not found.path.endswith(".py"):
            return found
        last_python = found  # pytest lists the innermost frame last
    return last_python or (None if framed else _first_line(lines))


def _python_frames_only(trace: str) -> bool:
    """Whether no line of `trace` can be a frame of another ecosystem: every JavaScript, JVM or .NET
    pattern starts with up to 40 spaces and an `at ` (or vitest's arrow), every Go pattern holds a `.go:`.
    A few `at ` are looked at (pytest's `<Cart object at 0x…>`), more send the trace the plain way."""
    if ".go:" in trace or "\u276f " in trace or "\u2192 " in trace:
        return False
    at = trace.find("at ")
    for _ in range(_AT_TRIES):
        if at < 0:
            return True
        # `object at 0x…`: a frame's `at ` starts its line, or follows whitespace there, so the character
        # before it is a `\n` or the two before it are whitespace (`\n` is), unless the trace starts there
        before = trace[at - 1] if at else "\n"
        if before == "\n" or (before.isspace() and (at == 1 or trace[at - 2].isspace())):
            # the line's start, if it is at most 40 characters before: no `\n` in trace[start:at]
            start = trace.rfind("\n", at - 41 if at > 41 else 0, at) + 1
            if (start or at <= 41) and (start == at or trace[start:at].isspace()):
                return False
        at = trace.find("at ", at + 3)
    return at < 0


def _python_only(cut: list[str], lines: list[str]) -> TraceLocation | None:
    """`trace_location` of a trace where no line can be a frame of another ecosystem: the last Python frame
    of the code under test is the answer, so the lines are read from the end and the first such frame found
    ends the search (in a pytest report, the trace's last line)."""
    framed = False
    for line in reversed(cut):
        if ".py" in line and (found := _python(line)) is not None:
            if found is not _FOREIGN:
                return found
            framed = True
    return None if framed else _first_line(lines)


def _python(line: str) -> TraceLocation | None:
    # Each pattern is tried only on a line holding its fixed text (`.py:`, `File "`, `file `): a match
    # costs several times a substring test.
    found = (
        (_PYTHON.match(line) if ".py:" in line else None)
        or (_PYTHON_NATIVE.match(line) if 'File "' in line else None)
        or (_PYTEST_SETUP.match(line) if "file " in line else None)
    )
    if found is None:
        return None
    path, number = found.groups()
    # Frames repeat their file (a module's tests, a helper's lines): its cleaning is kept, by path
    kept = _python_paths.get(path)
    if kept is None:
        foreign = _foreign(path) or "/lib/python" in path
        clean = "" if foreign else checkout_relative(path.strip()).removeprefix("./")
        if len(_python_paths) >= _PATHS_KEPT:
            _python_paths.clear()
        _python_paths[path] = kept = (clean, foreign)
    clean, foreign = kept
    if foreign:
        return _FOREIGN
    at_line = int(number)
    return _new_tuple(TraceLocation, (clean, at_line, True)) if clean and at_line > 0 else None


def _other(line: str) -> TraceLocation | None:
    """A frame of JavaScript, Go, the JVM or .NET, tried in that order. Every pattern but Go's needs an
    `at ` (or vitest's arrow) after the indent, Go's a `.go:`, JavaScript's two `:` (line and column): a
    line without them is none of these."""
    go = ".go:" in line
    if "at " in line:
        script = _javascript(line) if line.count(":") > 1 else None
        return script or (_go(line) if go else None) or _jvm(line) or _dotnet(line)
    if "\u276f " in line or "\u2192 " in line:
        return (_javascript(line) if line.count(":") > 1 else None) or (_go(line) if go else None)
    return _go(line) if go else None


def _go(line: str) -> TraceLocation | None:
    found = _GO.match(line)
    if found is None:
        return None
    if any(root in found.group(1) for root in _GO_ROOTS):
        return _FOREIGN
    located = _located(found.group(1), found.group(2))
    # `cart_test.go` alone lies in its package's folder, which the trace does not name (`go_placed`)
    bare = "/" not in found.group(1) and "\\" not in found.group(1)
    return located._replace(rooted=False) if located and bare else located


def _javascript(line: str) -> TraceLocation | None:
    found = _JS_CALL.match(line) or _JS_BARE.match(line)
    if found is None:
        return None
    path = found.group(1).removeprefix("file://")
    if not _JS_FILE.fullmatch(path):
        return None
    return _FOREIGN if _foreign(path) else _located(path, found.group(2))


def _jvm(line: str) -> TraceLocation | None:
    found = _JVM.match(line)
    if found is None:
        return None
    classname, file, number = found.groups()
    if classname.startswith(_JVM_FRAMEWORKS):
        return _FOREIGN
    package = classname.split("$", 1)[0].rpartition(".")[0]
    path = f"{package.replace('.', '/')}/{file}" if package else file
    located = _located(path, number)
    return located._replace(rooted=False) if located else None


def _dotnet(line: str) -> TraceLocation | None:
    """`at Ns.Class.Method(String a) in C:\\src\\File.cs:line 25`: the path follows the signature's
    `) in `."""
    ending = _DOTNET_LINE.search(line)
    if ending is None or not _DOTNET_FRAME.match(line):
        return None
    head = line[: ending.start()]
    if head.lstrip()[3:].startswith(_DOTNET_FRAMEWORKS):  # an assertion's own frame, built with symbols
        return _FOREIGN
    start = head.find(") in ")
    start = start + 5 if start >= 0 else (head.find(" in ") + 4 if " in " in head else -1)
    if start < 0 or not head[start:].strip():
        return None
    return _located(head[start:].strip(), ending.group(1))


def _first_line(lines: list[str]) -> TraceLocation | None:
    first = next((line for line in lines if line.strip()), "")
    found = _ANY_PATH_LINE.search(first[:LINE_CAP])
    return _located(found.group(1), found.group(2)) if found else None


def _foreign(path: str) -> bool:
    first, second, third = _FOREIGN_PARTS  # unrolled: a generator costs more than the three tests
    return path.startswith(_FOREIGN_STARTS) or first in path or second in path or third in path


def _located(path: str, number: str) -> TraceLocation | None:
    line = int(number)
    clean = checkout_relative(path.strip()).removeprefix("./")
    # tuple.__new__ is what the NamedTuple's own __new__ calls, without a Python frame of its own
    return _new_tuple(TraceLocation, (clean, line, True)) if clean and line > 0 else None


def checkout_relative(path: str) -> str:
    """`path` relative to the GitHub runner's checkout it lies in, with forward slashes; else unchanged."""
    # The pattern's alternatives start so (or as `D:\a\`): a path that does not is in no checkout.
    if path[1:5] != ":\\a\\" and not path.startswith(_CHECKOUT_STARTS):
        return path
    found = _CHECKOUT.match(path)
    return path[found.end() :].replace("\\", "/") if found else path


def go_location(trace: str, package: str) -> TraceLocation | None:
    """A Go test's location: its trace's first frame of the code under test, a bare file name joined to a
    package that is a folder (`_/home/runner/work/shop/shop/cart`, a test outside GOPATH and modules)."""
    found = trace_location(trace)
    if found is None or found.rooted or not package.startswith("_/"):
        return found
    joined = _located(f"{package[1:]}/{found.path}", str(found.line))
    return joined or found


def go_module(go_mod: str) -> str | None:
    """The module path a `go.mod` declares."""
    found = _GO_MODULE.search(go_mod)
    return found.group(1) if found else None


def go_placed(case: Case, module: str | None) -> Case:
    """A Go case whose file is a bare name (`path_known` False) placed in its package's folder of the
    module: package `example.com/shop/cart` of module `example.com/shop` → `cart/cart_test.go`."""
    file, package = case.file, case.classname
    if module is None or case.path_known or not file or "/" in file or not file.endswith(".go"):
        return case
    if package == module:
        return case.model_copy(update={"path_known": True})
    if package.startswith(module + "/"):
        folder = package[len(module) + 1 :]
        return case.model_copy(update={"file": f"{folder}/{file}", "path_known": True})
    return case


def locate_case(case: Case) -> Case:
    """`case` with the location of its trace when its report named no file; a file the report named in a
    runner's checkout made relative to it."""
    if case.file is not None:
        relative = checkout_relative(case.file)
        return case if relative == case.file else case.model_copy(update={"file": relative})
    if not case.trace:
        return case
    found = trace_location(case.trace)
    if found is None:
        return case
    update = {"file": found.path, "line": case.line or found.line, "path_known": found.rooted}
    return case.model_copy(update=update)


def place_package_paths(
    cases: Sequence[Case], roots: Sequence[str], covered: Collection[str]
) -> tuple[Case, ...]:
    """Cases whose file is a JVM package path (`path_known` False) given their path in the repository where
    the reports tell it: a covered file that is that path under a source root (Cobertura's `<sources>`), or
    ends with it. A guess would be a link to nothing, so anything else stays unlinked."""
    placed = []
    for case in cases:
        path = _repository_path(case.file, roots, covered) if case.file and not case.path_known else None
        update = {"file": checkout_relative(path), "path_known": True} if path else None
        placed.append(case.model_copy(update=update) if update else case)
    return tuple(placed)


def _repository_path(package_path: str, roots: Sequence[str], covered: Collection[str]) -> str | None:
    for root in roots:
        rooted = f"{root.replace(chr(92), '/').rstrip('/')}/{package_path}"
        if rooted in covered:
            return rooted
    suffix = "/" + package_path
    ending = sorted(path for path in covered if path.endswith(suffix))
    if len(ending) == 1:
        return ending[0]
    if package_path in covered and len(roots) == 1:  # Cobertura's paths are relative to its one source root
        return f"{roots[0].replace(chr(92), '/').rstrip('/')}/{package_path}"
    return None
