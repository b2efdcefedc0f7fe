"""Shapes of tickets and messages in the API."""

import base64
import binascii
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import field_validator

from frontline.core.api_support import InputSchema, ObjectId
from frontline.core.contributions import schema_with_fields
from frontline.core.files import is_media_type
from frontline.tickets.models import Attachment, Message, Ticket, TicketEvent

StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
ChannelName = Literal["email", "portal", "chat", "phone", "sms", "social", "api", "web_form"]


class PersonOut(Schema):
    id: int
    name: str
    email: str | None = None


class NamedOut(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str

    @staticmethod
    def from_model(attachment: Attachment) -> "AttachmentOut":
        return AttachmentOut(
            id=attachment.pk,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            url=reverse("api-v1:attachment_download", kwargs={"attachment_id": attachment.pk}),
        )


class AuthorOut(Schema):
    type: str
    id: int | None
    name: str


class MessageOut(Schema):
    id: int
    kind: Literal["reply", "note"]
    direction: Literal["inbound", "outbound"]
    author: AuthorOut
    channel: str
    body: str
    body_html: str
    visible_text: str = Field(
        description="The new text of a reply without quoted history and signature (email); "
        "the whole body when they could not be told apart."
    )
    is_automatic: bool
    attachments: list[AttachmentOut]
    created_at: datetime

    @staticmethod
    def from_model(message: Message) -> "MessageOut":
        if message.author_type == "agent" and message.author_user is not None:
            author_id: int | None = message.author_user.pk
        elif message.author_customer is not None:
            author_id = message.author_customer.pk
        else:
            author_id = None
        return MessageOut(
            id=message.pk,
            kind=message.kind,  # type: ignore[arg-type]
            direction=message.direction,  # type: ignore[arg-type]
            author=AuthorOut(type=message.author_type, id=author_id, name=message.author_label),
            channel=message.channel,
            body=message.body_text,
            body_html=message.body_html,
            visible_text=message.visible_text or message.body_text,
            is_automatic=message.is_automatic,
            attachments=[AttachmentOut.from_model(a) for a in message.attachments.all()],
            created_at=message.created_at,
        )


class TicketOut(Schema):
    id: int
    number: int
    subject: str
    status: StatusName
    priority: PriorityName
    channel: str
    category: str | None
    customer: PersonOut
    organisation: NamedOut | None
    team: NamedOut | None
    assignee: PersonOut | None
    tags: list[str]
    custom_fields: dict[str, Any]
    parent_id: int | None
    merged_into_id: int | None
    message_count: int
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None

    @staticmethod
    def fields_of(ticket: Ticket) -> dict[str, Any]:
        customer = ticket.customer
        emails = [i.value for i in customer.identities.all() if i.kind == "email"]
        return {
            "id": ticket.pk,
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "channel": ticket.channel,
            "category": ticket.category.slug if ticket.category else None,
            "customer": {
                "id": customer.pk,
                "name": customer.name,
                "email": next(iter(emails), None),
            },
            "organisation": (
                {"id": ticket.organisation.pk, "name": ticket.organisation.name}
                if ticket.organisation
                else None
            ),
            "team": {"id": ticket.team.pk, "name": ticket.team.name} if ticket.team else None,
            "assignee": (
                {
                    "id": ticket.assignee.pk,
                    "name": str(ticket.assignee),
                    "email": ticket.assignee.email,
                }
                if ticket.assignee
                else None
            ),
            "tags": sorted(t.name for t in ticket.tags.all()),
            "custom_fields": ticket.custom_fields,
            "parent_id": ticket.parent_id,
            "merged_into_id": ticket.merged_into_id,
            "message_count": ticket.message_count,
            "created_at": ticket.created_at,
            "updated_at": ticket.updated_at,
            "solved_at": ticket.solved_at,
        }

    @classmethod
    def from_model(cls, ticket: Ticket) -> "TicketOut":
        return cls(**cls.fields_of(ticket))


class _TicketDetailBase(TicketOut):
    collaborators: list[PersonOut]
    messages: list[MessageOut]


if TYPE_CHECKING:
    TicketDetailOut = _TicketDetailBase
else:
    # Its SLA targets and whatever else other apps add (``frontline/contributions.py``).
    TicketDetailOut = schema_with_fields(
        _TicketDetailBase, name="TicketDetailOut", kind="ticket.detail_fields"
    )


class TicketPageOut(Schema):
    items: list[TicketOut]
    next: str | None


class EventOut(Schema):
    id: int
    type: str
    actor: AuthorOut
    data: dict[str, Any]
    created_at: datetime

    @staticmethod
    def from_model(event: TicketEvent) -> "EventOut":
        if event.actor_user is not None:
            actor = AuthorOut(
                type=event.actor_type, id=event.actor_user.pk, name=str(event.actor_user)
            )
        elif event.actor_customer is not None:
            actor = AuthorOut(
                type=event.actor_type, id=event.actor_customer.pk, name=event.actor_customer.name
            )
        else:
            actor = AuthorOut(type=event.actor_type, id=None, name=event.actor_type)
        return EventOut(
            id=event.pk, type=event.type, actor=actor, data=event.data, created_at=event.created_at
        )


class EventPageOut(Schema):
    items: list[EventOut]
    next: str | None


class AttachmentIn(InputSchema):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(
        default="",
        max_length=255,
        description="A media type such as `application/pdf`; empty: guessed from the name.",
    )
    content_base64: str

    @field_validator("content_type")
    @classmethod
    def _is_media_type(cls, value: str) -> str:
        if value and not is_media_type(value):
            raise ValueError("is not a media type such as text/plain (type/subtype; parameters)")
        return value

    @field_validator("content_base64")
    @classmethod
    def _is_base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("is not valid base64") from None
        return value

    def content(self) -> bytes:
        return base64.b64decode(self.content_base64)


class CustomerRefIn(InputSchema):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(default="", max_length=200)


class TicketCreateIn(InputSchema):
    subject: str = Field(min_length=1, max_length=250)
    body: str = Field(default="", max_length=1_000_000)
    body_html: str = Field(default="", max_length=1_000_000)
    customer: CustomerRefIn | None = None
    priority: PriorityName = "normal"
    channel: ChannelName = "api"
    team_id: ObjectId | None = None
    category: str | None = None
    tags: list[str] = Field(default_factory=list, max_length=50)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=100)


class TicketUpdateIn(InputSchema):
    subject: str | None = Field(default=None, min_length=1, max_length=250)
    status: StatusName | None = None
    priority: PriorityName | None = None
    assignee_id: ObjectId | None = None
    team_id: ObjectId | None = None
    category: str | None = None
    tags: list[str] | None = Field(default=None, max_length=50)
    custom_fields: dict[str, Any] | None = None


class MessageIn(InputSchema):
    body: str = Field(default="", max_length=1_000_000)
    body_html: str = Field(default="", max_length=1_000_000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=100)


class ReplyIn(MessageIn):
    status: StatusName | None = None


class MergeIn(InputSchema):
    into_id: ObjectId


class SplitIn(InputSchema):
    message_ids: list[ObjectId] = Field(
        min_length=1, max_length=500, description="The messages that move to the new ticket."
    )
    subject: str = Field(
        "",
        max_length=250,
        pattern=r"^[^\x00]*$",
        description="The new ticket's subject; empty: the first line of the first message moved.",
    )


class ParentIn(InputSchema):
    parent_id: ObjectId | None


class CollaboratorIn(InputSchema):
    user_id: ObjectId
