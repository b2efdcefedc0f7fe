"""The REST API at /api/v1: routers of each app, and one error shape for every failure."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from frontline.accounts.api import router as accounts_router
from frontline.accounts.api_auth import AUTH
from frontline.automation.api import router as automation_router
from frontline.automation.trigger_api import router as triggers_router
from frontline.channels.email.api import router as email_router
from frontline.channels.webhooks.api import router as messaging_router
from frontline.core.errors import ErrorCode, FrontlineError
from frontline.customers.api import router as customers_router
from frontline.integrations.api import router as webhooks_router
from frontline.knowledge.api import router as knowledge_router
from frontline.knowledge.gaps_api import router as knowledge_gaps_router
from frontline.knowledge.search_api import router as search_router
from frontline.macros.api import router as macros_router
from frontline.routing.api import router as routing_router
from frontline.routing.tiers_api import router as tiers_router
from frontline.sla.api import router as sla_router
from frontline.tickets.api import router as tickets_router
from frontline.triage.api import router as triage_router
from frontline.triage.classifier_api import router as classifier_router
from frontline.workflows.api import router as workflows_router

logger = logging.getLogger(__name__)


class FrontlineAPI(NinjaAPI):
    """Ninja, with the error shape also where Ninja answers before any operation runs: a
    path no route matches (404) and a method a path does not take (405)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = [_json_not_allowed(u) for u in super()._get_urls()]
        return [*urls, re_path(r"^.*$", _no_route)]


def _json_not_allowed(url: URLResolver | URLPattern) -> URLResolver | URLPattern:
    if not isinstance(url, URLPattern) or iscoroutinefunction(url.callback):
        return url  # none of our operations is async; such a path keeps Ninja's answer
    view: Callable[..., Any] = url.callback

    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            detail = f"{request.method} is not allowed here; use {allowed}."
            code = ErrorCode.METHOD_NOT_ALLOWED.value
            response = _error(request, 405, {"detail": detail, "code": code})
            response["Allow"] = allowed
        return response

    return URLPattern(url.pattern, answered, url.default_args, url.name)


def _no_route(request: HttpRequest) -> HttpResponse:
    detail = f"There is no API path {request.path}; see /api/v1/docs."
    return _error(request, 404, {"detail": detail, "code": ErrorCode.NOT_FOUND.value})


api = FrontlineAPI(
    title="Frontline API",
    version="1",
    description=(
        "Tickets, customers and teams of a Frontline instance. Authenticate with a personal "
        "token (`Authorization: Bearer <token>`, from `frontline token create EMAIL`) or a "
        "signed-in browser session. Lists page with `page_size` and the `next` path."
    ),
    auth=AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
)

api.add_router("/tickets", tickets_router)
api.add_router("/articles", knowledge_router)
api.add_router("/search", search_router)
api.add_router("/knowledge", knowledge_gaps_router)
api.add_router("/sla", sla_router)
api.add_router("/automation", automation_router)
api.add_router("/triggers", triggers_router)
api.add_router("/triage", triage_router)
api.add_router("/triage", classifier_router)  # /triage/accuracy
# Its paths are spelled out in full: /me/presence, /tickets/{id}/routing, /routing/….
api.add_router("", routing_router)
api.add_router("", tiers_router)
api.add_router("", macros_router)  # /macros… and /tickets/{id}/macros/{macro_id}
# /workflows…, /tickets/{id}/workflows/{workflow_id}/runs, /workflow-runs/….
api.add_router("", workflows_router)
api.add_router("/email", email_router)
api.add_router("/webhooks", webhooks_router)
# /channels/{id}/inbound, /messaging-channels/…, /tickets/{id}/calls: paths in full.
api.add_router("", messaging_router)
api.add_router("/", customers_router)
api.add_router("/", accounts_router)

_STATUS_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.TOO_LARGE,
    422: ErrorCode.VALIDATION,
}


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(FrontlineError)
def on_domain_error(request: HttpRequest, exc: FrontlineError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code.value}
    if exc.field:
        body["field"] = exc.field
    return _error(request, exc.status, body)


def _field_name(error: dict[str, Any]) -> str:
    """The input an error is about, as a client names it: ``customer.email``,
    ``attachments.0.content_type``. Ninja's location starts with the source (body, query,
    path...) and, for a body, the parameter's name; a validator of a whole object says
    which of its fields it refused in ``ctx["field"]``."""
    location = [str(part) for part in error.get("loc", ())]
    source, *rest = location or ["body"]
    if source == "body":
        rest = rest[1:]  # the parameter (``payload``), not a field of the body
    # pydantic names the member of a union it tried, e.g. ``function-after[...]``
    rest = [part for part in rest if "[" not in part]
    context = error.get("ctx") or {}
    inner = context.get("field") if isinstance(context, dict) else None
    if inner:
        rest.append(str(inner))
    return ".".join(rest) or source


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field_name(err), "message": str(err.get("msg", ""))} for err in exc.errors]
    first = errors[0] if errors else {"field": "body", "message": "Invalid input."}
    return _error(
        request,
        422,
        {
            "detail": f"{first['field']}: {first['message']}",
            "code": ErrorCode.VALIDATION.value,
            "field": first["field"],
            "errors": errors,
        },
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        {
            "detail": "Authentication required: send 'Authorization: Bearer <token>'.",
            "code": ErrorCode.NOT_AUTHENTICATED.value,
        },
    )


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return _error(
        request, 403, {"detail": str(exc) or "Forbidden.", "code": ErrorCode.PERMISSION_DENIED}
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _STATUS_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST)
    return _error(request, exc.status_code, {"detail": exc.message, "code": code.value})


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = (
        f"The request body is larger than {limit} bytes. An attachment may be at most "
        f"{settings.FRONTLINE_MAX_ATTACHMENT_BYTES} bytes before base64."
    )
    return _error(
        request, 413, {"detail": detail, "code": ErrorCode.TOO_LARGE.value, "field": "body"}
    )


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
@api.exception_handler(MultiPartParserError)
def on_bad_request(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Django's refusals of malformed requests, which it would answer with an HTML page."""
    logger.info("api.bad_request", extra={"error": type(exc).__name__, "path": request.path})
    detail = "The request could not be read: it is malformed or exceeds a request limit."
    return _error(request, 400, {"detail": detail, "code": ErrorCode.BAD_REQUEST.value})


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, {"detail": "Not found.", "code": ErrorCode.NOT_FOUND.value})
