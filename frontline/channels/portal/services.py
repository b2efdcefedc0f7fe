"""Signing customers in to the portal with one-time links sent to their email address, and
sending a request from the portal's form.

A link carries a random secret, signed with a timestamp so a tampered or stale link is
refused before the database is asked. Only the secret's SHA-256 is stored; redeeming claims
the row with a conditional UPDATE, so a link works once even if two tabs race to use it.
"""

import hashlib
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from frontline.accounts.models import User
from frontline.channels.portal.models import SignInLink
from frontline.core.actors import Actor
from frontline.core.errors import Conflict, ValidationFailed
from frontline.customers.models import Customer, IdentityKind
from frontline.customers.services import create_portal_login, find_customer, normalise_identity
from frontline.knowledge.feedback import mark_deflections_submitted
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Category, Channel, Ticket

logger = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=20)
MAX_LINKS_PER_HOUR = 5
_SALT = "frontline.portal.sign-in-link"
_INVALID = "This sign-in link is not valid any more. Ask for a new one below."


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


@transaction.atomic
def email_sign_in_link(email: str, *, link_base: str) -> None:
    """Email a sign-in link to a known customer address; unknown addresses get nothing.

    The caller tells everyone the same thing ("if we know the address, a link is on its
    way"), so the form does not reveal who is a customer. ``link_base`` is the absolute
    URL the token is appended to.
    """
    try:
        address = normalise_identity(IdentityKind.EMAIL, email)
    except ValidationFailed:
        return
    customer = find_customer(IdentityKind.EMAIL, address)
    if customer is None or _too_many(address):
        return
    secret = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        customer=customer,
        email=address,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + LINK_LIFETIME,
    )
    url = link_base + _signer().sign(secret) + "/"
    transaction.on_commit(lambda: _send(customer, address, url))


def _too_many(address: str) -> bool:
    since = timezone.now() - timedelta(hours=1)
    return SignInLink.objects.filter(email=address, created_at__gte=since).count() >= (
        MAX_LINKS_PER_HOUR
    )


def _send(customer: Customer, address: str, url: str) -> None:
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    context = {"customer": customer, "url": url, "minutes": minutes}
    send_mail(
        subject="Your sign-in link",
        message=render_to_string("portal/sign_in_email.txt", context),
        from_email=None,
        recipient_list=[address],
    )
    logger.info("portal.sign_in_link.sent", extra={"customer_id": customer.pk})


def pending_link(token: str) -> SignInLink | None:
    """The unused, unexpired link behind ``token``, without spending it."""
    secret = _secret(token)
    if secret is None:
        return None
    return SignInLink.objects.filter(
        secret_hash=_hash(secret), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def redeem_sign_in_link(token: str) -> User:
    """Spend the link and return the customer's portal login, created on first use."""
    secret = _secret(token)
    if secret is None:
        raise ValidationFailed(_INVALID, field="token")
    now = timezone.now()
    claimed = SignInLink.objects.filter(
        secret_hash=_hash(secret), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        raise ValidationFailed(_INVALID, field="token")
    link = SignInLink.objects.get(secret_hash=_hash(secret))
    customer = find_customer(IdentityKind.EMAIL, link.email) or link.customer
    return _login_of(customer)


def _secret(token: str) -> str | None:
    try:
        return _signer().unsign(token, max_age=LINK_LIFETIME)
    except signing.BadSignature:
        return None


def _login_of(customer: Customer) -> User:
    try:
        user = create_portal_login(customer)
    except Conflict:
        raise ValidationFailed(
            "This address belongs to a staff account; sign in to the workspace instead.",
            field="token",
        ) from None
    if not user.is_active:
        raise ValidationFailed("This portal login is disabled.", field="token")
    return user


@transaction.atomic
def send_request(
    *,
    customer: Customer,
    subject: str,
    body: str,
    category: Category | None,
    attachments: Sequence[ticket_services.NewAttachment],
    deflection_ids: Sequence[int],
    actor: Actor,
) -> Ticket:
    """Open the ticket of a request typed on the portal. The suggestions the customer read
    before sending it (``deflection_ids``, from their session) did not deflect it: they
    become SUBMITTED and point at the new ticket."""
    ticket = ticket_services.open_ticket(
        customer=customer,
        subject=subject,
        body=body,
        category=category,
        attachments=attachments,
        channel=Channel.PORTAL,
        actor=actor,
    )
    if deflection_ids:
        mark_deflections_submitted(deflection_ids, ticket=ticket)
    return ticket
