"""What every HTML view shares: domain errors as form errors, htmx requests, file downloads,
absolute links and the client's address. Who is asking and who may enter is the accounts
app's (``frontline.accounts.web``): core imports no app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.core.files import File
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpRequest

from frontline.core.errors import FrontlineError
from frontline.core.files import download_name, media_type_or_default


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


def absolute_url(path: str) -> str:
    """``path`` on the site's configured address (``SITE_URL``). Every link that leaves the
    site, in mail above all, is built here and never from the request: its ``Host`` header is
    whatever the client sent, so a reset mail built from it could point anywhere."""
    return settings.SITE_URL.rstrip("/") + path


def client_ip(request: HttpRequest) -> str:
    """The caller's address: ``REMOTE_ADDR``, or behind a proxy that names the client in
    ``FRONTLINE_CLIENT_IP_HEADER``, the last address in that header (the one our proxy
    appended; earlier ones are whatever the client claimed)."""
    header = settings.FRONTLINE_CLIENT_IP_HEADER
    if header:
        hops = [hop.strip() for hop in str(request.META.get(header, "")).split(",")]
        if hops[-1]:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", ""))
