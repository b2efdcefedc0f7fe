"""What the SLA engine adds to the ticket page, the inbox and the ticket API (registered in
``frontline/contributions.py``; shapes in ``frontline/tickets/contributions.py``).

Models are imported inside the methods: the ticket API's schema reads this module while
the tickets app is still being imported.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import DateTimeField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from ninja import Field, Schema

from frontline.core.actors import Actor
from frontline.tickets.contributions import TicketPanel

if TYPE_CHECKING:
    from frontline.tickets.models import Ticket


class SlaOut(Schema):
    """Where one SLA target of the ticket stands, read from what the SLA engine stored."""

    target: Literal["first_response", "next_response", "periodic_update", "resolution"]
    due_at: datetime | None
    state: Literal["active", "paused", "met", "breached"]
    remaining_seconds: int | None = Field(
        description="Business time left before the target; negative when overdue."
    )
    explanation: str


class _SlaField:
    """``sla`` on ``GET /tickets/{id}``: the ticket's targets as they stand, for staff."""

    name = "sla"
    annotation = list[SlaOut]
    description = "SLA targets, for staff; empty for customers."

    def value(self, ticket: "Ticket", *, actor: Actor, now: datetime) -> list[SlaOut]:
        if not actor.is_agent:
            return []
        from frontline.sla.models import SlaTarget

        # Reading one target needs only its calendar row, fetched in the same query.
        targets = SlaTarget.objects.filter(ticket=ticket).select_related("calendar")
        return [SlaOut.model_validate(t.reading(now)) for t in targets]


class _DueTime:
    """The next due time of the ticket's running SLA targets, which the engine keeps on the
    ticket's ``sla`` summary row (indexed on ``next_due_at``)."""

    row_relations = ("sla",)

    def annotate(
        self, tickets: "QuerySet[Ticket]", *, name: str, never: datetime
    ) -> "QuerySet[Ticket]":
        due = Coalesce(F("sla__next_due_at"), Value(never, output_field=DateTimeField()))
        return tickets.annotate(**{name: due})

    def due_before(self, tickets: "QuerySet[Ticket]", when: datetime) -> "QuerySet[Ticket]":
        return tickets.filter(sla__next_due_at__lt=when)

    def split(
        self, tickets: "QuerySet[Ticket]"
    ) -> "tuple[QuerySet[Ticket], QuerySet[Ticket], str]":
        return (
            tickets.filter(sla__next_due_at__isnull=False),
            tickets.filter(sla__next_due_at__isnull=True),
            "sla__next_due_at",
        )

    def due_at(self, ticket: "Ticket") -> datetime | None:
        # A ticket without SLA has no summary row: reading it would raise, not query.
        summary: Any = getattr(ticket, "sla", None)
        return summary.next_due_at if summary is not None else None

    def lookup(self, ticket: "Ticket") -> datetime | None:
        from frontline.sla.models import TicketSla

        rows = TicketSla.objects.filter(ticket_id=ticket.pk).values_list("next_due_at", flat=True)
        return rows.first()


SLA_FIELD = _SlaField()
DUE_TIME = _DueTime()
SLA_PANEL = TicketPanel(template="sla/_ticket_panel.html")


class _CalendarHours:
    """Whether a business calendar is open at a moment, for conditions that name one
    (``within_calendar`` in triage rules and automation triggers)."""

    def exists(self, calendar_id: int) -> bool:
        from frontline.sla.models import Calendar

        return Calendar.objects.filter(pk=calendar_id).exists()

    def is_open(self, calendar_id: int, at: datetime) -> bool:
        from frontline.sla.models import Calendar
        from frontline.sla.schedules import compile_calendar

        return compile_calendar(Calendar.objects.get(pk=calendar_id)).is_open(at)


CALENDAR_HOURS = _CalendarHours()
