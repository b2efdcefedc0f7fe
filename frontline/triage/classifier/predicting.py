"""Predicting a new ticket's category, team and priority, and applying the sure ones.

Runs after the ticket's transaction commits (the handler on ``ticket.created`` defers it):
by then the first message is stored and the triage rules, which run inside the
transaction, have set what they set. A field already set — by a rule, the customer or the
agent who opened the ticket — is not predicted; priority always has a value, so a
predicted priority is applied only over the default and with more confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from frontline.accounts.models import Team
from frontline.core.actors import Actor
from frontline.tickets.models import Category, Priority, Ticket
from frontline.tickets.services import TicketChanges, update_ticket
from frontline.triage.classifier import config, dataset, registry
from frontline.triage.models import PredictedField, TriagePrediction


@dataclass
class Outcome:
    field: str
    value: str
    confidence: float
    applied: bool


def open_fields(ticket: Ticket) -> list[str]:
    """The fields the classifier may fill on this ticket."""
    fields: list[str] = []
    if ticket.category_id is None:
        fields.append(PredictedField.CATEGORY)
    if ticket.team_id is None:
        fields.append(PredictedField.TEAM)
    if ticket.priority == Priority.NORMAL:
        fields.append(PredictedField.PRIORITY)
    return fields


def predict_ticket(ticket_id: int, *, actor: Actor) -> list[Outcome]:
    """Store a prediction per open field with an active model; apply the confident ones."""
    stamp = registry.active_stamp()
    if not stamp:
        return []
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or TriagePrediction.objects.filter(ticket=ticket).exists():
        return []
    wanted = [f for f in open_fields(ticket) if f in stamp]
    if not wanted:
        return []
    text = dataset.ticket_text(ticket.subject, _first_text(ticket))
    outcomes = []
    with transaction.atomic():
        staged: dict[str, object] = {}
        for field in wanted:
            model_id, version = stamp[field]
            model = registry.classifier(field, model_id)
            if model is None:
                continue
            guess = model.predict([text])[0]
            applied = _stage(staged, field, guess.label, guess.confidence)
            TriagePrediction.objects.create(
                ticket=ticket,
                field=field,
                model_id=model_id,
                model_version=version,
                value=guess.label,
                confidence=guess.confidence,
                applied=applied,
                created_at=timezone.now(),
            )
            outcomes.append(Outcome(field, guess.label, guess.confidence, applied))
        if any(outcome.applied for outcome in outcomes):
            update_ticket(ticket, changes=TicketChanges(**staged), actor=actor)  # type: ignore[arg-type]
    return outcomes


def _first_text(ticket: Ticket) -> str:
    first = (
        ticket.messages.filter(author_type="customer")
        .order_by("created_at", "id")
        .values_list("visible_text", "body_text")
        .first()
    )
    if first is None:
        return ""
    return first[0] or first[1]


def _stage(staged: dict[str, object], field: str, value: str, confidence: float) -> bool:
    """Put a confident prediction into ``staged`` (``TicketChanges`` arguments); False
    when it stays a suggestion."""
    if confidence < config.threshold(field):
        return False
    if field == PredictedField.CATEGORY:
        staged["category"] = Category.objects.filter(slug=value, is_active=True).first()
    elif field == PredictedField.TEAM:
        staged["team"] = Team.objects.filter(slug=value).first()
    elif value in Priority.values and value != Priority.NORMAL:
        staged["priority"] = Priority(value)
    return staged.get(field) is not None


def replay_since(since: datetime, *, limit: int) -> list[Ticket]:
    """Store what the active models would have said about the tickets opened since
    ``since``, without changing them (for the demo, whose tickets were written in bulk)."""
    stamp = registry.read_stamp()
    tickets: list[Ticket] = list(
        Ticket.objects.filter(created_at__gte=since)
        .annotate(first_text=dataset.first_customer_message())
        .order_by("created_at", "id")[:limit]
    )
    if not stamp or not tickets:
        return tickets
    texts = [dataset.ticket_text(t.subject, t.first_text or "") for t in tickets]  # type: ignore[attr-defined]
    rows = []
    for field, (model_id, version) in stamp.items():
        model = registry.classifier(field, model_id)
        if model is None:
            continue
        cutoff = config.threshold(field)
        for ticket, guess in zip(tickets, model.predict(texts), strict=True):
            rows.append(
                TriagePrediction(
                    ticket=ticket,
                    field=field,
                    model_id=model_id,
                    model_version=version,
                    value=guess.label,
                    confidence=guess.confidence,
                    applied=guess.confidence >= cutoff,
                    created_at=ticket.created_at,
                )
            )
    TriagePrediction.objects.bulk_create(rows, ignore_conflicts=True)
    return tickets
