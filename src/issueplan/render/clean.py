"""The clean pass: every text of a RunReport redacted once, right after reading, then cut to its display cap.

Readers keep a text whole up to READ_CAP; this pass removes the run's secrets and the known secret patterns
from each text first and only then cuts it (MESSAGE_CAP, TRACE_CAP, NAME_CAP for names, paths, rule ids and
the rest), so no prefix of a secret survives a cut. Everything after it (keys, markers, titles, the plan,
the summary, annotations, comments) derives from the cleaned report and needs no redaction of its own.
Both steps are linear in the text, so a megabyte test name costs what its bytes cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

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
    return _clean_model(model, Redactor(secrets), cut=cut)


def _clean_model(model: _Model, redactor: Redactor, *, cut: bool) -> _Model:
    update = {
        name: _clean_value(getattr(model, name), redactor, name, cut=cut) for name in type(model).model_fields
    }
    return model.model_copy(update=update)


def _clean_value(value: object, redactor: Redactor, field: str, *, cut: bool) -> object:
    # `type(...) is str`: enum members are str too, and are the tool's own words.
    if type(value) is str:
        if not cut:
            return redactor(value)
        if field in _TEXT_CAPS:
            return cap_text(redactor(value), _TEXT_CAPS[field])
        return cap_name(redactor(value), NAME_CAP)
    if isinstance(value, tuple):
        return tuple(_clean_value(item, redactor, field, cut=cut) for item in value)
    if isinstance(value, BaseModel):
        return _clean_model(value, redactor, cut=cut)
    return value
