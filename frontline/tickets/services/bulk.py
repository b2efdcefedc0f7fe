"""Changing many tickets at once: the same ``update_ticket`` for each, one at a time."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db import transaction

from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError, ValidationFailed
from frontline.tickets.models import Ticket
from frontline.tickets.services.changes import TicketChanges, update_ticket

MAX_BULK = 200


@dataclass
class BulkResult:
    updated: list[Ticket] = field(default_factory=list)
    failed: list[tuple[Ticket, FrontlineError]] = field(default_factory=list)


def bulk_update_tickets(
    tickets: Iterable[Ticket],
    *,
    changes: TicketChanges,
    actor: Actor,
    add_tags: Sequence[str] = (),
) -> BulkResult:
    """Apply ``changes`` (and add ``add_tags``) to each ticket in its own transaction.

    One ticket refusing (say, a transition it cannot make) does not undo the others; the
    result says which failed and why.
    """
    chosen = list(tickets)
    if len(chosen) > MAX_BULK:
        raise ValidationFailed(f"Change at most {MAX_BULK} tickets at once.", field="tickets")
    result = BulkResult()
    for ticket in chosen:
        try:
            with transaction.atomic():
                result.updated.append(
                    update_ticket(
                        ticket, changes=_with_tags(ticket, changes, add_tags), actor=actor
                    )
                )
        except FrontlineError as exc:
            result.failed.append((ticket, exc))
    return result


def _with_tags(ticket: Ticket, changes: TicketChanges, add_tags: Sequence[str]) -> TicketChanges:
    if not add_tags:
        return changes
    current = list(ticket.tags.values_list("name", flat=True))
    return replace(changes, tags=[*current, *add_tags])
