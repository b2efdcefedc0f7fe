"""What the workspace and portal sign-in forms share: throttling per account and per client
address, a log line for every failure, the lockout page, and rationing of mailed links.

Every refusal looks the same to the person signing in, whatever its reason (unknown address,
wrong password, disabled account, a staff account on the portal's form): only the log says
which it was.
"""

import logging
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontline.accounts import throttle
from frontline.accounts.models import User
from frontline.accounts.throttle import Limit
from frontline.core.web import client_ip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: the address typed, where from, and on which form."""

    email: str
    ip: str
    form: str

    @classmethod
    def of(cls, request: HttpRequest, email: str, *, form: str) -> "Attempt":
        return cls(email=email.strip()[:320], ip=client_ip(request), form=form)

    @property
    def keys(self) -> tuple[str, str]:
        return throttle.account_key(self.email), throttle.ip_key(self.ip)


def locked_out(attempt: Attempt) -> Limit | None:
    """The limit this attempt is over, if any; then it is refused before any password is
    checked, so a right password during a lockout tells nothing either."""
    limit = throttle.first_exceeded(throttle.sign_in_limits(), attempt.keys)
    if limit is not None:
        logger.warning(
            "accounts.sign_in.throttled",
            extra={
                "email": attempt.email,
                "ip": attempt.ip,
                "form": attempt.form,
                "limit": limit.scope,
            },
        )
    return limit


def record_failure(attempt: Attempt, *, refused_user: User | None) -> None:
    """Count a failed attempt against the account and the address, and log why it failed.

    ``refused_user`` is the account whose password was right but which may not sign in on
    this form (a staff account on the portal's)."""
    for limit, key in zip(throttle.sign_in_limits(), attempt.keys, strict=True):
        throttle.record(limit, key)
    logger.warning(
        "accounts.sign_in.failed",
        extra={
            "email": attempt.email,
            "ip": attempt.ip,
            "form": attempt.form,
            "reason": _reason(attempt.email, refused_user),
        },
    )


def _reason(email: str, refused_user: User | None) -> str:
    if refused_user is not None:
        return "staff_account" if not refused_user.is_customer else "not_allowed"
    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    if user is None:
        return "unknown_account"
    if not user.is_active:
        return "inactive_account"
    return "wrong_password" if user.has_usable_password() else "no_password_set"


def record_success(attempt: Attempt) -> None:
    """A right password clears the account's failures (the address's stay counted)."""
    account_limit, _ = throttle.sign_in_limits()
    throttle.clear(account_limit, attempt.keys[0])


def refuse_mail_link(request: HttpRequest, email: str, *, kind: str) -> Limit | None:
    """Count a request to mail a link (``kind``: ``password_reset``, ``portal_link``) to
    ``email``; the limit it is over, if any, and then no mail is sent. Known and unknown
    addresses count alike, so the answer reveals nobody."""
    limits = throttle.mail_link_limits(kind)
    ip = client_ip(request)
    keys = (throttle.account_key(email), throttle.ip_key(ip))
    limit = throttle.first_exceeded(limits, keys)
    if limit is not None:
        logger.warning(
            "accounts.mail_link.throttled",
            extra={"kind": kind, "email": email, "ip": ip, "limit": limit.scope},
        )
        return limit
    for each, key in zip(limits, keys, strict=True):
        throttle.record(each, key)
    return None


def lockout_response(request: HttpRequest, limit: Limit, *, template: str) -> HttpResponse:
    """429 with a page that says when to try again (at the latest)."""
    response = render(request, template, {"minutes": limit.minutes}, status=429)
    response["Retry-After"] = str(limit.window)
    return response
