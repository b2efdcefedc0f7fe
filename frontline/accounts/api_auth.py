"""Who calls the API: a bearer token or a signed-in browser session, and the caller as an
actor for the routers."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from frontline.accounts.models import User
from frontline.accounts.permissions import is_staff_member
from frontline.accounts.services import authenticate_token
from frontline.core.actors import Actor
from frontline.core.errors import PermissionDenied


def carries_bearer_token(request: HttpRequest) -> bool:
    """Whether the request names a bearer token (valid or not), the way HttpBearer reads it."""
    header = request.headers.get("Authorization", "")
    return header.split(" ")[0].lower() == "bearer"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return authenticate_token(token)


class ActiveSessionAuth(SessionAuth):
    """A signed-in browser, with Django's CSRF check on writes. A request that carries a
    bearer token is judged by the token alone: a bad token is a 401, not a CSRF refusal
    (and not a way in for a session cookie riding along)."""

    def __call__(self, request: HttpRequest) -> User | None:
        if carries_bearer_token(request):
            return None
        user: User | None = super().__call__(request)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if user.is_authenticated and isinstance(user, User) and user.is_active:
            return user
        return None


class Visitor:
    """Who calls without credentials, on the few operations open to visitors (public
    articles): ``request.auth`` is this, never a user."""

    def __repr__(self) -> str:
        return "Visitor()"


VISITOR = Visitor()


class VisitorAuth:
    """Let a request without credentials through as ``VISITOR``. A request naming a bearer
    token is judged by the token alone: a bad one stays a 401."""

    def __call__(self, request: HttpRequest) -> Visitor | None:
        return None if carries_bearer_token(request) else VISITOR


AUTH = [TokenAuth(), ActiveSessionAuth()]
# For reads that visitors may make too: a token or session first, so a signed-in caller is
# still known.
AUTH_OR_VISITOR = [*AUTH, VisitorAuth()]


def optional_actor(request: HttpRequest) -> Actor | None:
    """The caller as an actor, or ``None`` for a visitor (``AUTH_OR_VISITOR`` operations)."""
    if isinstance(request.auth, User):  # type: ignore[attr-defined]
        return request_actor(request)
    return None


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
