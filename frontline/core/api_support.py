"""What every router shares: authentication, the error shape, the actor of a request."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import ConfigDict
from ninja.security import HttpBearer, SessionAuth

from frontline.accounts.models import User
from frontline.accounts.services import authenticate_token
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied


# Database ids: positive and within a signed 64-bit integer, so no input overflows a query.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class InputSchema(Schema):
    """Base of request bodies: a JSON object with known fields only, so a misspelt field
    is refused by name instead of silently ignored."""

    model_config = ConfigDict(extra="forbid")


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
    actor = request_actor(request)
    if not actor.is_agent:
        raise PermissionDenied("This is for staff only.")
    return actor
