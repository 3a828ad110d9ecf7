"""Domain errors raised by services and mapped to HTTP statuses by trees.api.errors."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class StaleVersion(DomainError):
    """The client edited an older version; `detail["current"]` holds the current state."""

    status = 409
    code = "stale_version"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class JobStopped(Exception):
    """The job was cancelled, finished or paused meanwhile: the worker stops here and stores
    nothing more. The one stop signal of every job body; not an HTTP error."""
