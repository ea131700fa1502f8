"""The clean pass: every text of a RunReport redacted once, right after reading, then cut to its display cap.

Readers keep a text whole up to READ_CAP; this pass removes the run's secrets and the known secret patterns
from each text first and only then cuts it (MESSAGE_CAP, TRACE_CAP, NAME_CAP for names, paths, rule ids and
the rest), so no prefix of a secret survives a cut. Everything after it (keys, markers, titles, the plan,
the summary, annotations, comments) derives from the cleaned report and needs no redaction of its own.
Both steps are linear in the text, so a megabyte test name costs what its bytes cost.
"""

# Real annotations, not strings: pydantic and NamedTuple build classes faster (model/report.py's docstring).

from collections.abc import Iterable
from enum import Enum
from functools import cache
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from issueplan.model import MESSAGE_CAP, NAME_CAP, TRACE_CAP, RunReport, cap_name, cap_text
from issueplan.render.redact import Redactor

_Model = TypeVar("_Model", bound=BaseModel)
# Multi-line texts keep their cut on a line of its own; every other string field is a name.
_TEXT_CAPS = {"message": MESSAGE_CAP, "trace": TRACE_CAP, "rule_help": MESSAGE_CAP}


def clean_report(report: RunReport, secrets: Iterable[str] = ()) -> RunReport:
    """`report` with every string redacted (the run's `secrets` in any shape, known patterns), then cut."""
    return clean_model(report, secrets)


def clean_model(model: _Model, secrets: Iterable[str] = (), *, cut: bool = True) -> _Model:
    """Any value model cleaned like a report: every string field, at any depth, redacted and (unless `cut`
    is off) cut to its display cap. Walks the fields rather than naming them, so a text field added later
    cannot be forgotten."""
    return _Cleaner(Redactor(secrets), cut=cut).model(model)


class _Cleaner:
    """One clean pass. Scanners repeat their texts (a rule's message on each of its thousands of results,
    one path for many findings), so each distinct text is cleaned once and remembered, up to REMEMBERED
    texts: the same text always comes out the same. A model none of whose strings changed is kept as it is
    rather than copied.

    A report of 100k findings is a million field reads, so the walk is cheap per field: a model's field
    values come from its `__dict__`, a string field's text is looked up in the memo of its cap (no key built
    per text), and a text that cleaning leaves as it was is remembered as SAME (no comparison per use)."""

    REMEMBERED = 1 << 16

    def __init__(self, redactor: Redactor, *, cut: bool) -> None:
        self._redactor = redactor
        self._cut = cut
        # per cap ("" for names, else a _TEXT_CAPS field): text -> its cleaned text, or _SAME
        self._done: dict[str, dict[str, object]] = {how: {} for how in ("", *_TEXT_CAPS)}
        self._remembered = 0

    def model(self, model: _Model) -> _Model:
        update = {}
        values = model.__dict__
        done = self._done
        for name, how in _walked_fields(type(model)):
            value = values[name]
            if type(value) is str:  # `type(...) is str`: enum members are str too, the tool's own words
                cleaned = done[how].get(value, _NEW)
                if cleaned is _SAME:
                    continue
                if cleaned is _NEW:
                    cleaned = self._text(value, how)
                    if cleaned is value:
                        continue
            else:
                cleaned = self._value(value, how)
                if cleaned is value:
                    continue
            update[name] = cleaned
        return model.model_copy(update=update) if update else model

    def _value(self, value: object, how: str) -> object:
        if type(value) is str:
            cleaned = self._done[how].get(value, _NEW)
            if cleaned is _NEW:
                return self._text(value, how)
            return value if cleaned is _SAME else cleaned
        if isinstance(value, tuple):
            cleaned = tuple(self._value(item, how) for item in value)
            return value if all(new is old for new, old in zip(cleaned, value, strict=True)) else cleaned
        if isinstance(value, BaseModel):
            return self.model(value)
        return value

    def _text(self, text: str, how: str) -> str:
        """`text` redacted and cut (texts share their cap by field, names all have one), remembered while
        there is room. An unchanged text comes back as the very object it was, so a model holding only such
        texts is kept rather than copied (100k findings share a rule)."""
        done = self._redactor(text)
        if self._cut:
            done = cap_text(done, _TEXT_CAPS[how]) if how else cap_name(done, NAME_CAP)
        unchanged = done == text
        if self._remembered < self.REMEMBERED:
            self._done[how][text] = _SAME if unchanged else done
            self._remembered += 1
        return text if unchanged else done


_SAME = object()  # in a memo: the text comes out of cleaning as it went in
_NEW = object()  # not in the memo


@cache
def _walked_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(name, cap) of the fields of `model` whose type may hold a string, at any depth: all but numbers,
    flags and enums (a finding has a dozen fields, and 100k findings are a million look-ups); the cap is the
    field's `_TEXT_CAPS` key, "" for a name. Decided from the types, so a text field added later is walked
    without anyone naming it."""
    return tuple(
        (name, name if name in _TEXT_CAPS else "")
        for name, info in model.model_fields.items()
        if _may_hold_text(info.annotation)
    )


def _may_hold_text(annotation: Any) -> bool:
    if annotation in (int, float, bool, NoneType):
        return False
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return False  # members are the tool's own words, never cleaned (see _value)
    arguments = get_args(annotation)
    if arguments and get_origin(annotation) in (Union, UnionType, tuple):
        return any(_may_hold_text(argument) for argument in arguments if argument is not Ellipsis)
    return True
