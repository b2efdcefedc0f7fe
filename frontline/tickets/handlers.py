"""Reactions of the tickets app to events, its own and other apps' (see frontline/events.py)."""

from django.urls import reverse

from frontline.accounts.models import NotificationKind
from frontline.accounts.services import notify
from frontline.core import realtime
from frontline.core.actors import Actor
from frontline.customers.models import Customer
from frontline.tickets import events
from frontline.tickets.mentions import mentioned_users
from frontline.tickets.models import EventType, Message, MessageKind, Ticket, TicketEvent
from frontline.tickets.queries import tickets_visible_to
from frontline.tickets.services.changes import add_collaborator


def move_tickets_to_surviving_customer(*, source: Customer, target: Customer, actor: Actor) -> None:
    """After a customer merge, every ticket and message of the merged customer moves over."""
    tickets = list(Ticket.objects.filter(customer=source).select_for_update())
    Ticket.objects.filter(customer=source).update(
        customer=target, organisation=target.organisation_id
    )
    Message.objects.filter(author_customer=source).update(author_customer=target)
    for ticket in tickets:
        events.record(
            ticket,
            EventType.CUSTOMER_CHANGED,
            actor=actor,
            data={"from": source.pk, "to": target.pk, "reason": "customer_merged"},
        )


def broadcast_ticket_change(*, event: TicketEvent, ticket: Ticket) -> None:
    """Tell open pages that a ticket changed, once the change commits (every ticket event)."""
    groups = [realtime.ticket_group(ticket.pk), realtime.team_group(ticket.team_id)]
    if event.type == EventType.TEAM_CHANGED:
        groups.append(realtime.team_group(event.data.get("from")))
    for user_id in (ticket.assignee_id, event.data.get("from") if _is_assignment(event) else None):
        if user_id:
            groups.append(realtime.agent_group(int(user_id)))
    realtime.send_on_commit(
        groups,
        {
            "type": "ticket.changed",
            "ticket_id": ticket.pk,
            "number": ticket.number,
            "event": event.type,
            "event_id": event.pk,
            "actor_id": event.actor_user_id,
            "internal": _is_internal(event),
        },
    )


def _is_assignment(event: TicketEvent) -> bool:
    return event.type == EventType.ASSIGNED


def _is_internal(event: TicketEvent) -> bool:
    """Whether only staff should hear of it: customers see replies and status, nothing else."""
    if event.type == EventType.MESSAGE_ADDED:
        return bool(event.data.get("kind") != MessageKind.REPLY)
    return event.type not in _PUBLIC_EVENTS


_PUBLIC_EVENTS = frozenset({EventType.CREATED, EventType.STATUS_CHANGED, EventType.MERGED})


def notify_mentioned_colleagues(*, event: TicketEvent, ticket: Ticket) -> None:
    """A colleague @mentioned in a note is notified; one who cannot see the ticket yet
    becomes a collaborator, so the link in the notification opens."""
    if event.data.get("kind") != MessageKind.NOTE or event.actor_user is None:
        return
    rows = Message.objects.filter(pk=event.data.get("message_id")).values_list(
        "body_text", flat=True
    )
    text = rows.first() or ""
    author = event.actor_user
    mentioned = [u for u in mentioned_users(text) if u.pk != author.pk]
    actor = Actor.for_user(author)
    url = reverse("tickets:ticket", args=[ticket.number]) + f"#message-{event.data['message_id']}"
    for user in mentioned:
        if not tickets_visible_to(Actor.for_user(user)).filter(pk=ticket.pk).exists():
            add_collaborator(ticket, user=user, actor=actor)
        notify(
            user,
            kind=NotificationKind.MENTION,
            title=f"{author} mentioned you on #{ticket.number}",
            excerpt=text[:200],
            url=url,
            actor=author,
        )


def notify_new_assignee(*, event: TicketEvent, ticket: Ticket) -> None:
    """Someone else assigned the ticket to a colleague: tell them."""
    assignee = ticket.assignee
    if assignee is None or event.data.get("to") != assignee.pk or event.actor_user is None:
        return
    notify(
        assignee,
        kind=NotificationKind.ASSIGNED,
        title=f"{event.actor_user} assigned #{ticket.number} to you",
        excerpt=ticket.subject[:200],
        url=reverse("tickets:ticket", args=[ticket.number]),
        actor=event.actor_user,
    )
