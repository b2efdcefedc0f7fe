"""The macros API: /api/v1/macros (list, create, read, change, delete) and
/api/v1/tickets/{id}/macros/{macro_id} (apply one to a ticket)."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from frontline.accounts.api_auth import request_actor
from frontline.core.actors import Actor
from frontline.core.api_support import InputSchema, ObjectId, responses
from frontline.core.pagination import paginate
from frontline.macros import queries, services
from frontline.macros.models import Macro, Scope
from frontline.tickets.api import with_list_relations
from frontline.tickets.models import Ticket
from frontline.tickets.queries import get_ticket_for, messages_visible_to, tickets_visible_to
from frontline.tickets.schemas import MessageOut, PriorityName, StatusName, TicketOut

router = Router(tags=["macros"])

ScopeName = Literal["personal", "team", "shared"]
ORDER = ("-usage_count", "name", "id")


class MacroChangesIn(InputSchema):
    status: StatusName | None = None
    priority: PriorityName | None = None
    team_id: ObjectId | None = None
    tags: list[str] | None = Field(default=None, max_length=services.MAX_TAGS)
    remove_tags: list[str] | None = Field(default=None, max_length=services.MAX_TAGS)


class MacroIn(InputSchema):
    name: str = Field(max_length=120)
    body: str = Field(
        default="",
        max_length=services.MAX_BODY,
        description="Reply text with placeholders such as {{ customer.first_name }}.",
    )
    changes: MacroChangesIn | None = None
    scope: ScopeName | None = Field(
        default=None,
        description="Without one: shared when you may create shared macros, else personal.",
    )
    team_id: ObjectId | None = Field(default=None, description="For a team macro.")
    is_active: bool = True


class MacroUpdateIn(InputSchema):
    name: str | None = Field(default=None, max_length=120)
    body: str | None = Field(default=None, max_length=services.MAX_BODY)
    changes: MacroChangesIn | None = None
    scope: ScopeName | None = None
    team_id: ObjectId | None = None
    is_active: bool | None = None


class MacroChangesOut(Schema):
    status: str | None = None
    priority: str | None = None
    team_id: int | None = None
    tags: list[str] = []
    remove_tags: list[str] = []


class MacroOut(Schema):
    id: int
    name: str
    body: str
    changes: MacroChangesOut
    scope: ScopeName
    team_id: int | None
    owner_id: int | None
    is_active: bool
    usage_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MacroPageOut(Schema):
    items: list[MacroOut]
    next: str | None


class MacroFilters(Schema):
    q: str = Field("", max_length=200, pattern=r"^[^\x00]*$", description="Words in name or text.")
    scope: ScopeName | None = None
    cursor: str | None = Field(None, min_length=1, max_length=1000, pattern=r"^[^\x00]*$")
    page_size: int | None = Field(None, ge=1, le=100)


class MacroAppliedOut(Schema):
    ticket: TicketOut
    message: MessageOut | None


def _out(macro: Macro) -> MacroOut:
    return MacroOut(
        id=macro.pk,
        name=macro.name,
        body=macro.body,
        changes=MacroChangesOut(**(macro.changes or {})),
        scope=macro.scope,  # type: ignore[arg-type]
        team_id=macro.team_id,
        owner_id=macro.owner_id,
        is_active=macro.is_active,
        usage_count=macro.usage_count,
        last_used_at=macro.last_used_at,
        created_at=macro.created_at,
        updated_at=macro.updated_at,
    )


def _changes(payload: MacroChangesIn | None) -> dict[str, object] | None:
    return None if payload is None else payload.model_dump(exclude_none=True)


@router.get("/macros", response=responses({200: MacroPageOut}), summary="Macros")
def list_macros(request: HttpRequest, filters: Query[MacroFilters]) -> MacroPageOut:
    """The caller's personal macros, their teams' and the shared ones, most-used first."""
    actor = request_actor(request)
    queries.ensure_macro_user(actor)
    scope = Scope(filters.scope) if filters.scope else None
    page = paginate(
        queries.macros_visible_to(actor, q=filters.q, scope=scope),
        request,
        order=ORDER,
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    return MacroPageOut(items=[_out(m) for m in page.items], next=page.next)


@router.post("/macros", response=responses({201: MacroOut}), summary="New macro")
def create_macro(request: HttpRequest, payload: MacroIn) -> Status[MacroOut]:
    actor = request_actor(request)
    queries.ensure_macro_user(actor)
    fields = services.MacroFields(
        name=payload.name,
        body=payload.body,
        changes=_changes(payload.changes),
        scope=Scope(payload.scope) if payload.scope else None,
        team_id=payload.team_id,
        is_active=payload.is_active,
    )
    return Status(201, _out(services.create_macro(fields=fields, actor=actor)))


@router.get("/macros/{macro_id}", response=responses({200: MacroOut}), summary="Read a macro")
def get_macro(request: HttpRequest, macro_id: ObjectId) -> MacroOut:
    return _out(queries.get_macro_for(request_actor(request), macro_id))


@router.patch("/macros/{macro_id}", response=responses({200: MacroOut}), summary="Change a macro")
def update_macro(request: HttpRequest, macro_id: ObjectId, payload: MacroUpdateIn) -> MacroOut:
    actor = request_actor(request)
    macro = queries.get_macro_for(actor, macro_id)
    given = payload.model_fields_set
    fields = services.MacroFields(
        name=payload.name,
        body=payload.body,
        changes=(_changes(payload.changes) or {}) if "changes" in given else None,
        scope=Scope(payload.scope) if payload.scope else None,
        team_id=payload.team_id,
        is_active=payload.is_active,
    )
    return _out(services.update_macro(macro, fields=fields, actor=actor))


@router.delete("/macros/{macro_id}", response=responses({204: None}), summary="Delete a macro")
def delete_macro(request: HttpRequest, macro_id: ObjectId) -> Status[None]:
    actor = request_actor(request)
    services.delete_macro(queries.get_macro_for(actor, macro_id), actor=actor)
    return Status(204, None)


@router.post(
    "/tickets/{ticket_id}/macros/{macro_id}",
    response=responses({200: MacroAppliedOut}),
    summary="Apply a macro to a ticket",
)
def apply_macro(request: HttpRequest, ticket_id: ObjectId, macro_id: ObjectId) -> MacroAppliedOut:
    """Writes the macro's reply (placeholders filled in) and makes its changes; returns the
    ticket as ``GET /tickets/{id}`` lists it and the message written (null without text)."""
    actor = request_actor(request)
    queries.ensure_macro_user(actor)
    ticket = get_ticket_for(actor, ticket_id)
    macro = queries.get_macro_for(actor, macro_id)
    applied = services.apply_macro(ticket, macro, actor=actor)
    fresh = _ticket_out(actor, ticket_id)
    message = None
    if applied.message is not None:
        message = MessageOut.from_model(
            messages_visible_to(actor, ticket).get(pk=applied.message.pk)
        )
    return MacroAppliedOut(ticket=fresh, message=message)


def _ticket_out(actor: Actor, ticket_id: int) -> TicketOut:
    """The ticket as the tickets API lists it. A macro that moved it to a team the agent is
    not in still answers with what it did, as ``POST /tickets`` does for its creator."""
    ticket = with_list_relations(tickets_visible_to(actor)).filter(pk=ticket_id).first()
    if ticket is None:
        ticket = with_list_relations(Ticket.objects.all()).get(pk=ticket_id)
    return TicketOut.from_model(ticket)
