"""What every HTML view shares: who is asking, who may enter, domain errors as form errors,
and file downloads."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import wraps
from typing import Any, TypeVar, cast

from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files import File
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase

from frontline.accounts.models import User
from frontline.accounts.permissions import is_staff_member
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError
from frontline.core.files import download_name, media_type_or_default

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


def add_domain_error(
    form: forms.Form, exc: FrontlineError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form.

    ``fields`` maps a service's field name (``assignee_id``) to the form's (``assignee``).
    """
    name = (fields or {}).get(exc.field or "", exc.field)
    if name and name in form.fields:
        form.add_error(name, exc.message)
    else:
        form.add_error(None, exc.message)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def download(
    request: HttpRequest, file: File[bytes], *, filename: str, content_type: str
) -> FileResponse:
    """A file offered for download, never shown inline (an HTML attachment cannot run in our
    origin). Under ASGI it streams through an async iterator, so the file is read in chunks
    and closed when sent."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=download_name(filename),
        content_type=media_type_or_default(content_type),
    )
    if isinstance(request, ASGIRequest):
        stream_async(response)
    return response


def stream_async(response: FileResponse) -> None:
    stream = response.file_to_stream
    if stream is not None:
        response.streaming_content = _chunks(stream)
        response._resource_closers.append(stream.close)  # type: ignore[attr-defined]


async def _chunks(stream: Any, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    read = sync_to_async(stream.read, thread_sensitive=False)
    while chunk := await read(size):
        yield chunk
