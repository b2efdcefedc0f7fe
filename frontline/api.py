"""The REST API at /api/v1: routers of each app, and one error shape for every failure."""

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from frontline.accounts.api import router as accounts_router
from frontline.accounts.api_auth import AUTH
from frontline.automation.api import router as automation_router
from frontline.channels.email.api import router as email_router
from frontline.core.errors import ErrorCode, FrontlineError
from frontline.customers.api import router as customers_router
from frontline.sla.api import router as sla_router
from frontline.tickets.api import router as tickets_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
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
api.add_router("/sla", sla_router)
api.add_router("/automation", automation_router)
api.add_router("/email", email_router)
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


def _field_name(location: list[Any]) -> str:
    parts = [str(p) for p in location if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(list(err.get("loc", []))), "message": str(err.get("msg", ""))}
        for err in exc.errors
    ]
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


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, {"detail": "Not found.", "code": ErrorCode.NOT_FOUND.value})
