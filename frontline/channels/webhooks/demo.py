"""Messaging channels' part of the demo (called by ``frontline.demo`` after the tickets are
written): an SMS channel and a social channel whose conversations came in as real signed
payloads, agents' replies in every delivery state, a quarantined payload and a refused
signature on the Channels page, and phone calls logged on tickets.

The channels' outbound URL is the local demo receiver (``webhooks:demo-receiver``), so
replies agents write under ``make run`` go out through the worker and show as sent."""

import json
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from frontline.accounts.models import Role, Team, User
from frontline.channels.webhooks import inbound, services
from frontline.channels.webhooks.models import (
    CallDirection,
    CallOutcome,
    ChannelKind,
    DeliveryStatus,
    MessagingChannel,
    OutboundMessage,
)
from frontline.core.actors import Actor
from frontline.core.demo_clock import demo_clock
from frontline.core.errors import FrontlineError
from frontline.customers.models import Customer, IdentityKind
from frontline.customers.services import add_identity, find_customer
from frontline.integrations.http import signature_header
from frontline.tickets import services as tickets
from frontline.tickets.models import Channel, Status, Ticket

SMS_CONVERSATIONS = (
    ("+49 151 5550 1001", "Jonas Weber", ["Hi, my order 4411 still says 'processing'.",
                                          "Can you check if it left the warehouse?"],
     "It left this morning; the tracking link follows by SMS.", DeliveryStatus.READ),
    ("+44 7700 900123", "Priya Shah", ["The card reader shows error E42 when I tap a card."],
     "Please restart it holding the power key for 10 s; does E42 come back?",
     DeliveryStatus.DELIVERED),
    ("+1 415 555 0142", "Luis Ortega", ["Do you deliver to PO boxes?"],
     "We do, for parcels up to 2 kg.", DeliveryStatus.SENT),
)  # fmt: skip
SOCIAL_CONVERSATIONS = (
    ("@nordic_cafe", "Nordic Café", ["Our shop page has been down for an hour, help!"],
     "We are on it: the incident page has updates.", DeliveryStatus.READ),
    ("@mia.makes", "Mia", ["Love the new app! Is dark mode coming?"],
     "Thank you! Dark mode ships next month.", DeliveryStatus.FAILED),
)  # fmt: skip
CALLS = (
    (CallDirection.INBOUND, 252, CallOutcome.ANSWERED, "Walked through the refund form."),
    (CallDirection.OUTBOUND, 0, CallOutcome.VOICEMAIL, "Left a message about the replacement."),
    (CallDirection.OUTBOUND, 405, CallOutcome.ANSWERED, "Confirmed the new delivery date."),
    (CallDirection.INBOUND, 0, CallOutcome.MISSED, ""),
)


def load_demo(*, now: datetime) -> None:
    # On the demo's own clock: the same seed writes the same rows whenever it runs.
    with demo_clock(now - timedelta(minutes=20)):
        _load(now)


def _load(now: datetime) -> None:
    team = Team.objects.order_by("id").first()
    agent = _agent(team)
    receiver = settings.SITE_URL + reverse("webhooks:demo-receiver")
    sms = _channel("SMS (demo provider)", ChannelKind.SMS, team, receiver)
    social = _channel("Social inbox (demo)", ChannelKind.SOCIAL, team, receiver)
    _conversations(sms, SMS_CONVERSATIONS, "phone", agent, now)
    _conversations(social, SOCIAL_CONVERSATIONS, "handle", agent, now)
    _post(sms, b'{"type": "message", "message_id": ', now)  # quarantined: cut short
    inbound.record_refusal(sms, "The signature does not match.")
    _calls(agent, now)


def _agent(team: Team | None) -> User | None:
    staff = User.objects.filter(role=Role.ASSOCIATE, is_active=True)
    if team is not None:
        staff = staff.filter(memberships__team=team)
    return staff.order_by("id").first()


def _channel(name: str, kind: ChannelKind, team: Team | None, receiver: str) -> MessagingChannel:
    fields = services.ChannelFields(name=name, kind=kind, team=team, outbound_url=receiver)
    channel, _secret = services.create_channel(fields=fields, actor=Actor.system())
    return channel


def _post(channel: MessagingChannel, body: bytes, now: datetime) -> None:
    headers = {channel.signature_header: signature_header(channel.secret, body)}
    # A broken payload is kept and quarantined, which the demo means to show.
    with suppress(FrontlineError), inbound.processing_deferred():
        payload = inbound.accept(channel, body, headers)
        inbound.process(payload.pk)  # here, not by the worker: the demo goes on from it


def _conversations(
    channel: MessagingChannel,
    conversations: tuple[tuple[str, str, list[str], str, DeliveryStatus], ...],
    address_kind: str,
    agent: User | None,
    now: datetime,
) -> None:
    for index, (address, name, texts, answer, state) in enumerate(conversations):
        _known_as(address, address_kind, index)
        for number, text in enumerate(texts):
            document = {
                "type": "message",
                "message_id": f"demo-{channel.pk}-{index}-{number}",
                "from": {address_kind: address, "name": name},
                "text": text,
                "sent_at": (now - timedelta(minutes=30 - number)).isoformat(),
            }
            _post(channel, json.dumps(document).encode(), now)
        ticket = Ticket.objects.filter(conversation__channel=channel).order_by("-id").first()
        if agent is not None and ticket is not None:
            _answer(ticket, agent, answer, state, now)


def _known_as(address: str, address_kind: str, index: int) -> None:
    """Demo customers who write by text too: the inbound message finds them by the number
    or handle, as it would a customer the team knows (and the demo keeps its 600)."""
    kind = IdentityKind.PHONE if address_kind == "phone" else IdentityKind.SOCIAL
    customers = Customer.objects.filter(merged_into__isnull=True).order_by("id")
    offset = index * 37 + (11 if kind == IdentityKind.PHONE else 23)
    found = list(customers[offset : offset + 1])
    if found and find_customer(kind, address) is None:
        add_identity(found[0], kind=kind, value=address)


def _answer(ticket: Ticket, agent: User, text: str, state: DeliveryStatus, now: datetime) -> None:
    # The agent takes the conversation, then answers it (as the workspace's reply does).
    tickets.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))
    reply = tickets.reply_to_ticket(
        ticket, body=text, actor=Actor.for_user(agent), status=Status.PENDING
    )
    failed = state == DeliveryStatus.FAILED
    OutboundMessage.objects.filter(message=reply).update(
        status=state,
        attempts=1,
        provider_id=f"demo-{reply.pk}",
        sent_at=now,
        status_at=now,
        last_error="The provider reported: recipient blocks messages." if failed else "",
    )


def _calls(agent: User | None, now: datetime) -> None:
    if agent is None:
        return
    actor = Actor.for_user(agent)
    workable = Ticket.objects.filter(
        team__memberships__user=agent, status__in=(Status.OPEN, Status.PENDING)
    ).exclude(channel__in=(Channel.SMS, Channel.SOCIAL))
    for offset, (ticket, call) in enumerate(zip(workable.order_by("-id")[:4], CALLS, strict=False)):
        direction, seconds, outcome, note = call
        services.log_call(
            ticket,
            call=services.CallFields(
                direction=direction,
                number=f"+49 30 5550 {2000 + offset}",
                started_at=now - timedelta(hours=offset + 1),
                duration_seconds=seconds,
                outcome=outcome,
                note=note,
            ),
            actor=actor,
        )
