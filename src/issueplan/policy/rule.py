"""A policy rule: a trigger and the template of the item it makes.

Titles, descriptions, steps and acceptance criteria are plain `str.format` templates over a fixed set of
names ({suite}, {suite_title}, {kind}, per-suite rules only): no attribute access, no expressions.
"""

# Real annotations, not strings: pydantic builds the models faster (see model/report.py's docstring).

import re
from collections.abc import Iterable
from typing import Self

from pydantic import Field, field_validator, model_validator

from issueplan.model import Frozen, ItemType, Priority, SuiteKind
from issueplan.naming import check_template
from issueplan.policy.trigger_spec import PER_SUBJECT, PER_SUITE, TriggerSpec
from issueplan.policy.verdict import Reason

SUITE_PLACEHOLDERS = ("suite", "suite_title", "kind")
SUBJECT_PLACEHOLDERS = (*SUITE_PLACEHOLDERS, "test")
RULE_ID_SHAPE = r"^[a-z0-9][a-z0-9-]*$"
ITEM_ID_SHAPE = r"^[A-Z][A-Z0-9]*-[0-9]+$"
PREFIX_SHAPE = r"^[A-Z][A-Z0-9]*$"


class KindOverride(Frozen):
    """Per-kind variation of a per-suite rule's item, e.g. a failing security suite is a security item."""

    title: str | None = None
    description: str | None = None
    type: ItemType | None = None
    priority: Priority | None = None
    team: str | None = None
    effort: str | None = None
    due_offset_days: int | None = Field(default=None, ge=0)
    steps: tuple[str, ...] | None = None
    acceptance_criteria: tuple[str, ...] | None = None


class Rule(Frozen):
    """A trigger and the item it makes. `item_id` makes one fixed item (key `rule/<ID>`); `id_prefix` makes
    numbered items: one per suite for per-suite triggers (key `<rule id>/<suite>`), or one with `key`, or,
    for per-subject triggers (`flaky_tests`), one per subject keyed `<key>/<subject>` (`flaky/unit/a.b.test`).

    `priority_by_reason` lets the evidence set a one-item rule's priority: each reason the trigger fired for
    (`issueplan.policy.verdict.Reason`) maps to a priority, unmapped ones to `priority`, and the most urgent
    wins. `due_offset_days` is the due offset at `priority`; another priority takes its SLA."""

    id: str = Field(json_schema_extra={"pattern": RULE_ID_SHAPE})
    trigger: TriggerSpec
    item_id: str | None = Field(default=None, json_schema_extra={"pattern": ITEM_ID_SHAPE})
    id_prefix: str | None = Field(default=None, json_schema_extra={"pattern": PREFIX_SHAPE})
    key: str | None = Field(
        default=None,
        description="The key of a single numbered item, e.g. findings/security; of a per-subject rule "
        "(flaky_tests), the prefix of its items' keys, e.g. flaky.",
    )
    title: str = Field(min_length=1)
    description: str = ""
    type: ItemType
    priority: Priority
    priority_by_reason: dict[Reason, Priority] = Field(
        default_factory=dict,
        description="The item's priority by why the trigger fired (e.g. finding_medium: high); the most "
        "urgent of the fired reasons wins, an unmapped reason counts as `priority`. One-item rules only.",
    )
    team: str = Field(min_length=1)
    effort: str = ""
    due_offset_days: int | None = Field(
        default=None, ge=0, description="Unset: the SLA of priority and type."
    )
    steps: tuple[str, ...] = ()
    acceptance_criteria: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    by_kind: dict[SuiteKind, KindOverride] = Field(default_factory=dict)
    enabled: bool = True

    # Shapes are checked here rather than with Field(pattern=...) so the message says what a valid value is.
    @field_validator("id")
    @classmethod
    def _rule_id(cls, value: str) -> str:
        if not re.fullmatch(RULE_ID_SHAPE, value):
            raise ValueError(
                f"{value!r} is not a rule id like suite-failed (lower-case letters, digits, dashes)"
            )
        return value

    @field_validator("item_id")
    @classmethod
    def _item_id(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(ITEM_ID_SHAPE, value):
            raise ValueError(f"{value!r} is not an item id like SEC-001 (capitals, a dash, a number)")
        return value

    @field_validator("id_prefix")
    @classmethod
    def _id_prefix(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(PREFIX_SHAPE, value):
            raise ValueError(f"{value!r} is not an id prefix like BUG (capital letters and digits)")
        return value

    @property
    def per_suite(self) -> bool:
        return self.id_prefix is not None and self.key is None

    @property
    def per_subject(self) -> bool:
        """One item per subject of the trigger (a flaky test), each keyed under this rule's `key`."""
        return self.trigger.type in PER_SUBJECT

    def for_kind(self, kind: SuiteKind) -> "Rule":
        """This rule with the `by_kind` variation for `kind` applied."""
        override = self.by_kind.get(kind)
        if override is None:
            return self
        return self.model_copy(update=override.model_dump(exclude_none=True))

    def priority_for(self, reasons: Iterable[Reason]) -> Priority:
        """The item's priority given why the trigger fired: the most urgent mapped one, else `priority`."""
        chosen = [self.priority_by_reason.get(reason, self.priority) for reason in reasons]
        return min(chosen, key=lambda priority: priority.rank, default=self.priority)

    @property
    def item_key(self) -> str | None:
        """The key of this rule's single item; None for per-suite rules, whose keys name the suite."""
        if self.per_subject:
            return None
        return f"rule/{self.item_id}" if self.item_id else self.key

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if (self.item_id is None) == (self.id_prefix is None):
            raise ValueError(
                "set exactly one of item_id (one fixed item, like SEC-001) or id_prefix (like BUG)"
            )
        if self.key is not None and self.item_id is not None:
            raise ValueError("key is only for id_prefix rules; an item_id rule's key is rule/<item_id>")
        if self.per_subject and (self.id_prefix is None or self.key is None):
            raise ValueError(
                f"trigger {self.trigger.type.value} makes one item per subject: set id_prefix (like FLAKY) "
                "and key, the prefix of the items' keys (like flaky)"
            )
        if self.per_suite and self.trigger.type not in PER_SUITE:
            raise ValueError(
                f"trigger {self.trigger.type.value} judges the whole run, not each suite: "
                "set key (one numbered item, like findings/security) or item_id"
            )
        if self.by_kind and not self.per_suite:
            raise ValueError("by_kind varies per-suite items only; this rule makes one item")
        if self.priority_by_reason and self.per_suite:
            raise ValueError(
                "priority_by_reason sets the priority of one-item rules; vary a per-suite rule with by_kind"
            )
        allowed = SUBJECT_PLACEHOLDERS if self.per_subject else SUITE_PLACEHOLDERS if self.per_suite else ()
        texts = [("title", self.title), ("description", self.description)]
        texts += [(f"steps[{i}]", step) for i, step in enumerate(self.steps)]
        texts += [(f"acceptance_criteria[{i}]", text) for i, text in enumerate(self.acceptance_criteria)]
        for kind, override in self.by_kind.items():
            texts += [(f"by_kind.{kind.value}.title", override.title or "")]
            texts += [(f"by_kind.{kind.value}.description", override.description or "")]
            texts += [
                (f"by_kind.{kind.value}.steps[{i}]", step) for i, step in enumerate(override.steps or ())
            ]
            criteria = enumerate(override.acceptance_criteria or ())
            texts += [(f"by_kind.{kind.value}.acceptance_criteria[{i}]", text) for i, text in criteria]
        for where, text in texts:
            check_template(text, allowed, where)
        return self
