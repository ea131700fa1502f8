"""What a route answers, and GitHub's error bodies (`basic-error`, `validation-error`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOCS = "https://docs.github.com/rest"


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ReplyError(Exception):
    """Raised inside a route to answer with an error; the server turns it into the reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def error(status: int, message: str, docs: str = DOCS) -> ReplyError:
    return ReplyError(Reply(status, {"message": message, "documentation_url": docs}))


def not_found() -> ReplyError:
    return error(404, "Not Found")


def invalid(resource: str, field: str, code: str, message: str | None = None, **extra: Any) -> ReplyError:
    """GitHub's 422: `{"message": "Validation Failed", "errors": [{resource, code, field, …}], …}`."""
    detail: dict[str, Any] = {"resource": resource, "code": code, "field": field}
    if message is not None:
        detail["message"] = message
    detail.update(extra)
    body = {"message": "Validation Failed", "errors": [detail], "documentation_url": DOCS}
    return ReplyError(Reply(422, body))


def too_long(resource: str, field: str, limit: int, *, capital: bool = False) -> ReplyError:
    """GitHub's wording: `title is too long (maximum is 256 characters)` (comments say `Body`)."""
    name = field.capitalize() if capital else field
    return invalid(resource, field, "custom", f"{name} is too long (maximum is {limit} characters)")


def missing(resource: str, field: str) -> ReplyError:
    return invalid(resource, field, "missing_field")
