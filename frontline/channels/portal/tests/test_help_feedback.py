""" "Was this helpful?" on an article: a plain form that redirects back, enhanced in place
by htmx, with an optional comment after the vote."""

import pytest
from django.test import Client

from frontline.knowledge.models import ArticleFeedback, Visibility
from frontline.knowledge.tests.factories import make_article

HTMX = {"HX-Request": "true"}


@pytest.fixture
def refund(db):
    return make_article("Getting a refund", "Ask within 30 days.", slug="refund")


def article_path(translation):
    return f"/help/{translation.article.category.slug}/{translation.article.slug}/"


def vote(client, translation, helpful, **extra):
    return client.post(
        article_path(translation) + "feedback/",
        {"translation": translation.pk, "helpful": helpful},
        **extra,
    )


def test_without_javascript_a_no_redirects_back_and_offers_a_comment(refund):
    client = Client()
    response = vote(client, refund, "no")
    assert response.status_code == 302
    assert response["Location"] == article_path(refund) + "?lang=en#feedback"
    page = client.get(response["Location"]).content.decode()
    assert "Thanks for your answer" in page
    assert "What was missing or unclear?" in page
    given = ArticleFeedback.objects.get()
    assert (given.helpful, given.comment) == (False, "")
    response = client.post(f"/help/feedback/{given.pk}/comment/", {"comment": "No bank info"})
    assert response.status_code == 302
    given.refresh_from_db()
    assert given.comment == "No bank info"
    assert "We read every comment" in client.get(article_path(refund)).content.decode()
    refund.refresh_from_db()
    assert (refund.helpful_count, refund.unhelpful_count) == (0, 1)


def test_with_htmx_the_answer_replaces_the_form_in_place(refund):
    client = Client()
    response = vote(client, refund, "yes", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="feedback"')
    assert "Anything we could add?" in html
    given = ArticleFeedback.objects.get()
    response = client.post(
        f"/help/feedback/{given.pk}/comment/", {"comment": "Great"}, headers=HTMX
    )
    assert "We read every comment" in response.content.decode()
    refund.refresh_from_db()
    assert (refund.helpful_count, refund.unhelpful_count) == (1, 0)


def test_a_session_votes_once_per_article(refund):
    client = Client()
    vote(client, refund, "no")
    vote(client, refund, "yes")
    vote(Client(), refund, "yes")
    refund.refresh_from_db()
    assert (refund.helpful_count, refund.unhelpful_count) == (1, 1)
    assert ArticleFeedback.objects.count() == 2


def test_a_customers_vote_names_them(refund, customer):
    client = Client()
    client.force_login(customer.user)
    vote(client, refund, "yes")
    assert ArticleFeedback.objects.get().customer == customer


def test_nobody_comments_on_someone_elses_vote(refund):
    vote(Client(), refund, "no")
    given = ArticleFeedback.objects.get()
    response = Client().post(f"/help/feedback/{given.pk}/comment/", {"comment": "spam"})
    assert response.status_code == 404
    given.refresh_from_db()
    assert given.comment == ""


def test_hidden_articles_and_bad_answers_take_no_vote(refund):
    internal = make_article("Override", "x", visibility=Visibility.INTERNAL)
    assert vote(Client(), internal, "no").status_code == 404
    assert vote(Client(), refund, "maybe").status_code == 400
    other = make_article("Other", "x")
    response = Client().post(
        article_path(refund) + "feedback/", {"translation": other.pk, "helpful": "no"}
    )
    assert response.status_code == 400
    assert Client().get(article_path(refund) + "feedback/").status_code == 405
    assert not ArticleFeedback.objects.exists()


def test_the_vote_form_needs_a_csrf_token(refund):
    client = Client(enforce_csrf_checks=True)
    assert vote(client, refund, "yes").status_code == 403
