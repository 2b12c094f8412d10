"""The one application error type. Views, the API and commands render it the same way."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorDetail:
    """One problem with the input: where it is (file line, field) and why."""

    message: str
    field: str | None = None
    line: int | None = None

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

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": [d.as_dict() for d in self.details],
            }
        }

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
    def __init__(self, message: str, *, code: str = "conflict", details: list[ErrorDetail] | None = None) -> None:
        super().__init__(code=code, message=message, details=details or [], status=409)
