"""The classifier's reactions to ticket events (registered in ``frontline/events.py``).

Predicting waits for the commit: the ticket's first message is stored after
``ticket.created`` is recorded, and the rules that run inside the transaction set their
fields first. With no trained model (the cached stamp says so) nothing is even deferred.
"""

import logging
from functools import partial

from django.db import transaction

from frontline.core.actors import Actor
from frontline.tickets.models import Status, Ticket, TicketEvent
from frontline.triage.classifier import accuracy, predicting, registry

logger = logging.getLogger(__name__)


def predict_new_ticket(*, event: TicketEvent, ticket: Ticket) -> None:
    if registry.known_to_be_empty():
        return
    transaction.on_commit(partial(_predict, ticket.pk))


def _predict(ticket_id: int) -> None:
    try:
        predicting.predict_ticket(ticket_id, actor=Actor.system())
    except Exception as error:  # a broken model never fails the request that opened it
        logger.exception("triage.predict.failed", extra={"ticket_id": ticket_id, "error": error})


def score_solved_ticket(*, event: TicketEvent, ticket: Ticket) -> None:
    if event.data.get("to") == Status.SOLVED:
        accuracy.score_ticket(ticket)
