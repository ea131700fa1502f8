"""The bounds a run's inputs must respect: GitHub's limits on names, and issueplan's own bounds on numbers.

Stdlib only: the CLI declares its typer bounds with these at import time, before pydantic is loaded.
"""

from __future__ import annotations

import re

# GitHub's 422 `name is too long (maximum is 50 characters)` (FACTS §1: tests/data/github-api/FACTS.md).
LABEL_NAME_MAX = 50
# GitHub documents no limit on a milestone title; 255 is one below the issue title's documented 256, so a
# title that fits here fits wherever GitHub keeps titles.
MILESTONE_TITLE_MAX = 255
# A scope goes into the hidden marker, a milestone title ("… (nightly)") and the dashboard's title.
SCOPE_MAX = 40
SCOPE_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SCOPE_CHARACTERS = "letters, digits, '.', '_' and '-', starting with a letter or digit"
# Room a scope's milestone suffix ` (scope)` may take: a config's titles leave it free for any valid scope.
MILESTONE_SCOPE_ROOM = len(" ()") + SCOPE_MAX
# A GitHub owner (user or organisation, up to 39 characters) and a repository name (up to 100). A pattern's
# text, matched with `re.fullmatch` (compiled once, on first use: `plan` without `--repo` never needs it).
REPOSITORY_SHAPE = r"[A-Za-z0-9][A-Za-z0-9_-]{0,38}/(?!\.\.?$)[A-Za-z0-9._-]{1,100}"
# Far beyond GitHub's ~500 content-creating requests an hour; a larger budget is surely a typo.
MAX_WRITES_MAX = 100_000
# A minute between writes is far beyond any need (GitHub asks for >= 1 s); more is surely a typo (ms for s).
WRITE_INTERVAL_MAX = 60.0
# Seconds from one write's start to the next: 75 a minute, under GitHub's ~80 content-creating requests a
# minute (FACTS §5) with room for a retry or a human's edit in the same minute.
DEFAULT_WRITE_INTERVAL = 0.8
