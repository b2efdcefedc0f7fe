"""Macros: the only writer of ``Macro``, and applying one to a ticket.

``apply_macro`` is the interface triggers and guided workflows call too.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.macros.models import Macro, MacroUse
from frontline.macros.placeholders import render_placeholders
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Message, Ticket


@dataclass(frozen=True)
class AppliedMacro:
    ticket: Ticket
    message: Message | None


@transaction.atomic
def apply_macro(ticket: Ticket, macro: Macro, *, actor: Actor) -> AppliedMacro:
    """Write the macro's reply (placeholders filled in) and make its changes, as
    ``actor``; count the use. A macro without body text writes no message."""
    message = None
    body = render_placeholders(macro.body, ticket=ticket, actor=actor).strip()
    if body:
        message = ticket_services.reply_to_ticket(ticket, body=body, actor=actor)
    changes = ticket_changes(macro)
    if changes is not None:
        ticket = ticket_services.update_ticket(ticket, changes=changes, actor=actor)
    now = timezone.now()
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1, last_used_at=now)
    MacroUse.objects.create(macro=macro, ticket=ticket, user=actor.user, used_at=now)
    return AppliedMacro(ticket=ticket, message=message)


def ticket_changes(macro: Macro) -> ticket_services.TicketChanges | None:
    """The macro's stored ``changes`` as a ``TicketChanges``, or None when it has none."""
    from frontline.accounts.models import Team
    from frontline.tickets.models import Priority, Status

    stored = macro.changes or {}
    if not stored:
        return None
    team = Team.objects.filter(pk=stored["team_id"]).first() if stored.get("team_id") else None
    tags = None
    if stored.get("tags"):
        current = list(ticket_tags(macro, stored))
        tags = current
    return ticket_services.TicketChanges(
        status=Status(stored["status"]) if stored.get("status") else None,
        priority=Priority(stored["priority"]) if stored.get("priority") else None,
        team=team,
        tags=tags,
    )


def ticket_tags(macro: Macro, stored: dict[str, object]) -> list[str]:
    # Placeholder until the macros work lands: tags replace the ticket's (refined there).
    value = stored.get("tags") or []
    return [str(tag) for tag in value] if isinstance(value, list) else []
