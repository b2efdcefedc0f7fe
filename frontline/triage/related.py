"""Tickets like this one: the same customer's or organisation's recent tickets whose
subject and request read alike, for the ticket page and the API.

Candidates come from indexed reads only (the customer's and the organisation's tickets of
the last ``WINDOW``, newest ``CANDIDATES`` of them, each with its request's text from a
subquery: one query), limited to what the viewer may open. They are ranked by the overlap
of their word sets (Ochiai: shared words over the geometric mean of both sizes), which
needs no model and reads the same in any language.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.tickets.models import UNSOLVED_STATUSES, Direction, Message, Ticket
from frontline.tickets.queries import tickets_visible_to

WINDOW = timedelta(days=30)
CANDIDATES = 100
SHOWN = 5
RELATED_AT = 0.25
DUPLICATE_AT = 0.6
TEXT_CHARS = 2000

_WORD = re.compile(r"\w{3,}", re.UNICODE)
# Words that say nothing about what a ticket is about.
_STOP_WORDS = (
    "the and for you your with this that have has are was were not but can our from please "
    "thanks thank hello dear regards there their they them what when which would could "
    "should will just about also any been being into more some than then very der die das "
    "und ist nicht ich mit sie ein eine bitte danke hallo les des une pour est pas que avec"
)
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Related:
    ticket: Ticket
    score: float
    possible_duplicate: bool


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.casefold()) if w not in _STOP)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def related_tickets(
    ticket: Ticket, *, actor: Actor, now: datetime | None = None, limit: int = SHOWN
) -> list[Related]:
    """Up to ``limit`` tickets like ``ticket`` that ``actor`` may open, most alike first."""
    moment = now or timezone.now()
    same_party = Q(customer_id=ticket.customer_id)
    if ticket.organisation_id is not None:
        same_party |= Q(organisation_id=ticket.organisation_id)
    request = Message.objects.filter(ticket=OuterRef("pk"), direction=Direction.INBOUND)
    candidates = (
        tickets_visible_to(actor)
        .filter(same_party, created_at__gte=moment - WINDOW, merged_into__isnull=True)
        .exclude(pk=ticket.pk)
        .annotate(
            request_text=Substr(
                Subquery(request.order_by("created_at", "id").values("body_text")[:1]),
                1,
                TEXT_CHARS,
            )
        )
        .only("id", "number", "subject", "status", "created_at", "customer_id")
        .order_by("-created_at", "-id")[:CANDIDATES]
    )
    own = words(f"{ticket.subject} {_request_text(ticket)}")
    found = []
    for candidate in candidates:
        text = f"{candidate.subject} {getattr(candidate, 'request_text', '') or ''}"
        score = similarity(own, words(text))
        if score >= RELATED_AT:
            open_ = candidate.status in UNSOLVED_STATUSES
            found.append(Related(candidate, round(score, 2), open_ and score >= DUPLICATE_AT))
    found.sort(key=lambda r: (-r.score, -r.ticket.pk))
    return found[:limit]


def _request_text(ticket: Ticket) -> str:
    cached = getattr(ticket, "request_text", None)
    if cached is not None:
        return str(cached)
    first = (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND)
        .order_by("created_at", "id")
        .values_list("body_text", flat=True)
        .first()
    )
    return (first or "")[:TEXT_CHARS]
