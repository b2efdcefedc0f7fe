"""Opening tickets and adding messages to them."""

import hashlib
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape as unescape_html

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_write_tickets
from frontline.core import sequences
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import InvalidTransition, PermissionDenied, TooLarge, ValidationFailed
from frontline.core.files import is_media_type
from frontline.core.html import html_to_text, sanitize_html
from frontline.customers.models import Customer
from frontline.tickets import events
from frontline.tickets.models import (
    Attachment,
    Category,
    Channel,
    Direction,
    EventType,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
)
from frontline.tickets.queries import ensure_can_work, is_requester_side
from frontline.tickets.services.changes import (
    apply_status,
    replace_tags,
    validate_custom_fields,
)

TICKET_NUMBER_SEQUENCE = "ticket_number"
FIRST_TICKET_NUMBER = 10001
_SAFE_FILENAME = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)
_CID_LINK = re.compile(r"""(["'])cid:([^"']+)\1""", re.IGNORECASE)


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    content_type: str = ""
    content_id: str = ""


@dataclass(frozen=True)
class MessageBody:
    text: str = ""
    html: str = ""
    attachments: Sequence[NewAttachment] = field(default_factory=tuple)


@transaction.atomic
def open_ticket(
    *,
    customer: Customer,
    subject: str,
    body: str,
    actor: Actor,
    channel: Channel = Channel.PORTAL,
    priority: Priority = Priority.NORMAL,
    team: Team | None = None,
    category: Category | None = None,
    tags: Sequence[str] = (),
    custom_fields: dict[str, object] | None = None,
    html: str = "",
    attachments: Sequence[NewAttachment] = (),
    external_id: str = "",
    follow_up_of: Ticket | None = None,
    visible_text: str = "",
) -> Ticket:
    """Open a ticket whose first message is the customer's request."""
    _ensure_may_open(actor, customer)
    subject = clean_subject(subject)
    content = _checked_body(body, html, attachments)
    now = timezone.now()
    ticket = Ticket.objects.create(
        number=sequences.next_value(TICKET_NUMBER_SEQUENCE, start=FIRST_TICKET_NUMBER),
        subject=subject,
        customer=customer,
        organisation_id=customer.organisation_id,
        channel=channel,
        priority=priority,
        team=team,
        category=category,
        custom_fields=validate_custom_fields(custom_fields or {}),
        follow_up_of=follow_up_of,
        # The request is its first message (added below in this transaction): counted
        # here, the row needs no second write for it.
        message_count=1,
        last_message_at=now,
        created_at=now,
        updated_at=now,
    )
    if Customer.organisation.is_cached(customer):  # spare reactions a query for it
        ticket.organisation = customer.organisation
    events.record(
        ticket,
        EventType.CREATED,
        actor=actor,
        data={
            "channel": channel,
            "priority": priority,
            "team_id": team.pk if team else None,
            "follow_up_of": follow_up_of.pk if follow_up_of else None,
        },
        at=now,
    )
    _add_message(
        ticket,
        content,
        kind=MessageKind.REPLY,
        direction=Direction.INBOUND,
        actor=actor if actor.is_customer else _requester(customer),
        channel=channel,
        external_id=external_id,
        visible_text=visible_text,
        at=now,
        counted=True,
    )
    if tags:  # beside any that reactions to the request added (triage rules)
        replace_tags(ticket, tags, actor=actor, keep_current=True)
    return ticket


@transaction.atomic
def reply_to_ticket(
    ticket: Ticket,
    *,
    body: str,
    actor: Actor,
    html: str = "",
    attachments: Sequence[NewAttachment] = (),
    channel: Channel | None = None,
    status: Status | None = None,
    is_automatic: bool = False,
    external_id: str = "",
    visible_text: str = "",
) -> Message:
    """A public message: from an agent to the customer, or from the customer's side.

    ``visible_text`` is the new part of a reply without its quoted history, where a channel
    can tell them apart (email); the full body stays in ``body``."""
    ticket = _locked(ticket)
    if actor.is_customer:
        if not is_requester_side(actor, ticket):
            raise PermissionDenied("You may not reply on this ticket.")
        if status is not None:
            raise PermissionDenied("Customers cannot set a status while replying.")
    elif actor.is_agent:
        ensure_can_work(actor, ticket)
    if ticket.status == Status.CLOSED:
        raise InvalidTransition(
            f"Ticket #{ticket.number} is closed; open a follow-up ticket instead.",
            field="status",
        )
    content = _checked_body(body, html, attachments)
    direction = Direction.INBOUND if actor.is_customer else Direction.OUTBOUND
    message = _add_message(
        ticket,
        content,
        kind=MessageKind.REPLY,
        direction=direction,
        actor=actor,
        channel=channel or ticket.channel,
        is_automatic=is_automatic,
        external_id=external_id,
        visible_text=visible_text,
    )
    next_status = status or _status_after_reply(ticket, direction, is_automatic=is_automatic)
    if next_status is not None and next_status != ticket.status:
        apply_status(ticket, next_status, actor=actor)
    return message


@transaction.atomic
def add_note(
    ticket: Ticket,
    *,
    body: str,
    actor: Actor,
    html: str = "",
    attachments: Sequence[NewAttachment] = (),
) -> Message:
    """An internal note: seen by staff only, never sent to the customer."""
    ticket = _locked(ticket)
    if actor.is_agent:
        ensure_can_work(actor, ticket)
    elif actor.is_customer:
        raise PermissionDenied("Customers cannot add internal notes.")
    content = _checked_body(body, html, attachments)
    return _add_message(
        ticket,
        content,
        kind=MessageKind.NOTE,
        direction=Direction.OUTBOUND,
        actor=actor,
        channel=ticket.channel,
    )


def _requester(customer: Customer) -> Actor:
    """The customer as the author of their request. Recording a message needs the customer
    only: their portal login (``Actor.for_customer``) would cost a query and go unused."""
    return Actor(ActorKind.CUSTOMER, customer=customer)


def _ensure_may_open(actor: Actor, customer: Customer) -> None:
    if actor.is_customer:
        if actor.customer is None or actor.customer.pk != customer.pk:
            raise PermissionDenied("Customers open tickets only for themselves.")
        return
    if actor.is_agent and (actor.user is None or not can_write_tickets(actor.user)):
        raise PermissionDenied("Your role cannot open tickets.")
    if customer.is_merged:
        raise ValidationFailed("That customer was merged into another.", field="customer")


def _status_after_reply(
    ticket: Ticket, direction: Direction, *, is_automatic: bool
) -> Status | None:
    if is_automatic:
        return None
    if direction == Direction.INBOUND:
        waiting = (Status.PENDING, Status.ON_HOLD, Status.SOLVED)
        return Status.OPEN if ticket.status in waiting else None
    return Status.OPEN if ticket.status == Status.NEW else None


def _checked_body(text: str, html: str, attachments: Sequence[NewAttachment]) -> MessageBody:
    limit = settings.FRONTLINE_MAX_BODY_CHARS
    if len(text) > limit or len(html) > limit:
        longest = max(len(text), len(html))
        raise TooLarge(
            f"The message is {longest} characters long; the limit is {limit}.", field="body"
        )
    clean_html = sanitize_html(html) if html else ""
    text = text.strip() or (html_to_text(clean_html) if clean_html else "")
    if not text and not attachments:
        raise ValidationFailed("The message is empty.", field="body")
    if len(attachments) > settings.FRONTLINE_MAX_ATTACHMENTS:
        raise TooLarge(
            f"A message has {len(attachments)} attachments; at most "
            f"{settings.FRONTLINE_MAX_ATTACHMENTS} are taken.",
            field="attachments",
        )
    for index, attachment in enumerate(attachments):
        _check_attachment(index, attachment)
    return MessageBody(text=text, html=clean_html, attachments=attachments)


def _check_attachment(index: int, attachment: NewAttachment) -> None:
    """Each limit has its own field: the count is ``attachments``, one file's size and type
    are ``attachments.<index>.…``."""
    largest = settings.FRONTLINE_MAX_ATTACHMENT_BYTES
    if len(attachment.content) > largest:
        raise TooLarge(
            f"The attachment {attachment.filename!r} is {len(attachment.content)} bytes; "
            f"the limit is {largest}.",
            field=f"attachments.{index}",
        )
    if attachment.content_type and not is_media_type(attachment.content_type):
        raise ValidationFailed(
            f"The attachment {attachment.filename!r} has the content type "
            f"{attachment.content_type!r}, which is not a media type such as text/plain.",
            field=f"attachments.{index}.content_type",
        )


def _add_message(
    ticket: Ticket,
    content: MessageBody,
    *,
    kind: MessageKind,
    direction: Direction,
    actor: Actor,
    channel: str,
    is_automatic: bool = False,
    external_id: str = "",
    visible_text: str = "",
    at: datetime | None = None,
    counted: bool = False,
) -> Message:
    """``counted``: the ticket's row already counts this message (a new ticket's first)."""
    now = at or timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        kind=kind,
        direction=direction,
        author_type=events.author_type_for(actor),
        author_user=actor.user if actor.is_agent else None,
        author_customer=actor.customer,
        channel=channel,
        body_text=content.text,
        body_html=content.html,
        is_automatic=is_automatic,
        external_id=external_id[:998],
        visible_text=visible_text.strip() if visible_text.strip() != content.text else "",
        created_at=now,
    )
    stored = [_store_attachment(message, item) for item in content.attachments]
    _link_inline_images(message, stored)
    if not counted:
        Ticket.objects.filter(pk=ticket.pk).update(
            message_count=F("message_count") + 1, last_message_at=now, updated_at=now
        )
        ticket.message_count += 1
        ticket.last_message_at = ticket.updated_at = now
    events.record(
        ticket,
        EventType.MESSAGE_ADDED,
        actor=actor,
        data={
            "message_id": message.pk,
            "kind": kind,
            "direction": direction,
            "author_type": message.author_type,
            "channel": channel,
            "is_automatic": is_automatic,
            "attachments": len(stored),
        },
        at=now,
    )
    return message


def _store_attachment(message: Message, item: NewAttachment) -> Attachment:
    attachment = new_attachment(message, item)
    attachment.save()
    return attachment


def new_attachment(message: Message, item: NewAttachment) -> Attachment:
    """The attachment's row, its file already written to storage (the row is not saved)."""
    filename = safe_filename(item.filename)
    content_type = item.content_type or mimetypes.guess_type(filename)[0]
    attachment = Attachment(
        message=message,
        filename=filename,
        content_type=(content_type or "application/octet-stream")[:255],
        size=len(item.content),
        sha256=hashlib.sha256(item.content).hexdigest(),
        content_id=item.content_id[:255],
    )
    attachment.file.save(_storage_name(filename), ContentFile(item.content), save=False)
    return attachment


def _storage_name(filename: str) -> str:
    """The name of the stored file, which storage accepts whatever the offered name is
    (``")"`` has no character storage keeps); downloads use ``Attachment.filename``."""
    try:
        return get_valid_filename(filename)
    except SuspiciousFileOperation:
        return "attachment"


def clean_subject(subject: str) -> str:
    """A ticket's subject on one line, at most 250 characters; an empty one is refused."""
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationFailed("A ticket needs a subject.", field="subject")
    return subject[:250]


def _link_inline_images(message: Message, stored: Sequence[Attachment]) -> None:
    """Point ``cid:`` references of the HTML body at the stored inline attachments."""
    by_cid = {a.content_id.strip("<> ").lower(): a for a in stored if a.content_id}
    if not by_cid or "cid:" not in message.body_html.lower():
        return

    def _url(match: re.Match[str]) -> str:
        attachment = by_cid.get(unescape_html(match.group(2)).strip("<> ").lower())
        if attachment is None:
            return match.group(0)
        url = reverse("api-v1:attachment_download", kwargs={"attachment_id": attachment.pk})
        return f"{match.group(1)}{url}{match.group(1)}"

    linked = _CID_LINK.sub(_url, message.body_html)
    if linked != message.body_html:
        message.body_html = linked
        Message.objects.filter(pk=message.pk).update(body_html=linked)


def safe_filename(name: str) -> str:
    """A file name safe to store and to offer for download; keeps letters of any script."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _SAFE_FILENAME.sub("_", name).strip(" ._") or "attachment"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 10:
        return f"{stem[:150]}.{ext}"
    return name[:150]


def _locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent changes serialise."""
    fresh = (
        Ticket.objects.select_for_update(of=("self",)).select_related("customer").get(pk=ticket.pk)
    )
    return fresh
