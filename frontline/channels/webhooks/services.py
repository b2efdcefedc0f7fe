"""Every change to messaging channels and phone calls: channel configuration (for the head
of support and admins), customers found by phone number or handle, and calls logged."""

import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from frontline.accounts.models import Team, User
from frontline.accounts.permissions import can_manage_configuration
from frontline.channels.webhooks.models import (
    CallDirection,
    CallOutcome,
    ChannelKind,
    MessagingChannel,
    PhoneCall,
    SignatureScheme,
)
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.customers import services as customers
from frontline.customers.models import Customer, IdentityKind
from frontline.tickets import events
from frontline.tickets.models import EventType, Ticket
from frontline.tickets.queries import ensure_can_work

MAX_CALL_SECONDS = 86_400


def ensure_manages_channels(actor: Actor) -> None:
    """Admins and the head of support; the system too (the command line, the demo)."""
    if actor.kind is ActorKind.SYSTEM:
        return
    if not actor.is_agent or actor.user is None or not can_manage_configuration(actor.user):
        raise PermissionDenied("Only admins and the head of support configure channels.")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ChannelFields:
    """Fields to set; None leaves one alone (``clear_team`` removes the team)."""

    name: str | None = None
    kind: ChannelKind | None = None
    team: Team | None = None
    clear_team: bool = False
    is_active: bool | None = None
    signature_header: str | None = None
    signature_scheme: SignatureScheme | None = None
    timestamp_header: str | None = None
    tolerance_seconds: int | None = None
    outbound_url: str | None = None
    outbound_secret: str | None = None
    reopen_window_days: int | None = None


@transaction.atomic
def create_channel(*, fields: ChannelFields, actor: Actor) -> tuple[MessagingChannel, str]:
    """The new channel and its inbound secret, which is shown this once."""
    ensure_manages_channels(actor)
    if not fields.name:
        raise ValidationFailed("A channel needs a name.", field="name")
    channel = MessagingChannel(secret=new_secret())
    _apply(channel, fields)
    _save(channel)
    return channel, channel.secret


@transaction.atomic
def update_channel(
    channel: MessagingChannel, *, fields: ChannelFields, actor: Actor
) -> MessagingChannel:
    ensure_manages_channels(actor)
    _apply(channel, fields)
    return _save(channel)


@transaction.atomic
def rotate_secret(channel: MessagingChannel, *, actor: Actor) -> str:
    """A new inbound secret: posts signed with the old one are refused from now on."""
    ensure_manages_channels(actor)
    channel.secret = new_secret()
    channel.save(update_fields=["secret"])
    return channel.secret


@transaction.atomic
def delete_channel(channel: MessagingChannel, *, actor: Actor) -> None:
    """Its tickets and calls stay; its payload log and conversations go with it."""
    ensure_manages_channels(actor)
    channel.delete()


def _apply(channel: MessagingChannel, changes: ChannelFields) -> None:
    for item in fields(changes):
        value = getattr(changes, item.name)
        if item.name == "clear_team":
            if value:
                channel.team = None
        elif value is not None:
            setattr(channel, item.name, value.strip() if isinstance(value, str) else value)


def _save(channel: MessagingChannel) -> MessagingChannel:
    if not channel.name:
        raise ValidationFailed("A channel needs a name.", field="name")
    if channel.outbound_url:
        # Internal host names (``http://sms-gateway:8080``) are fine: no public TLD needed.
        parts = urlsplit(channel.outbound_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationFailed(
                f"{channel.outbound_url!r} is not an http(s) URL.", field="outbound_url"
            )
    if not channel.signature_header:
        raise ValidationFailed("Name the signature header.", field="signature_header")
    if MessagingChannel.objects.filter(name=channel.name).exclude(pk=channel.pk).exists():
        raise Conflict(f"A channel named {channel.name!r} exists.", field="name")
    channel.save()
    return channel


# Customers by the address they write from.


def identity_kind(address_kind: str) -> IdentityKind:
    return IdentityKind.PHONE if address_kind == "phone" else IdentityKind.SOCIAL


def normalise_address(address_kind: str, value: str) -> str:
    """E.164-ish digits for phone numbers; handles lowercased, one leading ``@``."""
    kind = identity_kind(address_kind)
    if kind == IdentityKind.SOCIAL:
        value = "@" + value.strip().lstrip("@").lower()
        if value == "@":
            raise ValidationFailed("The handle is empty.", field="from.handle")
        return value[:320]
    try:
        return customers.normalise_identity(kind, value)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field="from.phone") from None


def get_or_create_customer(address_kind: str, value: str, *, name: str = "") -> Customer:
    """The customer behind a phone number or handle, created when new."""
    kind = identity_kind(address_kind)
    address = normalise_address(address_kind, value)
    found = customers.find_customer(kind, address)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            customer = customers.create_customer(name=name.strip() or address)
            customers.add_identity(customer, kind=kind, value=address)
            return customer
    except (Conflict, IntegrityError):
        # Another post from the same address created them between look-up and insert.
        again = customers.find_customer(kind, address)
        if again is None:
            raise
        return again


# Phone calls.


@dataclass(frozen=True)
class CallFields:
    direction: CallDirection
    number: str
    started_at: datetime
    duration_seconds: int
    outcome: CallOutcome
    note: str = ""


@transaction.atomic
def log_call(
    ticket: Ticket,
    *,
    call: CallFields,
    actor: Actor,
    channel: MessagingChannel | None = None,
    external_id: str = "",
) -> PhoneCall:
    """Log a call on the ticket; an agent logs calls on tickets they may work."""
    agent: User | None = None
    if actor.is_customer:
        raise PermissionDenied("Customers cannot log calls.")
    if actor.is_agent:
        ensure_can_work(actor, ticket)
        agent = actor.user
    _check_call(call)
    number = customers.normalise_identity(IdentityKind.PHONE, call.number)
    logged = PhoneCall.objects.create(
        ticket=ticket,
        agent=agent,
        channel=channel,
        direction=call.direction,
        number=number,
        started_at=call.started_at,
        duration_seconds=call.duration_seconds,
        outcome=call.outcome,
        note=call.note.strip(),
        external_id=external_id[:200],
    )
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    events.record(
        ticket,
        EventType.CALL_LOGGED,
        actor=actor,
        data={
            "summary": call_summary(logged),
            "call_id": logged.pk,
            "direction": logged.direction,
            "duration_seconds": logged.duration_seconds,
            "outcome": logged.outcome,
        },
    )
    return logged


def _check_call(call: CallFields) -> None:
    if not 0 <= call.duration_seconds <= MAX_CALL_SECONDS:
        raise ValidationFailed(
            f"A call lasts 0 to {MAX_CALL_SECONDS} seconds.", field="duration_seconds"
        )
    if timezone.is_naive(call.started_at):
        raise ValidationFailed("Give the start with a time zone.", field="started_at")
    if call.started_at > timezone.now() + timedelta(minutes=5):
        raise ValidationFailed("The call cannot start in the future.", field="started_at")
    if len(call.note) > 10_000:
        raise ValidationFailed("The note is at most 10,000 characters.", field="note")


def call_summary(call: PhoneCall) -> str:
    """``logged an inbound call of 4 min 12 s: answered``."""
    direction = "an inbound" if call.direction == CallDirection.INBOUND else "an outbound"
    outcome = call.get_outcome_display().lower()
    return f"logged {direction} call of {call.length_label}: {outcome}"


def call_seconds(ticket_ids: list[int]) -> dict[int, int]:
    """Talk time per ticket (for average handle time); tickets without calls are absent."""
    rows = (
        PhoneCall.objects.filter(ticket_id__in=ticket_ids)
        .values("ticket_id")
        .annotate(total=Sum("duration_seconds"))
        .values_list("ticket_id", "total")
    )
    return {ticket_id: int(total or 0) for ticket_id, total in rows}
