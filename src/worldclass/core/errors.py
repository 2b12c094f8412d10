"""The one application error type. Views, the API and commands render it the same way."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorDetail:
    """One problem with the input: where it is (file line, field) and why.

    `message` is English, as the API and the command line give it. A detail made by `worded` also keeps its
    template (an English msgid) and the values it names, so that a page can word it in its reader's language
    (core.i18n.in_active_language_worded); a value may itself be a worded phrase ({"template", "params"})."""

    message: str
    field: str | None = None
    line: int | None = None
    template: str = dataclasses.field(default="", compare=False)
    # None rather than an empty dict by default: a file of a million bad rows makes as many details.
    params: dict | None = dataclasses.field(default=None, compare=False, hash=False)

    @classmethod
    def worded(cls, template: str, /, *, field: str | None = None, line: int | None = None, **params) -> ErrorDetail:
        """A detail whose message is `template` (marked with gettext_noop) filled with `params`."""
        return cls(message=fill_template(template, params), field=field, line=line, template=template, params=params)

    def wording(self) -> dict:
        """The template and values (empty for a detail made from a message alone)."""
        return {"template": self.template, "params": self.params or {}} if self.template else {}

    def as_stored_dict(self) -> dict:
        """`as_dict` with the `wording` beside it, for a record that a page words in its reader's language."""
        return {**self.as_dict(), **self.wording()}

    def as_dict(self) -> dict:
        body: dict = {"message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.line is not None:
            body["line"] = self.line
        return body

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"{self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class AppError(Exception):
    """A refused operation, with a machine-readable code, a message and the details that explain it.

    `status` is the HTTP status the API answers with (4xx for the caller's mistakes).
    """

    code: str
    message: str
    details: list[ErrorDetail] = field(default_factory=list)
    status: int = 400
    # As ErrorDetail's: the message's template and values, for a page in another language.
    template: str = field(default="", compare=False)
    params: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @classmethod
    def worded(
        cls, template: str, /, *, code: str, details: list[ErrorDetail] | None = None, status: int = 400, **params
    ) -> AppError:
        """An error whose message is `template` (marked with gettext_noop) filled with `params`."""
        return cls(
            code=code,
            message=fill_template(template, params),
            details=details or [],
            status=status,
            template=template,
            params=params,
        )

    def as_dict(self) -> dict:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": [d.as_dict() for d in self.details],
            }
        }

    def as_stored_dict(self) -> dict:
        """`as_dict`'s body with each message's template and values beside it, for a record that a page words
        again in its reader's language (an upload's refusal)."""
        body = self.as_dict()["error"]
        body.update(self.wording())
        body["details"] = [d.as_stored_dict() for d in self.details]
        return body

    def wording(self) -> dict:
        return {"template": self.template, "params": self.params} if self.template else {}

    def __str__(self) -> str:
        lines = [self.message]
        lines.extend(f"  {d}" for d in self.details)
        return "\n".join(lines)


class NotFound(AppError):
    def __init__(self, message: str, *, code: str = "not_found") -> None:
        super().__init__(code=code, message=message, status=404)


class PermissionDenied(AppError):
    def __init__(self, message: str = "You do not have permission to do this.", *, code: str = "forbidden") -> None:
        super().__init__(code=code, message=message, status=403)


class Conflict(AppError):
    def __init__(
        self,
        message: str,
        *,
        code: str = "conflict",
        details: list[ErrorDetail] | None = None,
        template: str = "",
        params: dict | None = None,
    ) -> None:
        super().__init__(
            code=code, message=message, details=details or [], status=409, template=template, params=params or {}
        )


def fill_template(template: str, params: dict) -> str:
    """`template` with its `{names}` filled, a worded value ({"template", "params"}) filled in its turn."""
    return template.format(**{name: _filled(value) for name, value in params.items()})


def _filled(value):
    if isinstance(value, dict) and "template" in value:
        return fill_template(value["template"], value.get("params", {}))
    return value


def worded_phrase(template: str, /, **params) -> dict:
    """A value of a worded message that is itself a phrase to word (a reason inside a summary line)."""
    return {"template": template, "params": params}
