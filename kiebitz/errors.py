"""One error tree; each error knows its HTTP status and the field it is about."""

from __future__ import annotations


class KiebitzError(Exception):
    """Base of every error Kiebitz raises on purpose."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, object]:
        return {"error": {"field": self.field, "message": self.message}}


class ConfigError(KiebitzError):
    status = 500


class InvalidInput(KiebitzError):
    """A field breaks a rule: 400 (or 422 for a well-formed but unacceptable value)."""

    status = 400


class NotFound(KiebitzError):
    status = 404


class Forbidden(KiebitzError):
    status = 403


class Conflict(KiebitzError):
    status = 409


class TooManyRequests(KiebitzError):
    status = 429


class Rejected(KiebitzError):
    """The spam filter refused to store the comment at all."""

    status = 403


class Unauthorized(KiebitzError):
    """The request lacks the credentials an endpoint asks for (the metrics token)."""

    status = 401
