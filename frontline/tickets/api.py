"""Ticket endpoints: /api/v1/tickets."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from ninja.responses import Status as Created
from pydantic import BeforeValidator

from frontline.accounts.api_auth import request_actor
from frontline.accounts.models import Team, User
from frontline.accounts.permissions import can_write_tickets
from frontline.accounts.queries import team_by_id
from frontline.core.actors import Actor
from frontline.core.api_support import ObjectId, responses
from frontline.core.contributions import field_values
from frontline.core.errors import NotFound, PermissionDenied, ValidationFailed
from frontline.core.pagination import PageParams, paginate
from frontline.core.web import download
from frontline.customers.models import Customer, Identity
from frontline.customers.services import get_or_create_customer_by_email
from frontline.tickets import contributions, queries, services
from frontline.tickets.models import (
    Attachment,
    Category,
    Channel,
    MessageKind,
    Priority,
    Status,
    Ticket,
)
from frontline.tickets.schemas import (
    AttachmentIn,
    CollaboratorIn,
    EventOut,
    EventPageOut,
    MergeIn,
    MessageIn,
    MessageOut,
    ParentIn,
    PersonOut,
    ReplyIn,
    SplitIn,
    TicketCreateIn,
    TicketDetailOut,
    TicketOut,
    TicketPageOut,
    TicketUpdateIn,
)

router = Router(tags=["tickets"])

LIST_ORDER = ("-updated_at", "-id")


def _iso_only(value: object) -> object:
    """Refuse numbers posing as timestamps: the schema promises an ISO 8601 date-time. The
    time is taken in UTC: PostgreSQL refuses offsets past 15:59 that Python accepts."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            return aware.astimezone(UTC)
        except (ValueError, OverflowError):
            raise ValueError("is not an ISO 8601 date-time in years 1 to 9999") from None
    return value


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_only)]

_STATUS = "(new|open|pending|on_hold|solved|closed)"
_STATUS_LIST = rf"^(unsolved|{_STATUS}(,{_STATUS})*)$"
_PRIORITY_LIST = r"^(low|normal|high|urgent)(,(low|normal|high|urgent))*$"
_CHANNEL_LIST = r"^[a-z_]+(,[a-z_]+)*$"


class TicketFilters(Schema):
    status: str | None = NinjaField(
        None, pattern=_STATUS_LIST, description="Comma-separated statuses, or 'unsolved'."
    )
    priority: str | None = NinjaField(
        None, pattern=_PRIORITY_LIST, description="Comma-separated priorities."
    )
    team_id: ObjectId | None = None
    assignee_id: str | None = NinjaField(
        None, pattern=r"^([1-9][0-9]{0,17}|me|none)$", description="A user id, 'me' or 'none'."
    )
    customer_id: ObjectId | None = None
    organisation_id: ObjectId | None = None
    tag: str | None = None
    channel: str | None = NinjaField(None, pattern=_CHANNEL_LIST)
    updated_since: IsoDatetime | None = None
    sla_due_before: IsoDatetime | None = NinjaField(
        None, description="Only tickets whose next SLA target is due before this (or overdue)."
    )
    order: Literal["updated", "sla_due"] = NinjaField(
        "updated", description="Most recently updated first, or next SLA target due first."
    )
    cursor: str | None = None
    page_size: int | None = NinjaField(None, ge=1, le=100)


def with_list_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related(
        "customer", "organisation", "team", "assignee", "category"
    ).prefetch_related("tags", _customer_addresses())


def _customer_addresses() -> "Prefetch[str]":
    """The customer's identities, primary first: ``TicketOut`` shows the first address."""
    return Prefetch("customer__identities", queryset=Identity.objects.order_by("-is_primary", "id"))


def _choices(
    raw: str, allowed: type[Status] | type[Priority] | type[Channel], field: str
) -> list[str]:
    values = [v.strip() for v in raw.split(",") if v.strip()]
    unknown = [v for v in values if v not in allowed.values]
    if unknown:
        raise ValidationFailed(f"Unknown {field}: {', '.join(unknown)}.", field=field)
    return values


def filter_tickets(
    tickets: QuerySet[Ticket], filters: TicketFilters, actor: Actor
) -> QuerySet[Ticket]:
    if filters.status:
        if filters.status == "unsolved":
            tickets = tickets.filter(unsolved=True)
        else:
            tickets = tickets.filter(status__in=_choices(filters.status, Status, "status"))
    if filters.priority:
        tickets = tickets.filter(priority__in=_choices(filters.priority, Priority, "priority"))
    if filters.channel:
        tickets = tickets.filter(channel__in=_choices(filters.channel, Channel, "channel"))
    if filters.team_id is not None:
        tickets = tickets.filter(team_id=filters.team_id)
    if filters.assignee_id is not None:
        tickets = tickets.filter(_assignee_filter(filters.assignee_id, actor))
    if filters.customer_id is not None:
        tickets = tickets.filter(customer_id=filters.customer_id)
    if filters.organisation_id is not None:
        tickets = tickets.filter(organisation_id=filters.organisation_id)
    if filters.tag:
        tickets = tickets.filter(tags__name=filters.tag.strip().lower())
    if filters.updated_since is not None:
        tickets = tickets.filter(updated_at__gte=filters.updated_since)
    if filters.sla_due_before is not None:
        tickets = contributions.due_time().due_before(tickets, filters.sla_due_before)
    return tickets


def ordered_tickets(
    tickets: QuerySet[Ticket], order: str
) -> tuple[QuerySet[Ticket], tuple[str, ...]]:
    if order != "sla_due":
        return tickets, LIST_ORDER
    return queries.with_due_time(tickets), queries.DUE_ORDER


def _assignee_filter(raw: str, actor: Actor) -> Q:
    if raw == "none":
        return Q(assignee__isnull=True)
    if raw == "me":
        return Q(assignee_id=actor.user.pk if actor.user else None)
    if raw.isdigit():
        return Q(assignee_id=int(raw))
    raise ValidationFailed("assignee_id is a user id, 'me' or 'none'.", field="assignee_id")


@router.get("", response=responses({200: TicketPageOut}), summary="List tickets")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPageOut:
    actor = request_actor(request)
    tickets = filter_tickets(queries.tickets_visible_to(actor), filters, actor)
    tickets, order = ordered_tickets(tickets, filters.order)
    page = paginate(
        with_list_relations(tickets),
        request,
        order=order,
        cursor=filters.cursor,
        page_size=filters.page_size,
        pick=queries.pick_rows(order),
    )
    return TicketPageOut(items=[TicketOut.from_model(t) for t in page.items], next=page.next)


@router.post("", response=responses({201: TicketOut}), summary="Open a ticket")
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> Created[TicketOut]:
    actor = request_actor(request)
    customer = _requester(actor, payload)
    ticket = services.open_ticket(
        customer=customer,
        subject=payload.subject,
        body=payload.body,
        html=payload.body_html,
        actor=actor,
        channel=Channel(payload.channel) if actor.is_agent else Channel.PORTAL,
        priority=Priority(payload.priority) if actor.is_agent else Priority.NORMAL,
        team=_default_team(actor, payload.team_id),
        category=_category(payload.category),
        tags=payload.tags if actor.is_agent else (),
        custom_fields=payload.custom_fields,
        attachments=_attachments(payload.attachments),
    )
    # The creator always gets their ticket back, even one routed to a team they cannot see.
    return Created(201, TicketOut.from_model(_as_opened(ticket)))


@router.get("/{ticket_id}", response=responses({200: TicketDetailOut}), summary="Read a ticket")
def get_ticket(request: HttpRequest, ticket_id: ObjectId) -> TicketDetailOut:
    actor = request_actor(request)
    ticket = _reload(actor, ticket_id)
    messages = queries.messages_visible_to(actor, ticket)
    collaborators = [
        PersonOut(id=u.pk, name=str(u), email=u.email) for u in ticket.collaborators.all()
    ]
    now = timezone.now()
    contributed = field_values("ticket.detail_fields", ticket, actor=actor, now=now)
    return TicketDetailOut(
        **TicketOut.fields_of(ticket),
        collaborators=collaborators if actor.is_agent else [],
        messages=[MessageOut.from_model(m) for m in messages],
        **contributed,
    )


@router.patch("/{ticket_id}", response=responses({200: TicketOut}), summary="Change fields")
def update_ticket(request: HttpRequest, ticket_id: ObjectId, payload: TicketUpdateIn) -> TicketOut:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    given = payload.model_fields_set
    if actor.is_customer:
        if given - {"status"} or payload.status is None:
            raise PermissionDenied("Customers may only mark a ticket solved or reopen it.")
        services.change_status(ticket, status=Status(payload.status), actor=actor)
        return TicketOut.from_model(_reload(actor, ticket_id))
    changes = services.TicketChanges(
        subject=payload.subject,
        status=Status(payload.status) if payload.status else None,
        priority=Priority(payload.priority) if payload.priority else None,
        team=team_by_id(payload.team_id) if payload.team_id is not None else None,
        clear_team="team_id" in given and payload.team_id is None,
        assignee=_user(payload.assignee_id) if payload.assignee_id is not None else None,
        unassign="assignee_id" in given and payload.assignee_id is None,
        category=_category(payload.category) if payload.category else None,
        clear_category="category" in given and not payload.category,
        tags=payload.tags,
        custom_fields=payload.custom_fields,
    )
    services.update_ticket(ticket, changes=changes, actor=actor)
    return TicketOut.from_model(_reload(actor, ticket_id))


@router.post("/{ticket_id}/replies", response=responses({201: MessageOut}), summary="Reply")
def reply(request: HttpRequest, ticket_id: ObjectId, payload: ReplyIn) -> Created[MessageOut]:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    message = services.reply_to_ticket(
        ticket,
        body=payload.body,
        html=payload.body_html,
        actor=actor,
        attachments=_attachments(payload.attachments),
        channel=Channel.PORTAL if actor.is_customer else None,
        status=Status(payload.status) if payload.status else None,
    )
    return Created(201, _message_out(actor, ticket, message.pk))


@router.post("/{ticket_id}/notes", response=responses({201: MessageOut}), summary="Internal note")
def note(request: HttpRequest, ticket_id: ObjectId, payload: MessageIn) -> Created[MessageOut]:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    if not actor.is_agent:
        raise PermissionDenied("Customers cannot add internal notes.")
    message = services.add_note(
        ticket,
        body=payload.body,
        html=payload.body_html,
        actor=actor,
        attachments=_attachments(payload.attachments),
    )
    return Created(201, _message_out(actor, ticket, message.pk))


@router.get("/{ticket_id}/events", response=responses({200: EventPageOut}), summary="Audit log")
def list_events(
    request: HttpRequest, ticket_id: ObjectId, paging: Query[PageParams]
) -> EventPageOut:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    page = paginate(
        queries.events_visible_to(actor, ticket),
        request,
        order=("created_at", "id"),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return EventPageOut(items=[EventOut.from_model(e) for e in page.items], next=page.next)


@router.post(
    "/{ticket_id}/merge", response=responses({200: TicketOut}), summary="Merge into another"
)
def merge(request: HttpRequest, ticket_id: ObjectId, payload: MergeIn) -> TicketOut:
    actor = request_actor(request)
    source = queries.get_ticket_for(actor, ticket_id)
    target = queries.get_ticket_for(actor, payload.into_id)
    merged = services.merge_tickets(source, into=target, actor=actor)
    return TicketOut.from_model(_reload(actor, merged.pk))


@router.post(
    "/{ticket_id}/split", response=responses({201: TicketOut}), summary="Split into a new ticket"
)
def split(request: HttpRequest, ticket_id: ObjectId, payload: SplitIn) -> Created[TicketOut]:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    new = services.split_ticket(
        ticket, message_ids=payload.message_ids, subject=payload.subject, actor=actor
    )
    return Created(201, TicketOut.from_model(_reload(actor, new.pk)))


@router.put("/{ticket_id}/parent", response=responses({200: TicketOut}), summary="Link to incident")
def set_parent(request: HttpRequest, ticket_id: ObjectId, payload: ParentIn) -> TicketOut:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    parent = queries.get_ticket_for(actor, payload.parent_id) if payload.parent_id else None
    services.link_to_parent(ticket, parent=parent, actor=actor)
    return TicketOut.from_model(_reload(actor, ticket_id))


@router.post(
    "/{ticket_id}/collaborators", response=responses({200: TicketOut}), summary="Add collaborator"
)
def add_collaborator(
    request: HttpRequest, ticket_id: ObjectId, payload: CollaboratorIn
) -> TicketOut:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    services.add_collaborator(ticket, user=_user(payload.user_id), actor=actor)
    return TicketOut.from_model(_reload(actor, ticket_id))


@router.delete(
    "/{ticket_id}/collaborators/{user_id}",
    response=responses({200: TicketOut}),
    summary="Remove collaborator",
)
def remove_collaborator(request: HttpRequest, ticket_id: ObjectId, user_id: ObjectId) -> TicketOut:
    actor = request_actor(request)
    ticket = queries.get_ticket_for(actor, ticket_id)
    services.remove_collaborator(ticket, user=_user(user_id), actor=actor)
    return TicketOut.from_model(_reload(actor, ticket_id))


@router.get(
    "/attachments/{attachment_id}",
    response=responses({200: None}),
    url_name="attachment_download",
    summary="Download an attachment",
)
def download_attachment(request: HttpRequest, attachment_id: ObjectId) -> FileResponse:
    actor = request_actor(request)
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("No such attachment.")
    queries.get_ticket_for(actor, attachment.message.ticket_id)
    if attachment.message.kind == MessageKind.NOTE and not actor.is_agent:
        raise NotFound("No such attachment.")
    return download(
        request, attachment.file, filename=attachment.filename, content_type=attachment.content_type
    )


def _as_opened(ticket: Ticket) -> Ticket:
    """The ticket ``open_ticket`` returned, as ``with_list_relations`` would read it back.

    It holds every column as stored, and its customer, team and category; the organisation
    is the one the SLA match read, if it looked. Only what is left (the customer's addresses,
    the tags) is read, not the whole ticket again with every join."""
    prefetch_related_objects([ticket], "organisation", "tags", _customer_addresses())
    return ticket


def _reload(actor: Actor, ticket_id: int) -> Ticket:
    ticket = with_list_relations(queries.tickets_visible_to(actor)).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} does not exist or is not visible to you.")
    return ticket


def _message_out(actor: Actor, ticket: Ticket, message_id: int) -> MessageOut:
    message = queries.messages_visible_to(actor, ticket).get(pk=message_id)
    return MessageOut.from_model(message)


def _requester(actor: Actor, payload: TicketCreateIn) -> Customer:
    if actor.is_customer and actor.customer is not None:
        return actor.customer
    if not actor.is_agent:
        raise PermissionDenied("Only staff and customers open tickets.")
    # Before the look-up below, which would otherwise add the customer for a refused caller.
    if actor.user is None or not can_write_tickets(actor.user):
        raise PermissionDenied("Your role cannot open tickets.")
    if payload.customer is None:
        raise ValidationFailed("Name the customer the ticket is for.", field="customer")
    return get_or_create_customer_by_email(str(payload.customer.email), name=payload.customer.name)


def _default_team(actor: Actor, team_id: int | None) -> Team | None:
    """The team asked for, else the creating agent's first team; customers' tickets wait for
    routing."""
    if not actor.is_agent or actor.user is None:
        return None
    if team_id is not None:
        return team_by_id(team_id)
    return actor.user.teams.order_by("tier", "name").first()


def _user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationFailed(f"There is no active user {user_id}.", field="assignee_id")
    return user


def _category(slug: str | None) -> Category | None:
    if not slug:
        return None
    category = Category.objects.filter(slug=slug, is_active=True).first()
    if category is None:
        raise ValidationFailed(f"There is no category {slug!r}.", field="category")
    return category


def _attachments(items: list[AttachmentIn]) -> list[services.NewAttachment]:
    return [
        services.NewAttachment(
            filename=item.filename, content=item.content(), content_type=item.content_type
        )
        for item in items
    ]
