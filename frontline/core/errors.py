"""Domain errors. Each carries a stable ``code`` that API clients can branch on."""

from enum import StrEnum


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_ASSIGNEE = "invalid_assignee"
    INVALID_MERGE = "invalid_merge"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    BAD_REQUEST = "bad_request"


class FrontlineError(Exception):
    """Base of every error the domain raises on purpose."""

    code: ErrorCode = ErrorCode.BAD_REQUEST
    status: int = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(FrontlineError):
    code = ErrorCode.VALIDATION
    status = 422


class NotFound(FrontlineError):
    code = ErrorCode.NOT_FOUND
    status = 404


class PermissionDenied(FrontlineError):
    code = ErrorCode.PERMISSION_DENIED
    status = 403


class InvalidTransition(FrontlineError):
    code = ErrorCode.INVALID_TRANSITION
    status = 409


class InvalidAssignee(FrontlineError):
    code = ErrorCode.INVALID_ASSIGNEE
    status = 422


class InvalidMerge(FrontlineError):
    code = ErrorCode.INVALID_MERGE
    status = 409


class Conflict(FrontlineError):
    code = ErrorCode.CONFLICT
    status = 409


class TooLarge(FrontlineError):
    code = ErrorCode.TOO_LARGE
    status = 413
