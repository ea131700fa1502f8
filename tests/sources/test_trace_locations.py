"""sources/_trace_locations.py: the file and line a person clicks, from a failure's trace, per ecosystem."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issueplan.model import Case, CaseOutcome
from issueplan.sources._trace_locations import (
    LINE_CAP,
    LINE_LIMIT,
    TraceLocation,
    checkout_relative,
    go_location,
    go_module,
    go_placed,
    place_package_paths,
    trace_location,
)

PYTEST = """\
def test_total():
        cart = Cart()
>       assert cart.total() == 3
E       AssertionError: assert 2 == 3

tests/test_cart.py:42: AssertionError"""
PYTEST_LONG = """\
tests/test_cart.py:12: in test_total
    assert cart.total() == 3
app/cart.py:30: in total
    raise ValueError("empty")
E   ValueError: empty
app/cart.py:31: ValueError"""
PYTEST_NATIVE = """\
Traceback (most recent call last):
  File "/usr/lib/python3.12/unittest/case.py", line 58, in testPartExecutor
  File "tests/test_cart.py", line 42, in test_total
    self.assertEqual(cart.total(), 3)
AssertionError: 2 != 3"""
JEST = """\
Error: expect(received).toBe(expected) // Object.is equality

Expected: 201
Received: 500
    at Object.<anonymous> (/home/runner/work/shop/shop/node_modules/expect/build/index.js:10:3)
    at Object.<anonymous> (src/orders.test.ts:20:27)
    at Promise.then.completed (node_modules/jest-circus/build/utils.js:298:28)"""
VITEST = """\
AssertionError: expected 2 to be 3
 \u276f src/cart.test.ts:14:22
 \u276f node_modules/@vitest/runner/dist/index.js:135:14"""
NODE_BARE = """\
Error: boom
    at file:///home/runner/work/shop/shop/src/orders.mjs:7:11
    at node:internal/process/task_queues:95:5"""
GO = """\
=== RUN   TestTotal
    cart_test.go:31: got 2, want 3
--- FAIL: TestTotal (0.00s)"""
GO_PANIC = """\
panic: runtime error: index out of range [3] with length 3 [recovered]
goroutine 7 [running]:
testing.tRunner.func1.2({0x5b8f40, 0xc000018030})
\t/usr/local/go/src/testing/testing.go:1545 +0x238
example.com/shop.Total(...)
\t/home/runner/work/shop/shop/cart.go:18 +0x1d"""
SUREFIRE = """\
java.lang.IllegalStateException: empty cart
\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)
\tat com.acme.Cart.total(Cart.java:42)
\tat com.acme.CartTest.totalOfEmptyCart(CartTest.java:17)
\tat org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:725)"""
GRADLE_KOTLIN = """\
org.opentest4j.AssertionFailedError: expected: <3> but was: <2>
\tat app//org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:151)
\tat app//com.acme.CartTest$Nested.total(CartTest.kt:19)"""
DOTNET = """\
Assert.Equal() Failure
Expected: 3
Actual:   2
   at Shop.Tests.CartTests.Total() in /src/Shop.Tests/CartTests.cs:line 27
   at System.RuntimeMethodHandle.InvokeMethod(Object target, Void** arguments)"""
DOTNET_WINDOWS = (
    r"""   at Shop.Tests.CartTests.Total(String name) in C:\src\Shop in 2024\CartTests.cs:line 12"""
)

# Every frame of the top exception is the JDK's or a framework's: the cause names the code under test.
SUREFIRE_CAUSED_BY = """\
org.opentest4j.AssertionFailedError: Unexpected exception thrown
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:152)
\tat org.junit.jupiter.api.Assertions.assertDoesNotThrow(Assertions.java:3083)
\tat java.base/java.util.ArrayList.forEach(ArrayList.java:1596)
Caused by: java.lang.IllegalStateException: empty cart
\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)
\tat com.acme.Cart.total(Cart.java:42)
\t... 12 more"""
# Kotlin test names in backticks keep their spaces in the frame.
KOTLIN_SPACES = """\
java.lang.AssertionError:

\tat com.acme.CartTest.test scale(CartTest.kt:15)"""
DOTNET_WINDOWS_RUNNER = (
    r"""   at Shop.Tests.CartTests.Total() in D:\a\shop\shop\src\Shop.Tests\CartTests.cs:line 12"""
)
DOTNET_MACOS_RUNNER = (
    "   at Shop.Tests.CartTests.Total() in /Users/runner/work/shop/shop/src/Shop.Tests/CartTests.cs:line 8"
)
DOTNET_MONO = "  at Shop.Tests.CartTests.Total () [0x00001] in /src/Shop.Tests/CartTests.cs:42"


@pytest.mark.parametrize(
    ("trace", "expected"),
    [
        pytest.param(PYTEST, TraceLocation("tests/test_cart.py", 42), id="pytest"),
        pytest.param(PYTEST_LONG, TraceLocation("app/cart.py", 31), id="pytest-innermost-last"),
        pytest.param(PYTEST_NATIVE, TraceLocation("tests/test_cart.py", 42), id="pytest-native-traceback"),
        pytest.param(
            "file /home/runner/work/shop/shop/tests/test_inventory.py, line 8\n"
            "  def test_reserve(warehouse):\nE       fixture 'warehouse' not found",
            TraceLocation("tests/test_inventory.py", 8),
            id="pytest-setup-error",
        ),
        pytest.param(JEST, TraceLocation("src/orders.test.ts", 20), id="jest-skips-node_modules"),
        pytest.param(VITEST, TraceLocation("src/cart.test.ts", 14), id="vitest"),
        # a runner's checkout is the repository: its paths become relative, hence linkable
        pytest.param(NODE_BARE, TraceLocation("src/orders.mjs", 7), id="node-file-url"),
        # Go's log lines name the file alone, in a package folder the trace does not say
        pytest.param(GO, TraceLocation("cart_test.go", 31, rooted=False), id="go-test-log"),
        pytest.param(GO_PANIC, TraceLocation("cart.go", 18), id="go-panic-skips-goroot"),
        pytest.param(
            SUREFIRE, TraceLocation("com/acme/Cart.java", 42, rooted=False), id="surefire-skips-jdk"
        ),
        pytest.param(
            GRADLE_KOTLIN, TraceLocation("com/acme/CartTest.kt", 19, rooted=False), id="gradle-kotlin-nested"
        ),
        pytest.param(DOTNET, TraceLocation("/src/Shop.Tests/CartTests.cs", 27), id="dotnet"),
        pytest.param(
            DOTNET_WINDOWS,
            TraceLocation(r"C:\src\Shop in 2024\CartTests.cs", 12),
            id="dotnet-path-with-in",
        ),
        pytest.param(
            SUREFIRE_CAUSED_BY, TraceLocation("com/acme/Cart.java", 42, rooted=False), id="caused-by"
        ),
        pytest.param(
            KOTLIN_SPACES, TraceLocation("com/acme/CartTest.kt", 15, rooted=False), id="kotlin-spaces"
        ),
        pytest.param(
            DOTNET_WINDOWS_RUNNER,
            TraceLocation("src/Shop.Tests/CartTests.cs", 12),
            id="dotnet-windows-runner",
        ),
        pytest.param(
            DOTNET_MACOS_RUNNER, TraceLocation("src/Shop.Tests/CartTests.cs", 8), id="dotnet-macos-runner"
        ),
        pytest.param(DOTNET_MONO, TraceLocation("/src/Shop.Tests/CartTests.cs", 42), id="dotnet-mono"),
        pytest.param("tests/x_spec.rb:9:in `block'", TraceLocation("tests/x_spec.rb", 9), id="first-line"),
        pytest.param(
            "Error: x\n    at internal/process/task_queues.js:95:5\n    at run (src/internal/queue.js:3:1)",
            TraceLocation("src/internal/queue.js", 3),
            id="node-internal-vs-a-folder-named-internal",
        ),
        pytest.param(
            "panic: x\n\t/opt/hostedtoolcache/go/1.22.0/x64/src/testing/testing.go:1545 +0x238\n"
            "\t/home/runner/work/shop/shop/internal/runtime/cart.go:9 +0x1d",
            TraceLocation("internal/runtime/cart.go", 9),
            id="go-tool-cache-skipped",
        ),
    ],
)
def test_each_ecosystems_trace_gives_the_frame_of_the_code_under_test(
    trace: str, expected: TraceLocation
) -> None:
    assert trace_location(trace) == expected


@pytest.mark.parametrize(
    "trace",
    [
        "",
        "AssertionError: expected 2 to equal 3",
        "    at Object.<anonymous> (node_modules/jest-circus/build/utils.js:298:28)",
        "\tat org.junit.Assert.fail(Assert.java:89)",
        '  File "/usr/lib/python3.12/site-packages/_pytest/python.py", line 195, in pytest_pyfunc_call',
        "tests/test_cart.py:0: AssertionError",
        "   at NUnit.Framework.Assert.That(Object actual) in D:\\a\\nunit\\Assert.cs:line 8",
    ],
)
def test_a_trace_naming_no_frame_of_the_code_under_test_gives_no_location(trace: str) -> None:
    assert trace_location(trace) is None


def test_a_frame_beyond_the_line_cap_or_the_line_limit_is_not_read() -> None:
    """I10: the work per trace is bounded: a line is read up to LINE_CAP characters, a trace up to
    LINE_LIMIT lines, so a megabyte of text is never scanned whole."""
    frame = "tests/test_cart.py:42: AssertionError"
    assert trace_location(" " * 30 + frame) == TraceLocation("tests/test_cart.py", 42)
    assert trace_location("x" * LINE_CAP + frame) is None
    assert trace_location("\n" * (LINE_LIMIT - 1) + frame) == TraceLocation("tests/test_cart.py", 42)
    assert trace_location("\n" * LINE_LIMIT + frame) is None


_FRAGMENTS = st.sampled_from(
    ["at ", "(", ")", ":", "1", ".py", ".js", ".java", ".go", " in ", ":line ", "$", ".", "/", " ", "\t",
     "a", "\u276f ", "File \"", "\", line ", "+0x1", "\n", "node_modules/", "com.acme."]
)  # fmt: skip


@given(st.lists(_FRAGMENTS, max_size=400).map("".join), st.integers(min_value=1, max_value=2000))
def test_i10_adversarial_traces_give_a_location_from_the_trace_or_none(text: str, repeat: int) -> None:
    """I10: any mix of the patterns' delimiters, repeated into long lines, ends with a location whose path
    is text of the trace and whose line is positive, or with none: no pattern can backtrack over it."""
    trace = text * (repeat // max(len(text), 1) + 1)
    found = trace_location(trace)
    if found is not None:
        assert found.line > 0
        assert found.path.split("/")[-1] in trace


def test_a_package_path_lies_where_the_coverage_report_puts_it() -> None:
    def case(path: str) -> Case:
        return Case(name="t", file=path, line=3, outcome=CaseOutcome.FAILED, path_known=False)

    covered = {"com/acme/Cart.java", "lib/src/main/kotlin/com/acme/Order.kt"}
    placed = place_package_paths(
        [case("com/acme/Cart.java"), case("com/acme/Order.kt"), case("com/acme/CartTest.java")],
        ["/home/runner/work/shop/shop/src/main/java"],
        covered,
    )
    assert [(c.file, c.path_known) for c in placed] == [
        ("src/main/java/com/acme/Cart.java", True),  # the source root lies in the runner's checkout
        ("lib/src/main/kotlin/com/acme/Order.kt", True),
        ("com/acme/CartTest.java", False),  # not in any report: a guess could be a link to nothing
    ]
    assert place_package_paths([case("com/acme/Cart.java")], [], covered)[0].path_known is False


MEGA = 1_000_000


@pytest.mark.parametrize(
    "trace",
    [
        "at " + "a." * (MEGA // 2),
        "    at x (" + ":1" * (MEGA // 2),
        "   at N.C.M() in " + " in " * (MEGA // 4),
        "a" * MEGA + ".py:1: E",
        ("tests/t.py:1: in t\n" * (MEGA // 20)),
        "\tat com.acme." + "$" * MEGA + "(A.java:1)",
    ],
    ids=lambda text: repr(text[:14]),
)
def test_i10_a_megabyte_of_frame_fragments_is_read_in_one_bounded_pass(trace: str) -> None:
    """I10: lines are cut at LINE_CAP and traces at LINE_LIMIT lines before any pattern runs."""
    found = trace_location(trace)
    assert found is None or (found.line == 1 and found.path in trace)


def test_a_go_file_name_lies_in_its_packages_folder_of_the_module() -> None:
    def case(package: str, file: str = "cart_test.go") -> Case:
        return Case(
            classname=package, name="T", file=file, line=3, outcome=CaseOutcome.FAILED, path_known=False
        )

    module = go_module('// the shop\nmodule "example.com/shop"\n\ngo 1.22\n')
    assert module == "example.com/shop"
    placed = [
        go_placed(case(package), module)
        for package in ("example.com/shop/cart/tax", "example.com/shop", "example.com/shopping/x")
    ]
    assert [(c.file, c.path_known) for c in placed] == [
        ("cart/tax/cart_test.go", True),
        ("cart_test.go", True),
        ("cart_test.go", False),  # another module's package: where it lies is not known
    ]
    assert go_placed(case("example.com/shop/cart"), None).path_known is False


def test_a_go_package_that_is_a_folder_gives_the_files_path() -> None:
    found = go_location("    cart_test.go:31: got 2", "_/home/runner/work/shop/shop/cart")
    assert found == TraceLocation("cart/cart_test.go", 31)
    assert go_location("    cart_test.go:31: got 2", "_/home/dev/shop") == TraceLocation(
        "/home/dev/shop/cart_test.go", 31
    )


@pytest.mark.parametrize(
    ("path", "relative"),
    [
        ("/home/runner/work/shop/shop/src/a.py", "src/a.py"),
        ("/home/runner/_work/shop/shop/src/a.py", "src/a.py"),
        ("/Users/runner/work/shop/shop/src/a.py", "src/a.py"),
        ("D:\\a\\shop\\shop\\src\\A.cs", "src/A.cs"),
        ("/home/runner/work/shop/other/src/a.py", "/home/runner/work/shop/other/src/a.py"),
        ("C:\\src\\A.cs", "C:\\src\\A.cs"),
    ],
)
def test_a_path_in_a_runners_checkout_becomes_relative_and_any_other_is_kept(
    path: str, relative: str
) -> None:
    assert checkout_relative(path) == relative
