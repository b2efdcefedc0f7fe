"""What the classifier learns from: solved and closed tickets, their text and final values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, NullIf

from frontline.tickets.models import AuthorType, Message, Status, Ticket
from frontline.triage.models import PredictedField

SOLVED = (Status.SOLVED, Status.CLOSED)


@dataclass
class Examples:
    field: str
    texts: list[str]
    labels: list[str]
    dropped_labels: dict[str, int]

    def __len__(self) -> int:
        return len(self.labels)


# The request is in the first lines; signatures, quoted mail and logs only slow training.
MAX_BODY_CHARS = 600


def ticket_text(subject: str, body: str) -> str:
    return f"{subject}\n{body[:MAX_BODY_CHARS]}".strip()


def first_customer_message() -> Subquery:
    first = Message.objects.filter(ticket=OuterRef("pk"), author_type=AuthorType.CUSTOMER)
    text = Coalesce(
        NullIf("visible_text", Value("", output_field=TextField())),
        "body_text",
        output_field=TextField(),
    )
    return Subquery(first.order_by("created_at", "id").annotate(text=text).values("text")[:1])


def labelled_tickets(since: datetime | None = None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(status__in=SOLVED)
    if since is not None:
        tickets = tickets.filter(solved_at__gt=since)
    return tickets


def value_of(ticket: Ticket, field: str) -> str | None:
    """The ticket's value for ``field`` as the classifier names it (slugs for rows)."""
    if field == PredictedField.PRIORITY:
        return str(ticket.priority)
    if field == PredictedField.CATEGORY:
        return ticket.category.slug if ticket.category_id and ticket.category else None
    return ticket.team.slug if ticket.team_id and ticket.team else None


def examples(
    field: str, *, limit: int, min_per_label: int, solved_before: datetime | None = None
) -> Examples:
    tickets = labelled_tickets()
    if solved_before is not None:
        tickets = tickets.filter(solved_at__lt=solved_before)
    rows = (
        tickets.annotate(first_text=first_customer_message())
        .values_list("subject", "first_text", "priority", "category__slug", "team__slug")
        .order_by("-solved_at", "-id")[:limit]
    )
    column = {"priority": 2, "category": 3, "team": 4}[field]
    texts, labels = [], []
    for row in rows:
        label = row[column]
        if label:
            texts.append(ticket_text(row[0], row[1] or ""))
            labels.append(str(label))
    counts = Counter(labels)
    rare = {label: n for label, n in counts.items() if n < min_per_label}
    keep = [i for i, label in enumerate(labels) if label not in rare]
    return Examples(
        field=field,
        texts=[texts[i] for i in keep],
        labels=[labels[i] for i in keep],
        dropped_labels=rare,
    )
