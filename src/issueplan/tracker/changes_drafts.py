"""Bodies to write again once the creates of this run have numbers, and `LinkNewIssues`, which does it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, ClassVar, Literal, TypeAlias

from pydantic import Field

from issueplan.model import ActionItem, Frozen
from issueplan.tracker.changes_board import Holder
from issueplan.tracker.phase import Phase

SHOWN_IDS = 5  # a dashboard may wait on a thousand new issues; its one line names a few


class ItemBodyDraft(Frozen):
    """An item's body, to render again with the numbers of the issues created in this run."""

    kind: Literal["item"] = "item"
    item: ActionItem
    links: dict[str, int]  # item id -> issue number, as known before this run's creates
    previous: str  # the body as this run first writes it


class DashboardBodyDraft(Frozen):
    """The dashboard's body, to render again once the numbers of this run's new issues are known."""

    kind: Literal["dashboard"] = "dashboard"
    items: tuple[ActionItem, ...]
    links: dict[str, int]
    first_seen: datetime
    now: datetime
    previous: str
    holders: tuple[Holder, ...] = ()
    snoozed: dict[str, date | None] = Field(default_factory=dict)  # item id -> snoozed until (None: label)


BodyDraft: TypeAlias = Annotated[ItemBodyDraft | DashboardBodyDraft, Field(discriminator="kind")]


class LinkNewIssues(Frozen):
    """Write the `#N` links of an issue written in this run to issues created in this run.

    Their numbers exist only once GitHub answered the creates, so the diff emits this follow-up with the
    body's draft, and the applier renders it with those numbers (tracker/follow_up.py): no re-read, and a dry
    run lists it like any write. `waits_for` maps the keys of those creates to their item ids; when one of
    them did not happen the link is left for the next run. `number` is the issue's, unless it is created in
    this run too (then the applier knows it by `key`).
    """

    key: str
    id: str
    number: int | None = None
    waits_for: dict[str, str]
    draft: BodyDraft

    phase: ClassVar[Phase] = Phase.LINKS

    def describe(self) -> str:
        which = f"#{self.number} ({self.id})" if self.number is not None else f"{self.id} (new)"
        ids = sorted(self.waits_for.values())
        more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
        return f"update issue {which}: body, links to the new issues of {', '.join(ids[:SHOWN_IDS])}{more}"
