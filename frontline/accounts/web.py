"""Who is asking and who may enter, for every HTML view: the signed-in user as an actor, and
the decorators that keep staff pages for staff and portal pages for customers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from frontline.accounts.models import User
from frontline.accounts.permissions import is_staff_member
from frontline.core.actors import Actor

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def web_actor(request: HttpRequest) -> Actor:
    """The actor behind a signed-in request, computed once per request."""
    cached: Actor | None = getattr(request, "_frontline_actor", None)
    if cached is None:
        user = request.user
        assert isinstance(user, User)  # noqa: S101 - the decorators below checked sign-in
        cached = Actor.for_user(user)
        request._frontline_actor = cached  # type: ignore[attr-defined]
    return cached


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_active)


def staff_required(view: View) -> View:
    """Staff only: anonymous visitors go to sign-in, customers get a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _signed_in(request):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        actor = web_actor(request)
        if not actor.is_agent or actor.user is None or not is_staff_member(actor.user):
            raise DjangoPermissionDenied("This page is for support staff.")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def customer_required(login_url: str) -> Callable[[View], View]:
    """Customers only: anonymous visitors go to ``login_url``, staff get a 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not _signed_in(request):
                return redirect_to_login(request.get_full_path(), login_url)
            actor = web_actor(request)
            if not actor.is_customer or actor.customer is None:
                raise DjangoPermissionDenied("The portal is for customers.")
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorator
