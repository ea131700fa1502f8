"""An item's assignees (pure): the people of its team in the config's map, and the users CODEOWNERS names for
the paths in its evidence; and how an existing issue's assignees change without undoing a human's choice.

Users only: CODEOWNERS' `@org/team` and e-mail owners are never assigned (teams stay labels) and never
written anywhere as mentions. At most ASSIGNEES_LIMIT per issue (GitHub's limit); the team's people are
chosen first, as the config names them outright. Logins compare without case, as GitHub's do.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from codeowners import CodeOwners
from pydantic import Field

from issueplan.model import ActionItem, Frozen
from issueplan.policy.assignees import is_login
from issueplan.render.links import SourceLinks
from issueplan.render.marker import ASSIGNEES_LIMIT


class Owners(Frozen):
    """Who owns what, as the config and the workspace say; empty: nobody is assigned.

    `roots` are the absolute folders that are the repository's root where the reports were written (the
    workspace): an evidence path under one of them is matched by its relative part.
    """

    teams: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    codeowners: str | None = None  # the CODEOWNERS file's text
    codeowners_path: str | None = None  # where it was found, relative to the workspace
    roots: tuple[str, ...] = ()

    @property
    def assigns(self) -> bool:
        return bool(self.teams) or self.codeowners is not None


def _key(login: str) -> str:
    return login.casefold()


def evidence_paths(item: ActionItem, roots: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The repository paths the item's evidence names (failing cases' files, findings' locations), relative
    to the repository root (`roots`: absolute folders that are it), sorted; a path that may lie outside the
    repository, or a JVM frame's package path, is left out."""
    links = SourceLinks(roots=roots)
    cases = (case for suite in item.evidence.suites for case in suite.cases)
    raw = [case.file for case in cases if case.file and case.path_known]
    raw += [finding.path for finding in item.evidence.findings if finding.path]
    return tuple(sorted({path for path in map(links.relative, raw) if path is not None}))


@cache
def _rules(text: str) -> CodeOwners:
    """The parsed file. GitHub skips a line it cannot read; so does this (the library refuses the whole file
    for one unterminated `[`)."""
    try:
        return CodeOwners(text)
    except ValueError:
        kept = []
        for line in text.splitlines():
            try:
                CodeOwners(line)
            except ValueError:
                kept.append("")  # keeps the line numbers
            else:
                kept.append(line)
        return CodeOwners("\n".join(kept))


@lru_cache(maxsize=16_384)  # a path is asked about by each item that names it, in each of the run's diffs
def codeowners_of(path: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(users, others) that CODEOWNERS' last matching rule names for `path`: the users' logins without `@`,
    and the owners that are no user (teams, e-mail addresses, malformed entries), as written."""
    users: list[str] = []
    others: list[str] = []
    for kind, owner in _rules(text).of(path):
        login = owner.removeprefix("@")
        if kind == "USERNAME" and is_login(login):
            users.append(login)
        else:
            others.append(owner)
    return tuple(users), tuple(others)


def _unique(logins: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for login in logins:
        seen.setdefault(_key(login), login)
    return list(seen.values())


def item_assignees(item: ActionItem, owners: Owners) -> tuple[str, ...]:
    """The logins the item's issue is assigned to: its team's people, then CODEOWNERS' users of its evidence
    paths (by path), each once, the first ASSIGNEES_LIMIT of them, sorted without case."""
    people = list(owners.teams.get(item.team, ()))
    if owners.codeowners is not None:
        for path in evidence_paths(item, owners.roots):
            people.extend(codeowners_of(path, owners.codeowners)[0])
    chosen = _unique(people)[:ASSIGNEES_LIMIT]
    return tuple(sorted(chosen, key=lambda login: (_key(login), login)))


def ignored_owners(items: Iterable[ActionItem], owners: Owners) -> tuple[str, ...]:
    """CODEOWNERS' owners of the items' evidence paths that are not assigned (teams, e-mail), sorted."""
    if owners.codeowners is None:
        return ()
    found = {
        other
        for item in items
        for path in evidence_paths(item, owners.roots)
        for other in codeowners_of(path, owners.codeowners)[1]
    }
    return tuple(sorted(found))


class AssigneeChange(Frozen):
    """What an issue's assignees become. `assignees` is the issue's full new set (None: unchanged); `ours`
    what the marker records as set by issueplan; `added`/`removed` name the change for the log."""

    assignees: tuple[str, ...] | None = None
    ours: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def new_issue_assignees(wanted: tuple[str, ...], refused: frozenset[str]) -> tuple[str, ...]:
    """A new issue's assignees: the wanted ones that can be assigned."""
    return tuple(login for login in wanted if _key(login) not in refused)


def assignee_change(
    wanted: tuple[str, ...],
    current: tuple[str, ...],
    ours: tuple[str, ...],
    refused: frozenset[str] = frozenset(),
) -> AssigneeChange:
    """Humans win: an assignee issueplan did not set is kept, and one it set that a human removed is not
    added again. Ours that are no longer wanted are removed; wanted ones not yet there are added, unless
    `refused` (casefolded logins that cannot be assigned) or the issue would pass GitHub's limit."""
    now = {_key(login) for login in current}
    mine = {_key(login) for login in ours}
    wanted_keys = {_key(login) for login in wanted}
    removed = tuple(login for login in current if _key(login) in mine and _key(login) not in wanted_keys)
    kept = [login for login in current if _key(login) not in {_key(gone) for gone in removed}]
    room = max(ASSIGNEES_LIMIT - len(kept), 0)
    candidates = [w for w in wanted if _key(w) not in now and _key(w) not in mine][:room]
    # The room is counted before the refused are left out: the diff that learnt who is refused must not add
    # anyone whose assignability the first one did not ask about.
    added = tuple(w for w in candidates if _key(w) not in refused)
    # Still ours: what we set that is still wanted (there, or taken off by a human: not to be re-added).
    still = [login for login in ours if _key(login) in wanted_keys]
    recorded = tuple(sorted(_unique([*still, *added]), key=lambda login: (_key(login), login)))
    if not added and not removed:
        return AssigneeChange(ours=recorded)
    full = tuple(sorted([*kept, *added], key=lambda login: (_key(login), login)))
    return AssigneeChange(assignees=full, ours=recorded, added=added, removed=removed)


def wanted_logins(added: Iterable[str]) -> tuple[str, ...]:
    """Each login once (by case), sorted: the users whose assignability a run checks."""
    return tuple(sorted(_unique(added), key=lambda login: (_key(login), login)))
