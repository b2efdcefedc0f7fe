"""What every router shares: authentication, the error shape, the actor of a request."""

from typing import Annotated, Any, Self

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from frontline.accounts.models import User
from frontline.accounts.permissions import is_staff_member
from frontline.accounts.services import authenticate_token
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied

# Database ids: positive and within a signed 64-bit integer, so no input overflows a query.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


# PostgreSQL refuses NUL in text, so no string the API stores or filters on may carry one.
NO_NUL = r"^[^\x00]*$"
NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def _reject_nul(value: Any, path: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        # ``field`` extends the error's location to the very value (frontline/api.py).
        raise PydanticCustomError(
            "nul_character", "{field} contains a NUL character", {"field": path or "value"}
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key, path)
            _reject_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _reject_nul(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _reject_nul(getattr(value, name), f"{path}.{name}" if path else name)


class InputSchema(Schema):
    """A request body: a JSON object with only the documented fields, whose types are not
    coerced (``0`` is not ``false``) and whose strings hold no NUL, so a typo or a bad byte
    is a clear 422 rather than silently ignored or a database error."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="after")
    def _no_nul_anywhere(self) -> Self:
        _reject_nul(self, "")
        return self


class ErrorOut(Schema):
    detail: str
    code: str
    field: str | None = None
    errors: list[dict[str, str]] | None = None


ERROR_CODES = (400, 401, 403, 404, 409, 413, 422)


def responses(success: dict[int, Any]) -> dict[int, Any]:
    """Success schemas plus the documented error shape for every error status."""
    return {**success, **dict.fromkeys(ERROR_CODES, ErrorOut)}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return authenticate_token(token)


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if user.is_authenticated and isinstance(user, User) and user.is_active:
            return user
        return None


AUTH = [TokenAuth(), ActiveSessionAuth()]


def request_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - every authenticated route sets it
    return user


def request_actor(request: HttpRequest) -> Actor:
    cached: Actor | None = getattr(request, "_frontline_actor", None)
    if cached is None:
        cached = Actor.for_user(request_user(request))
        request._frontline_actor = cached  # type: ignore[attr-defined]
    return cached


def staff_actor(request: HttpRequest) -> Actor:
    """The caller as an active staff member, or 403."""
    actor = request_actor(request)
    if not actor.is_agent or actor.user is None or not is_staff_member(actor.user):
        raise PermissionDenied("This is for staff only.")
    return actor
