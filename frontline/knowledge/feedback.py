"""What readers do with articles: views, "was this helpful?" votes and their comments, and
deflections (a customer on the request form who read a suggested article).

Counters move with ``F()`` updates, so two readers at once never lose a count. A deflection
counts while it is READ or ANSWERED; sending the request anyway makes it SUBMITTED.
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.core.errors import Conflict, NotFound
from frontline.knowledge.models import (
    ArticleFeedback,
    ArticleTranslation,
    Deflection,
    DeflectionOutcome,
)
from frontline.tickets.models import Ticket

MAX_COMMENT_CHARS = 2000
MAX_QUERY_CHARS = 500


def record_view(translation: ArticleTranslation) -> None:
    ArticleTranslation.objects.filter(pk=translation.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def record_feedback(
    translation: ArticleTranslation, *, helpful: bool, comment: str = "", actor: Actor | None
) -> ArticleFeedback:
    """One vote, with an optional comment; the translation's counter moves with it."""
    feedback = ArticleFeedback.objects.create(
        translation=translation,
        helpful=helpful,
        comment=comment.strip()[:MAX_COMMENT_CHARS],
        customer=actor.customer if actor is not None else None,
        created_at=timezone.now(),
    )
    counter = "helpful_count" if helpful else "unhelpful_count"
    ArticleTranslation.objects.filter(pk=translation.pk).update(**{counter: F(counter) + 1})
    return feedback


def comment_on_feedback(feedback: ArticleFeedback, *, comment: str) -> ArticleFeedback:
    """The comment a reader adds after voting; a vote takes one comment."""
    text = comment.strip()[:MAX_COMMENT_CHARS]
    if not text:
        return feedback
    updated = ArticleFeedback.objects.filter(pk=feedback.pk, comment="").update(comment=text)
    if not updated:
        raise Conflict("This answer already has a comment.")
    feedback.comment = text
    return feedback


def record_deflection(translation: ArticleTranslation, *, query: str, actor: Actor) -> Deflection:
    """A customer opened a suggestion from the request form."""
    now = timezone.now()
    return Deflection.objects.create(
        translation=translation,
        customer=actor.customer,
        query=" ".join(query.split())[:MAX_QUERY_CHARS],
        outcome=DeflectionOutcome.READ,
        created_at=now,
        updated_at=now,
    )


def answer_deflection(deflection: Deflection, *, answered: bool) -> Deflection:
    """ "Did this answer your question?" A request already sent keeps SUBMITTED."""
    outcome = DeflectionOutcome.ANSWERED if answered else DeflectionOutcome.NOT_ANSWERED
    now = timezone.now()
    updated = (
        Deflection.objects.filter(pk=deflection.pk)
        .exclude(outcome=DeflectionOutcome.SUBMITTED)
        .update(outcome=outcome, updated_at=now)
    )
    if not updated:
        raise Conflict("You sent your request already.")
    deflection.outcome, deflection.updated_at = outcome, now
    return deflection


def mark_deflections_submitted(deflection_ids: Sequence[int], *, ticket: Ticket) -> int:
    """The customer sent the request after all: their deflections link to the new ticket
    and stop counting. Only the ticket's customer's own rows change."""
    return (
        Deflection.objects.filter(pk__in=list(deflection_ids), customer_id=ticket.customer_id)
        .exclude(outcome=DeflectionOutcome.SUBMITTED)
        .update(outcome=DeflectionOutcome.SUBMITTED, ticket=ticket, updated_at=timezone.now())
    )


def get_deflection_for(actor: Actor, deflection_id: int) -> Deflection:
    """A deflection of the customer ``actor`` (for their answer to it), else NotFound."""
    if actor.customer is None:
        raise NotFound("No such suggestion.")
    try:
        return Deflection.objects.get(pk=deflection_id, customer=actor.customer)
    except Deflection.DoesNotExist:
        raise NotFound("No such suggestion.") from None


def get_feedback(feedback_id: int) -> ArticleFeedback:
    """A vote, for the comment its giver adds (the caller checks it is theirs)."""
    try:
        return ArticleFeedback.objects.select_related("translation__article__category").get(
            pk=feedback_id
        )
    except ArticleFeedback.DoesNotExist:
        raise NotFound("No such answer.") from None
