"""The writers of what readers do: views, votes, comments and deflections."""

import pytest

from frontline.core.actors import Actor
from frontline.core.errors import Conflict, NotFound
from frontline.knowledge import feedback
from frontline.knowledge.models import DeflectionOutcome
from frontline.knowledge.tests.factories import make_article
from frontline.testing import factories


@pytest.fixture
def refund(db):
    return make_article("Getting a refund", "Ask within 30 days.")


def test_views_and_votes_move_the_counters_without_losing_any(refund):
    stale = type(refund).objects.get(pk=refund.pk)
    feedback.record_view(refund)
    feedback.record_view(stale)  # an old copy of the row still adds one
    feedback.record_feedback(refund, helpful=True, actor=None)
    feedback.record_feedback(stale, helpful=False, comment="  Too short  ", actor=None)
    refund.refresh_from_db()
    assert (refund.view_count, refund.helpful_count, refund.unhelpful_count) == (2, 1, 1)
    assert list(refund.feedback.values_list("comment", flat=True)) == ["Too short", ""]


def test_a_vote_takes_one_comment(refund, customer):
    given = feedback.record_feedback(refund, helpful=False, actor=Actor.for_customer(customer))
    assert given.customer == customer
    feedback.comment_on_feedback(given, comment="   ")
    feedback.comment_on_feedback(given, comment="Missing the bank details")
    with pytest.raises(Conflict):
        feedback.comment_on_feedback(given, comment="Again")
    given.refresh_from_db()
    assert given.comment == "Missing the bank details"


def test_a_deflection_is_answered_until_its_request_is_sent(refund, customer, team):
    actor = Actor.for_customer(customer)
    read = feedback.record_deflection(refund, query="  refund   please ", actor=actor)
    assert (read.outcome, read.query, read.customer) == (
        DeflectionOutcome.READ,
        "refund please",
        customer,
    )
    feedback.answer_deflection(read, answered=False)
    feedback.answer_deflection(read, answered=True)
    read.refresh_from_db()
    assert read.outcome == DeflectionOutcome.ANSWERED
    ticket = factories.make_ticket(customer=customer, team=team)
    assert feedback.mark_deflections_submitted([read.pk], ticket=ticket) == 1
    read.refresh_from_db()
    assert (read.outcome, read.ticket) == (DeflectionOutcome.SUBMITTED, ticket)
    with pytest.raises(Conflict):
        feedback.answer_deflection(read, answered=True)


def test_only_the_tickets_customer_deflections_become_submitted(
    refund, customer, other_customer, team
):
    theirs = feedback.record_deflection(refund, query="x", actor=Actor.for_customer(other_customer))
    ticket = factories.make_ticket(customer=customer, team=team)
    assert feedback.mark_deflections_submitted([theirs.pk], ticket=ticket) == 0
    theirs.refresh_from_db()
    assert theirs.outcome == DeflectionOutcome.READ
    with pytest.raises(NotFound):
        feedback.get_deflection_for(Actor.for_customer(customer), theirs.pk)
