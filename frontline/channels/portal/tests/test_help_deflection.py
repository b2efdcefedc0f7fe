"""Suggestions on the request form and what happens after reading one: answered, not
answered (back to the request as typed), or sent anyway."""

import pytest
from django.test import Client

from frontline.knowledge.models import Deflection, DeflectionOutcome, SearchRecord, SearchScope
from frontline.knowledge.tests.factories import make_article
from frontline.tickets.models import Ticket

REQUEST = {"subject": "Refund for my order", "description": "I was charged twice"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def refund(db):
    return make_article("Getting a refund", "Refunds arrive within five days.", slug="refund")


@pytest.fixture
def client(customer):
    return signed_in(customer.user)


def suggestion_url(refund):
    return f"/help/{refund.article.category.slug}/refund/"


def read_suggestion(client, refund):
    client.get("/portal/suggestions/", REQUEST)
    return client.get(suggestion_url(refund), {"from": "request", "q": REQUEST["subject"]})


def test_the_request_form_asks_for_suggestions_as_the_customer_types(client):
    html = client.get("/portal/tickets/new/").content.decode()
    assert 'hx-get="/portal/suggestions/"' in html
    assert 'hx-trigger="keyup changed delay:400ms"' in html
    assert 'id="suggestions"' in html
    assert 'href="/help/"' in html  # search the help centre, without JavaScript too


def test_suggestions_are_matching_articles_with_the_request_marker(client, refund):
    response = client.get("/portal/suggestions/", REQUEST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Getting a refund" in html
    assert "from=request" in html
    assert "q=Refund+for+my+order" in html
    record = SearchRecord.objects.get()
    assert (record.scope, record.result_count) == (SearchScope.PORTAL, 1)
    assert client.get("/portal/suggestions/", {"subject": "zz"}).content.decode().strip() == ""


def test_suggestions_are_for_signed_in_customers(refund, agent):
    assert Client().get("/portal/suggestions/")["Location"].startswith("/portal/sign-in/")
    assert signed_in(agent).get("/portal/suggestions/").status_code == 403


def test_reading_a_suggestion_records_a_deflection_once(client, refund, customer):
    html = read_suggestion(client, refund).content.decode()
    assert "Did this answer your question?" in html
    read_suggestion(client, refund)
    deflection = Deflection.objects.get()
    assert (deflection.outcome, deflection.customer, deflection.query) == (
        DeflectionOutcome.READ,
        customer,
        "Refund for my order",
    )
    assert deflection.translation == refund


def test_visitors_reading_with_the_marker_record_nothing(refund):
    html = Client().get(suggestion_url(refund), {"from": "request"}).content.decode()
    assert "Did this answer your question?" not in html
    assert not Deflection.objects.exists()


def test_yes_counts_the_deflection_and_goes_back_to_the_portal(client, refund):
    read_suggestion(client, refund)
    deflection = Deflection.objects.get()
    response = client.post(f"/portal/suggestions/{deflection.pk}/answer/", {"answered": "yes"})
    assert response["Location"] == "/portal/"
    assert "Glad it helped" in client.get("/portal/").content.decode()
    deflection.refresh_from_db()
    assert deflection.outcome == DeflectionOutcome.ANSWERED
    assert 'value="Refund for my order"' not in client.get("/portal/tickets/new/").content.decode()
    client.post("/portal/tickets/new/", {"subject": "Something else", "description": "New"})
    deflection.refresh_from_db()
    assert (deflection.outcome, deflection.ticket) == (DeflectionOutcome.ANSWERED, None)


def test_no_goes_back_to_the_request_as_typed(client, refund):
    read_suggestion(client, refund)
    deflection = Deflection.objects.get()
    response = client.post(f"/portal/suggestions/{deflection.pk}/answer/", {"answered": "no"})
    assert response["Location"] == "/portal/tickets/new/"
    html = client.get("/portal/tickets/new/").content.decode()
    assert 'value="Refund for my order"' in html
    assert "I was charged twice</textarea>" in html
    deflection.refresh_from_db()
    assert deflection.outcome == DeflectionOutcome.NOT_ANSWERED


def test_sending_the_request_anyway_marks_the_deflections_submitted(client, refund, customer):
    read_suggestion(client, refund)
    response = client.post("/portal/tickets/new/", REQUEST)
    ticket = Ticket.objects.get(subject="Refund for my order")
    assert response["Location"] == f"/portal/tickets/{ticket.number}/"
    deflection = Deflection.objects.get()
    assert (deflection.outcome, deflection.ticket) == (DeflectionOutcome.SUBMITTED, ticket)
    assert 'value="Refund for my order"' not in client.get("/portal/tickets/new/").content.decode()
    client.post("/portal/tickets/new/", {"subject": "Another", "description": "Different"})
    deflection.refresh_from_db()
    assert deflection.ticket == ticket


def test_nobody_answers_someone_elses_suggestion(client, refund, other_customer):
    read_suggestion(client, refund)
    deflection = Deflection.objects.get()
    other = signed_in(other_customer.user)
    response = other.post(f"/portal/suggestions/{deflection.pk}/answer/", {"answered": "yes"})
    assert response.status_code == 404
    anonymous = Client().post(f"/portal/suggestions/{deflection.pk}/answer/", {"answered": "yes"})
    assert anonymous["Location"].startswith("/portal/sign-in/")
    deflection.refresh_from_db()
    assert deflection.outcome == DeflectionOutcome.READ
