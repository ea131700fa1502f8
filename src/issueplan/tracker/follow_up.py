"""The links between issues created in one run: planned by the diff, rendered by the applier once GitHub has
answered the creates with their numbers.

An issue created in this run cannot name the number of another new issue it depends on, nor can the
dashboard name the new items': those numbers do not exist while diffing. Instead of re-reading and re-diffing
everything after the creates, the diff adds one LinkNewIssues per such body, carrying the body's draft; the
applier renders the draft with the numbers the create responses gave. The result is what the next run's diff
renders, so that run is a no-op (S1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from issueplan.model import ActionItem
from issueplan.render.issue import render_issue_body
from issueplan.render.links import SourceLinks
from issueplan.tracker.changes import CreateIssue
from issueplan.tracker.changes_drafts import BodyDraft, ItemBodyDraft, LinkNewIssues
from issueplan.tracker.dashboard import render_dashboard_body


def plan_links(
    items: Sequence[ActionItem],
    creates: Sequence[CreateIssue],
    links: Mapping[str, int],
    written: Mapping[str, tuple[int, str]],
) -> list[LinkNewIssues]:
    """A follow-up for each item whose body links to a new item (an in-plan dependency, or the item whose
    issue lists its findings): a new item's, and an existing issue's that now links to one new in this run.

    `links` maps item ids to the numbers known before this run's creates; `written` maps the ids of existing
    issues to their number and their body as this run leaves it."""
    new = {create.id: create for create in creates}
    follow_ups = []
    for item in items:
        create = new.get(item.id)
        if create is not None and create.key != item.key:
            continue
        existing = written.get(item.id) if create is None else None
        if create is None and existing is None:
            continue
        linked = _linked_ids(item)
        waits = {new[other].key: other for other in linked if other in new and other != item.id}
        if not waits:
            continue
        # The body links only to these items: the draft needs no other number.
        known = {other: links[other] for other in linked if other in links}
        if existing is None:
            draft = ItemBodyDraft(item=item, links=known, previous=create.body if create else "")
            follow_ups.append(LinkNewIssues(key=item.key, id=item.id, waits_for=waits, draft=draft))
        else:
            number, body = existing
            draft = ItemBodyDraft(item=item, links=known, previous=body)
            follow_ups.append(
                LinkNewIssues(key=item.key, id=item.id, number=number, waits_for=waits, draft=draft)
            )
    return follow_ups


def _linked_ids(item: ActionItem) -> list[str]:
    """The items an item's body names by issue number: its dependencies and the items whose issues list its
    findings in full (render/issue.py)."""
    return list(dict.fromkeys([*(dep.id for dep in item.dependencies), *item.evidence.findings_in]))


def render_draft(
    draft: BodyDraft, numbers: Mapping[str, int], *, scope: str, source_links: SourceLinks | None = None
) -> str:
    """The body with every link filled in: `numbers` maps the ids of this run's new issues to theirs."""
    links = {**draft.links, **numbers}
    if isinstance(draft, ItemBodyDraft):
        return render_issue_body(
            draft.item, scope=scope, links=links, previous=draft.previous, source_links=source_links
        )
    return render_dashboard_body(
        draft.items,
        links,
        scope=scope,
        first_seen=draft.first_seen,
        now=draft.now,
        previous=draft.previous,
        holders=draft.holders,
        snoozed=draft.snoozed,
    )
