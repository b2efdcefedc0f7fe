"""The knowledge gaps report: its figures against the data, the page and the API, and who
may see them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.knowledge import feedback
from frontline.knowledge.gaps import knowledge_gaps
from frontline.knowledge.models import ArticleFeedback, SearchScope
from frontline.knowledge.queries import record_search
from frontline.knowledge.tests.factories import make_article
from frontline.testing import factories


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def search(text, scope=SearchScope.HELP_CENTRE, found=0, days_ago=0):
    record_search(text, scope=scope, result_count=found, language="")
    if days_ago:
        from frontline.knowledge.models import SearchRecord

        latest = SearchRecord.objects.latest("pk")
        latest.created_at = timezone.now() - timedelta(days=days_ago)
        latest.save(update_fields=["created_at"])


@pytest.fixture
def data(customer, team):
    search("Wire transfer")
    search("wire   TRANSFER", scope=SearchScope.PORTAL)
    search("wire transfer", scope=SearchScope.WORKSPACE, days_ago=2)
    search("crypto payment")
    search("refund", found=3)
    search("old question", days_ago=40)
    refund = make_article("Getting a refund", "x")
    card = make_article("Card declined", "y")
    liked = make_article("Liked", "z")
    for helpful, comment in ((False, "No bank details"), (False, ""), (True, ""), (False, "Old")):
        feedback.record_feedback(refund, helpful=helpful, comment=comment, actor=None)
    ArticleFeedback.objects.filter(comment="Old").update(
        created_at=timezone.now() - timedelta(days=40)
    )
    feedback.record_feedback(card, helpful=False, actor=None)
    feedback.record_feedback(liked, helpful=True, actor=None)
    actor = Actor.for_customer(customer)
    outcomes = [feedback.record_deflection(refund, query="refund", actor=actor) for _ in range(5)]
    feedback.answer_deflection(outcomes[0], answered=True)
    feedback.answer_deflection(outcomes[1], answered=False)
    ticket = factories.make_ticket(customer=customer, team=team)
    feedback.mark_deflections_submitted([outcomes[2].pk], ticket=ticket)
    return {"refund": refund, "card": card}


def test_failed_searches_are_grouped_counted_and_split_by_scope(data):
    report = knowledge_gaps(days=30)
    top, second = report.searches
    assert (top.query, top.count) == ("wire transfer", 3)
    assert top.by_scope == {"help_centre": 1, "portal": 1, "workspace": 1}
    assert (second.query, second.count) == ("crypto payment", 1)
    assert top.last_seen > timezone.now() - timedelta(minutes=1)
    assert [g.query for g in knowledge_gaps(days=90).searches][-1] == "old question"
    portal_only = knowledge_gaps(days=30, scope=SearchScope.PORTAL).searches
    assert [(g.query, g.count) for g in portal_only] == [("wire transfer", 1)]


def test_unhelpful_articles_come_with_their_share_and_latest_comments(data):
    refund, card = knowledge_gaps(days=30).unhelpful
    assert refund.translation == data["refund"]
    assert (refund.unhelpful, refund.helpful, round(refund.share, 2)) == (2, 1, 0.67)
    assert refund.comments == ["No bank details"]
    assert (card.translation, card.unhelpful, card.helpful) == (data["card"], 1, 0)
    assert knowledge_gaps(days=90).unhelpful[0].comments == ["No bank details", "Old"]


def test_deflection_counts_what_was_read_or_answered_and_not_sent(data):
    figures = knowledge_gaps(days=7).deflection
    assert (figures.read, figures.answered, figures.not_answered, figures.submitted) == (
        5,
        1,
        1,
        1,
    )
    assert (figures.deflected, figures.rate) == (3, 0.6)


def test_an_empty_period_has_no_rate(db):
    report = knowledge_gaps(days=7)
    assert (report.searches, report.unhelpful, report.deflection.rate) == ([], [], None)


def test_the_page_shows_the_report_and_links_each_gap_to_a_new_article(data, analyst):
    response = signed_in(analyst).get("/knowledge/gaps/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "wire transfer" in html
    assert 'href="/knowledge/articles/new/?title=wire%20transfer"' in html
    assert "No bank details" in html
    assert '<dd data-figure="rate">60%</dd>' in html
    assert '<dd data-figure="deflected">3</dd>' in html
    assert "old question" not in html
    assert "old question" in signed_in(analyst).get("/knowledge/gaps/?days=90").content.decode()
    portal = signed_in(analyst).get("/knowledge/gaps/?scope=portal&days=nonsense")
    assert "crypto payment" not in portal.content.decode()


def test_only_those_who_oversee_support_see_the_page(data, agent, customer, supervisor):
    assert signed_in(agent).get("/knowledge/gaps/").status_code == 403
    assert signed_in(customer.user).get("/knowledge/gaps/").status_code == 403
    assert Client().get("/knowledge/gaps/")["Location"].startswith("/accounts/sign-in/")
    assert signed_in(supervisor).get("/knowledge/gaps/").status_code == 200


def test_the_page_takes_a_fixed_number_of_queries(data, analyst, customer):
    client = signed_in(analyst)
    client.get("/knowledge/gaps/")
    with CaptureQueriesContext(connection) as before:
        client.get("/knowledge/gaps/")
    for n in range(5):
        search(f"more {n}")
        other = make_article(f"Unclear {n}", "x")
        feedback.record_feedback(other, helpful=False, comment="Unclear", actor=None)
        feedback.record_deflection(other, query="x", actor=Actor.for_customer(customer))
    with CaptureQueriesContext(connection) as after:
        client.get("/knowledge/gaps/")
    assert len(before) == len(after)
    assert len(before) == 7  # session, user, workspace header, four for the report


def test_the_api_gives_the_same_figures(data, analyst, api_as):
    response = api_as(analyst).get("/api/v1/knowledge/gaps", days="30")
    assert response.status_code == 200
    body = response.json()
    assert body["searches"][0] == {
        "query": "wire transfer",
        "count": 3,
        "last_seen": body["searches"][0]["last_seen"],
        "by_scope": {"help_centre": 1, "portal": 1, "workspace": 1},
    }
    first = body["unhelpful"][0]
    assert (first["article_id"], first["title"], first["unhelpful"], first["helpful"]) == (
        data["refund"].article_id,
        "Getting a refund",
        2,
        1,
    )
    assert body["deflection"] == {
        "read": 5,
        "answered": 1,
        "not_answered": 1,
        "submitted": 1,
        "deflected": 3,
        "rate": 0.6,
    }


def test_the_api_refuses_other_periods_and_other_people(data, analyst, agent, customer, api_as):
    refused = api_as(analyst).get("/api/v1/knowledge/gaps", days="5")
    assert (refused.status_code, refused.json()["code"]) == (400, "bad_request")
    assert api_as(agent).get("/api/v1/knowledge/gaps").status_code == 403
    assert api_as(customer.user).get("/api/v1/knowledge/gaps").status_code == 403
    assert api_as(None).get("/api/v1/knowledge/gaps").status_code == 401
