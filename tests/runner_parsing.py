"""How the Actions runner reads a step's output: workflow commands on stdout and the $GITHUB_OUTPUT file.

A model of actions/runner's ActionCommand parser, so the action's tests can prove what a log would make the
runner do (RELIABILITY I9) without a runner.
"""

from __future__ import annotations

import re

# The commands the runner knows (actions/runner ActionCommandManager); `::stop-commands::` is among them.
RUNNER_COMMANDS = {
    "add-mask", "add-matcher", "add-path", "debug", "echo", "endgroup", "error", "group", "notice",
    "remove-matcher", "save-state", "set-env", "set-output", "stop-commands", "warning",
}  # fmt: skip


def runner_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """What the runner would execute from `output`, parsed the way actions/runner's ActionCommand does."""
    found: list[tuple[str, dict[str, str], str]] = []
    for line in re.split(r"\r\n|\r|\n", output):
        message = line.lstrip()
        if message.startswith("::") and (end := message.find("::", 2)) >= 0:
            info = message[2:end]
            name, _, props = info.partition(" ")
            if name in RUNNER_COMMANDS:
                properties = dict(p.split("=", 1) for p in props.split(",") if "=" in p)
                found.append(
                    (name, {k: unescape(v, prop=True) for k, v in properties.items()}, message[end + 2 :])
                )
                continue
        if (start := line.find("##[")) >= 0 and (close := line.find("]", start)) >= 0:
            name = line[start + 3 : close].split(" ")[0]
            if name in RUNNER_COMMANDS:
                found.append((name, {}, line[close + 1 :]))
    return found


def unescape(text: str, *, prop: bool = False) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
    for escaped, plain in pairs:
        text = text.replace(escaped, plain)
    return text


def read_outputs(text: str) -> dict[str, str]:
    """Parse a $GITHUB_OUTPUT file the way the runner does (heredoc entries only)."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines) and lines[index]:
        name, _, delimiter = lines[index].partition("<<")
        end = lines.index(delimiter, index + 1)
        outputs[name] = "\n".join(lines[index + 1 : end])
        index = end + 1
    return outputs
