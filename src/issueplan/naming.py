"""What the labels and milestones issueplan owns are called: the config's templates, used by the sync.

Ownership is by name: a label or milestone is issueplan's when its name is one these templates produce, so
only those are ever set, recoloured or removed; every other label belongs to a human (S14). Templates are
plain `str.format` strings over a fixed set of names, checked when the config loads.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

import functools
import re
import string
from datetime import date, timedelta
from typing import Self

from pydantic import model_validator

from issueplan.errors import did_you_mean
from issueplan.limits import LABEL_NAME_MAX, MILESTONE_SCOPE_ROOM, MILESTONE_TITLE_MAX
from issueplan.model import ActionItem, Frozen, ItemType, Priority
from issueplan.modes import MilestoneMode

# Any Monday stands for the week: every `{week}` is an ISO date of the same length.
_SAMPLE_WEEK = "2025-08-18"


def placeholders(template: str) -> list[str]:
    """The `{names}` in a str.format template; ValueError for a malformed one (a lone `{` or `}`)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def check_template(template: str, allowed: tuple[str, ...], where: str) -> None:
    for name in placeholders(template):
        if name not in allowed:
            known = ", ".join(f"{{{option}}}" for option in allowed) or "none here (write {{ for a brace)"
            raise ValueError(
                f"{where}: unknown placeholder {{{name}}}{did_you_mean(name, allowed)}; known: {known}"
            )


def label_problem(name: str) -> str | None:
    """Why GitHub would refuse (or mis-read) `name` as a label, as the end of "<value> …"; None when fine."""
    if not name.strip():
        return "is empty; GitHub needs a label name"
    if len(name) > LABEL_NAME_MAX:
        return f"is {len(name)} characters; GitHub allows at most {LABEL_NAME_MAX} in a label name"
    if "," in name:
        return "has a comma, which GitHub's label filter reads as two labels; choose a name without one"
    return None


def milestone_problem(title: str) -> str | None:
    """Why `title` cannot be a milestone's title in every scope; None when fine."""
    room = MILESTONE_TITLE_MAX - MILESTONE_SCOPE_ROOM
    if not title.strip():
        return "is empty; GitHub needs a milestone title"
    if len(title) > room:
        return (
            f"is {len(title)} characters; at most {room} fit (GitHub's {MILESTONE_TITLE_MAX}, less room "
            "for a scope's suffix like ' (nightly)')"
        )
    return None


# A sync asks about every label of every issue against the same few templates: compile each once.
@functools.lru_cache(maxsize=256)
def template_pattern(template: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching every name `template` can produce (placeholders match anything)."""
    parts = string.Formatter().parse(template)
    pattern = "".join(re.escape(text) + ("(.+)" if name else "") for text, name, _, _ in parts)
    return re.compile(pattern, re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _any_of(*templates: str) -> re.Pattern[str]:
    """One pattern for several templates: a name matches it when it matches one of theirs."""
    return re.compile("|".join(f"(?:{template_pattern(t).pattern})" for t in templates), re.IGNORECASE)


# A sync asks this of every label of every issue, and the labels of a repository are few.
@functools.lru_cache(maxsize=4096)
def _owned_label(name: str, managed: str, overdue: str, *templates: str) -> bool:
    if name.casefold() in (managed.casefold(), overdue.casefold()):
        return True
    return _any_of(*templates).fullmatch(name) is not None


class LabelNames(Frozen):
    """The managed label and the templates of the priority, team, type and overdue labels."""

    managed: str = "issueplan"
    priority: str = "priority: {priority}"
    team: str = "team: {team}"
    type: str = "type: {type}"
    overdue: str = "overdue"
    # Set on flaky-test items (keys `flaky/...`); never removed by the sync, so a human's choice stands.
    flaky: str = "flaky"

    @model_validator(mode="after")
    def _templates(self) -> Self:
        for name in ("priority", "team", "type"):
            check_template(getattr(self, name), (name,), name)
        check_template(self.managed, (), "managed")
        check_template(self.overdue, (), "overdue")
        check_template(self.flaky, (), "flaky")
        made = [("managed", self.managed), ("overdue", self.overdue), ("flaky", self.flaky)]
        made += [("priority", self.priority.format(priority=p.value)) for p in Priority]
        made += [("type", self.type.format(type=t.value)) for t in ItemType]
        for key, name in made:
            problem = label_problem(name)
            if problem is not None:
                raise ValueError(f"{key}: the label {name!r} {problem}")
        return self

    def team_label(self, team: str) -> str:
        return self.team.format(team=team)

    def owns(self, name: str, *, managed: str) -> bool:
        """True for a label issueplan sets and may remove (`managed` is the run's managed label)."""
        return _owned_label(name, managed, self.overdue, self.priority, self.team, self.type)


class MilestoneNames(Frozen):
    """One milestone per priority (titles below), per week of the due date (`{week}`: its Monday), or none."""

    group_by: MilestoneMode = MilestoneMode.PRIORITY
    critical: str = "Critical action items"
    high: str = "High priority action items"
    medium: str = "Medium priority action items"
    low: str = "Low priority action items"
    week: str = "Action items due the week of {week}"

    @model_validator(mode="after")
    def _templates(self) -> Self:
        for priority in Priority:
            check_template(getattr(self, priority.value), (), priority.value)
        check_template(self.week, ("week",), "week")
        made = [(p.value, str(getattr(self, p.value))) for p in Priority]
        for key, title in [*made, ("week", self.week.format(week=_SAMPLE_WEEK))]:
            problem = milestone_problem(title)
            if problem is not None:
                raise ValueError(f"{key}: the milestone title {title!r} {problem}")
        return self

    def title(self, item: ActionItem, *, mode: MilestoneMode, scope: str) -> str | None:
        """The milestone `item` belongs in; a scope other than the default gets its own, suffixed."""
        if mode is MilestoneMode.NONE:
            return None
        if mode is MilestoneMode.PRIORITY:
            title = str(getattr(self, item.priority.value))
        else:
            due: date = item.due_date.date()
            title = self.week.format(week=(due - timedelta(days=due.weekday())).isoformat())
        return title if scope == "default" else f"{title} ({scope})"

    def owns(self, title: str, *, scope: str) -> bool:
        suffix = "" if scope == "default" else f" ({scope})"
        if not title.endswith(suffix):
            return False
        base = title.removesuffix(suffix) if suffix else title
        if base.casefold() in (
            self.critical.casefold(),
            self.high.casefold(),
            self.medium.casefold(),
            self.low.casefold(),
        ):
            return True
        week = template_pattern(self.week).fullmatch(base)
        # A week's Monday never holds a parenthesis: "… (nightly)" is another scope's milestone.
        return week is not None and all("(" not in group for group in week.groups())
