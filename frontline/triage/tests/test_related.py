"""Related tickets and possible duplicates: same customer or organisation, recent, alike,
and only those the viewer may open."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Status, Ticket
from frontline.triage.related import related_tickets

SUBJECT = "Invoice PDF download fails"
BODY = "When I click download invoice PDF the page shows an error and nothing downloads."


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_open_ticket_that_reads_alike_is_a_possible_duplicate(agent, team, customer):
    first = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)
    other = factories.make_ticket(
        customer=customer, team=team, subject="Change my address", body="New street please."
    )
    again = factories.make_ticket(
        customer=customer, team=team, subject="Invoice PDF download fails again", body=BODY
    )

    found = related_tickets(again, actor=Actor.for_user(agent))

    assert [(r.ticket.pk, r.possible_duplicate) for r in found] == [(first.pk, True)]
    assert other.pk not in [r.ticket.pk for r in found]


def test_a_solved_alike_ticket_is_related_not_a_duplicate(agent, team, customer):
    first = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)
    services.change_status(first, status=Status.SOLVED, actor=Actor.for_user(agent))
    again = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)

    found = related_tickets(again, actor=Actor.for_user(agent))

    assert [(r.ticket.pk, r.possible_duplicate) for r in found] == [(first.pk, False)]


def test_older_than_thirty_days_or_another_customer_is_not_related(agent, team, customer):
    old = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    factories.make_ticket(team=team, subject=SUBJECT, body=BODY)  # someone else
    again = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)

    assert related_tickets(again, actor=Actor.for_user(agent)) == []


def test_a_ticket_of_a_team_the_agent_cannot_see_is_never_shown(
    agent, outsider, team, other_team, customer, api_as
):
    hidden = factories.make_ticket(customer=customer, team=other_team, subject=SUBJECT, body=BODY)
    again = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)

    panel = signed_in(agent).get(f"/triage/tickets/{again.number}/panel/").content.decode()
    api = api_as(agent).get(f"/api/v1/triage/tickets/{again.pk}/related")

    assert f"#{hidden.number}" not in panel
    assert "No similar tickets" in panel
    assert api.json() == {"items": []}
    # The outsider sees the hidden one but may not open this ticket at all.
    assert signed_in(outsider).get(f"/triage/tickets/{again.number}/panel/").status_code == 404
    assert api_as(outsider).get(f"/api/v1/triage/tickets/{again.pk}/related").status_code == 404


def test_the_api_lists_related_tickets_with_their_scores(agent, team, customer, api_as):
    first = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)
    again = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)

    items = api_as(agent).get(f"/api/v1/triage/tickets/{again.pk}/related").json()["items"]

    assert [(i["number"], i["possible_duplicate"]) for i in items] == [(first.number, True)]
    assert items[0]["score"] == 1.0
    assert (
        api_as(customer.user).get(f"/api/v1/triage/tickets/{again.pk}/related").status_code == 403
    )


def test_the_panel_reads_in_a_fixed_number_of_queries(
    agent, team, customer, django_assert_max_num_queries
):
    for n in range(12):
        factories.make_ticket(customer=customer, team=team, subject=f"{SUBJECT} {n}", body=BODY)
    again = factories.make_ticket(customer=customer, team=team, subject=SUBJECT, body=BODY)
    client = signed_in(agent)
    client.get(f"/triage/tickets/{again.number}/panel/")

    # Session and user, the agent's teams, the ticket, its latest signal, the rules that
    # fired, the candidates with their requests, the ticket's own request.
    with django_assert_max_num_queries(8):
        response = client.get(f"/triage/tickets/{again.number}/panel/")

    assert response.content.decode().count("possible duplicate") == 5
