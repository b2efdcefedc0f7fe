"""Reads of tickets, always scoped to the actor asking."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import (
    CharField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from frontline.accounts.models import User
from frontline.accounts.permissions import can_write_tickets, is_staff_member, sees_all_tickets
from frontline.core.actors import Actor, ActorKind
from frontline.core.errors import NotFound, PermissionDenied
from frontline.core.pagination import first_rows
from frontline.customers.models import Identity, IdentityKind, Organisation
from frontline.tickets import contributions
from frontline.tickets.models import (
    UNSOLVED_STATUSES,
    Attachment,
    Message,
    MessageKind,
    Ticket,
    TicketEvent,
)


@dataclass(frozen=True)
class Reach:
    """The teams an agent belongs to and the organisations they manage."""

    team_ids: list[int]
    managed_organisation_ids: list[int]


_TEAM, _ORGANISATION = 0, 1


def agent_reach(actor: Actor) -> Reach:
    """The actor's teams and managed organisations: one query, once per actor."""
    user = actor.user
    if user is None:
        return Reach([], [])

    def read() -> Reach:
        kind = {"output_field": IntegerField()}
        teams = user.memberships.order_by().annotate(kind=Value(_TEAM, **kind))
        managed = Organisation.objects.filter(account_manager=user).order_by()
        managed = managed.annotate(kind=Value(_ORGANISATION, **kind))
        rows = teams.values_list("kind", "team_id").union(
            managed.values_list("kind", "pk"), all=True
        )
        ids: dict[int, list[int]] = {_TEAM: [], _ORGANISATION: []}
        for which, pk in rows:
            ids[which].append(pk)
        return Reach(team_ids=ids[_TEAM], managed_organisation_ids=ids[_ORGANISATION])

    return actor.remember("reach", read)


def agent_team_ids(actor: Actor) -> list[int]:
    """The teams of the actor's user, read once per actor."""
    return agent_reach(actor).team_ids


def _agent_scope(actor: Actor, user: User) -> Q:
    """Tickets of the agent's teams, plus those assigned to them, shared with them, or of
    organisations they manage as account manager. Each part is a small id set, so the outer
    query can still walk an ``updated_at`` index and stop after one page."""
    reach = agent_reach(actor)
    collaborating = Ticket.collaborators.through.objects.filter(user_id=user.pk).values("ticket_id")
    scope = Q(team_id__in=reach.team_ids) | Q(assignee_id=user.pk) | Q(pk__in=collaborating)
    if reach.managed_organisation_ids:
        scope |= Q(organisation_id__in=reach.managed_organisation_ids)
    return scope


def tickets_visible_to(actor: Actor) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    user = actor.user
    if actor.is_customer and actor.customer is not None:
        customer = actor.customer
        # A short id list, not a subquery: with the subquery PostgreSQL misestimates the OR
        # and scans the whole updated_at index instead of the customer's own tickets.
        copied = list(
            Ticket.customer_collaborators.through.objects.filter(
                customer_id=customer.pk
            ).values_list("ticket_id", flat=True)[:1000]
        )
        scope = Q(customer_id=customer.pk)
        if copied:
            scope |= Q(pk__in=copied)
        organisation = customer.organisation
        if organisation is not None and organisation.shared_tickets:
            scope |= Q(organisation_id=organisation.pk)
        return tickets.filter(scope)
    if user is None or not is_staff_member(user):
        return tickets.none()
    if sees_all_tickets(user):
        return tickets
    return tickets.filter(actor.remember("ticket_scope", lambda: _agent_scope(actor, user)))


def team_ticket_scope(actor: Actor) -> QuerySet[Ticket]:
    """The agent's inbox: tickets of the agent's own teams (what an associate works)."""
    user = actor.user
    if user is None or not is_staff_member(user):
        return Ticket.objects.none()
    return Ticket.objects.filter(team_id__in=agent_team_ids(actor))


# What a ticket is shown with; a page that has its teams, agents and categories loaded
# already asks for fewer (``views.common.attach_known``).
TICKET_RELATIONS = ("customer", "organisation", "team", "assignee", "category")


def get_ticket_for(actor: Actor, ticket_id: int) -> Ticket:
    ticket = _one_visible(actor, TICKET_RELATIONS, pk=ticket_id)
    if ticket is None:
        raise NotFound(f"Ticket {ticket_id} does not exist or is not visible to you.")
    return ticket


def get_ticket_by_number_for(
    actor: Actor, number: int, *, related: tuple[str, ...] = TICKET_RELATIONS
) -> Ticket:
    ticket = _one_visible(actor, related, number=number)
    if ticket is None:
        raise NotFound(f"Ticket #{number} does not exist or is not visible to you.")
    return ticket


def _one_visible(actor: Actor, related: tuple[str, ...], **lookup: int) -> Ticket | None:
    """One ticket if the actor may see it. Staff read it by its key and are checked in
    Python (``_staff_sees``): the scope's OR of subqueries cost PostgreSQL more to plan
    than the read itself."""
    user = actor.user
    if actor.is_customer or user is None or not is_staff_member(user):
        return _only_one(tickets_visible_to(actor).select_related(*related).filter(**lookup))
    ticket = _only_one(Ticket.objects.select_related(*related).filter(**lookup))
    return ticket if ticket is not None and _staff_sees(actor, user, ticket) else None


def _only_one(tickets: QuerySet[Ticket]) -> Ticket | None:
    """The ticket of a look-up by a unique key. ``first()`` would add an ORDER BY, which
    PostgreSQL weighs against the joins when planning: 1 ms of the read."""
    found = list(tickets.order_by()[:1])
    return found[0] if found else None


def _staff_sees(actor: Actor, user: User, ticket: Ticket) -> bool:
    """``_agent_scope`` for one loaded ticket; the two must agree (tested side by side)."""
    if sees_all_tickets(user):
        return True
    reach = agent_reach(actor)
    if (
        ticket.team_id in reach.team_ids
        or ticket.assignee_id == user.pk
        or ticket.organisation_id in reach.managed_organisation_ids
    ):
        return True
    collaborating = Ticket.collaborators.through.objects.filter(
        ticket_id=ticket.pk, user_id=user.pk
    )
    return collaborating.exists()


def messages_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[Message]:
    messages = ticket.messages.select_related("author_user", "author_customer").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )
    if not actor.is_agent:
        return messages.filter(kind=MessageKind.REPLY).order_by("created_at", "id")
    # Staff see what other apps show beneath a message (e.g. how its email fared).
    return contributions.with_footer_rows(messages).order_by("created_at", "id")


def get_attachment_for(actor: Actor, attachment_id: int) -> Attachment:
    """An attachment of a ticket the actor sees; customers never get those of notes."""
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    hidden = attachment is not None and (
        attachment.message.kind == MessageKind.NOTE and not actor.is_agent
    )
    if attachment is None or hidden:
        raise NotFound("No such attachment.")
    get_ticket_for(actor, attachment.message.ticket_id)
    return attachment


@dataclass(frozen=True)
class Recipients:
    """Who a public reply reaches by email: the requester, and the people copied on it."""

    to: str
    cc: list[str]


def ticket_identities(ticket: Ticket) -> list[Identity]:
    """The requester's identities on every channel, and the primary, unbounced email
    addresses of the customers copied on the ticket: one query, for the customer 360 panel
    and ``reply_recipients`` both.

    Two arms joined by UNION ALL, each read through the customer index; as one OR condition
    PostgreSQL scanned every email address."""
    own = Identity.objects.filter(customer_id=ticket.customer_id).order_by()
    copied = Ticket.customer_collaborators.through.objects.filter(ticket_id=ticket.pk).values(
        "customer_id"
    )
    cc = Identity.objects.filter(
        kind=IdentityKind.EMAIL, customer_id__in=copied, is_primary=True, is_flagged=False
    ).order_by()
    return list(own.union(cc, all=True))


def reply_recipients(ticket: Ticket, identities: Sequence[Identity] | None = None) -> Recipients:
    """The addresses the email channel sends a reply to: the requester's primary address
    (else their first), and the copied customers' primary, unbounced addresses. From
    ``identities`` when the caller has read them (``ticket_identities``)."""
    rows = ticket_identities(ticket) if identities is None else identities
    emails = [i for i in rows if i.kind == IdentityKind.EMAIL]
    requester = sorted(
        (i for i in emails if i.customer_id == ticket.customer_id),
        key=lambda i: (not i.is_primary, i.pk),
    )
    cc = sorted({i.value for i in emails if i.customer_id != ticket.customer_id})
    return Recipients(to=requester[0].value if requester else "", cc=cc[:50])


def tags_and_collaborators(ticket: Ticket) -> tuple[list[str], list[int]]:
    """The ticket's tag names, sorted, and its collaborators' user ids: one query, two
    arms of a UNION ALL (a tag row has a name, a collaborator row none)."""
    tagged = (
        Ticket.tags.through.objects.filter(ticket_id=ticket.pk)
        .order_by()
        .values_list(F("tag__name"), "tag_id")
    )
    sharing = (
        Ticket.collaborators.through.objects.filter(ticket_id=ticket.pk)
        .order_by()
        .values_list(Value(None, output_field=CharField()), "user_id")
    )
    rows = list(tagged.union(sharing, all=True))
    tags = sorted(label for label, _ in rows if label is not None)
    return tags, [ref for label, ref in rows if label is None]


def events_visible_to(actor: Actor, ticket: Ticket) -> QuerySet[TicketEvent]:
    if not actor.is_agent:
        raise PermissionDenied("The audit log is for staff.")
    return ticket.events.select_related("actor_user", "actor_customer").order_by("created_at", "id")


UNSOLVED = UNSOLVED_STATUSES


def ensure_can_work(actor: Actor, ticket: Ticket) -> None:
    """Raise unless the actor may change the ticket as staff (analysts read only). The
    system itself (SLA breach actions, time-based automations) may change any ticket."""
    if actor.kind is ActorKind.SYSTEM:
        return
    user = actor.user
    if not actor.is_agent or user is None or not can_write_tickets(user):
        raise PermissionDenied("You may not change this ticket.")
    if not _staff_sees(actor, user, ticket):
        raise PermissionDenied("You may not change this ticket.")


def is_requester_side(actor: Actor, ticket: Ticket) -> bool:
    """The customer behind the ticket, or a colleague allowed to see their organisation's."""
    return (
        actor.is_customer
        and actor.customer is not None
        and tickets_visible_to(actor).filter(pk=ticket.pk).exists()
    )


# Another app keeps each ticket's next due time (``contributions.due_time``: the SLA
# engine's, indexed); tickets with nothing due sort after all others.
NEVER_DUE = datetime(9999, 12, 31, tzinfo=UTC)


def with_due_time(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate ``next_due_at``: when the ticket's next commitment is due."""
    return contributions.due_time().annotate(tickets, name="next_due_at", never=NEVER_DUE)


# Next due first; tickets with nothing due go last.
DUE_ORDER = ("next_due_at", "id")


def pick_rows(
    order: Sequence[str],
) -> Callable[[QuerySet[Ticket], Sequence[str], int], list[Ticket]]:
    """How the first rows of a ticket list in ``order`` are read (``paginate``'s ``pick``)."""
    if tuple(name.lstrip("-") for name in order) == DUE_ORDER:
        return _due_first_rows
    return first_rows


def _due_first_rows(tickets: QuerySet[Ticket], order: Sequence[str], count: int) -> list[Ticket]:
    """The due order read in two parts: tickets with a due time by that time, then the
    rest by id (the other way round for the reverse order). Each part walks an index; in one
    query, ordered by the coalesced due time, the database sorted every ticket in the list."""
    sign = "-" if order[0].startswith("-") else ""
    with_due, without, column = contributions.due_time().split(tickets)
    due = with_due, (f"{sign}{column}", f"{sign}id")
    rest = without, (f"{sign}id",)
    rows: list[Ticket] = []
    for part, part_order in [rest, due] if sign else [due, rest]:
        if len(rows) < count:
            rows += first_rows(part, part_order, count - len(rows))
    return rows
