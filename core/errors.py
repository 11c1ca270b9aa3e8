"""Domain errors raised by services. One mapping (core.api.exception_handler for the API,
core.views.error_message for the dashboard) turns them into answers; none of them is a 500."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status_code = 400
    code = "invalid"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """Authenticated, but the person's role does not allow it; `fields.permission` names what is missing."""

    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    """The request is well formed but the current state refuses it."""

    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, *, action: str, status: str, message: str):
        super().__init__(message, fields={"action": [action], "status": [status]})
        self.action = action
        self.status = status


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "too_large"


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
