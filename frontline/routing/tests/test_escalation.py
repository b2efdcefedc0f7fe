"""Escalating along a tier path (T1 → T2 → T3) and back: the services, the API, the panel."""

import pytest
from django.test import Client

from frontline.accounts.models import NotificationKind
from frontline.accounts.services import add_to_team
from frontline.core.actors import Actor
from frontline.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from frontline.routing import escalation
from frontline.routing.models import Direction, TeamRouting, TicketEscalation
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import EventType, MessageKind, Status


@pytest.fixture
def tier2(db):
    return factories.make_team(name="Tier 2", tier=2)


@pytest.fixture
def tier3(db):
    return factories.make_team(name="Tier 3", tier=3)


@pytest.fixture
def path(team, tier2, tier3):
    """Tier 1 (the ``team`` persona's) → Tier 2 → Tier 3."""
    TeamRouting.objects.create(team=team, escalates_to=tier2)
    TeamRouting.objects.create(team=tier2, escalates_to=tier3)
    TeamRouting.objects.create(team=tier3)


@pytest.fixture
def specialist(tier2):
    return factories.make_agent(teams=(tier2,), name="Sara Specialist")


@pytest.fixture
def expert(tier3):
    return factories.make_agent(teams=(tier3,), name="Eli Expert")


@pytest.fixture
def ticket(path, team, agent, customer):
    ticket = factories.make_ticket(team=team, customer=customer, subject="Payouts stuck")
    return services.assign_ticket(ticket, assignee=agent, actor=Actor.for_user(agent))


def as_(user):
    return Actor.for_user(user)


def test_escalating_twice_reaches_tier_3_with_the_count_and_highest_tier(
    ticket, agent, specialist, expert, team, tier2, tier3
):
    first = escalation.escalate(ticket, reason="Needs ledger access", actor=as_(agent))

    assert (first.ticket.team, first.ticket.assignee) == (tier2, None)
    assert first.summary == escalation.TierSummary(current=2, highest=2, escalations=1)

    services.assign_ticket(ticket, assignee=specialist, actor=as_(specialist))
    second = escalation.escalate(ticket, reason="A bug in payouts", actor=as_(specialist))

    assert second.ticket.team == tier3
    assert second.summary == escalation.TierSummary(current=3, highest=3, escalations=2)
    notes = ticket.messages.filter(kind=MessageKind.NOTE).order_by("id")
    assert [n.body_text for n in notes] == [
        "Escalated to Tier 2 (tier 2): Needs ledger access",
        "Escalated to Tier 3 (tier 3): A bug in payouts",
    ]
    moves = ticket.events.filter(type=EventType.TEAM_CHANGED).values_list("data", flat=True)
    assert [(m["from"], m["to"]) for m in moves] == [(team.pk, tier2.pk), (tier2.pk, tier3.pk)]


def test_the_last_tier_has_nowhere_to_escalate(ticket, agent, specialist, expert):
    escalation.escalate(ticket, reason="Up", actor=as_(agent))
    escalation.escalate(ticket, reason="Up again", actor=as_(specialist))

    with pytest.raises(InvalidTransition, match="Tier 3 is the last tier"):
        escalation.escalate(ticket, reason="Higher still", actor=as_(expert))


def test_a_team_without_a_next_tier_refuses(other_team, outsider, customer):
    ticket = factories.make_ticket(team=other_team, customer=customer)

    with pytest.raises(InvalidTransition, match="no next tier"):
        escalation.escalate(ticket, reason="Please", actor=as_(outsider))


def test_a_reason_is_required_and_solved_tickets_stay_put(ticket, agent):
    with pytest.raises(ValidationFailed, match="Say why") as caught:
        escalation.escalate(ticket, reason="   ", actor=as_(agent))
    assert caught.value.field == "reason"

    services.change_status(ticket, status=Status.SOLVED, actor=as_(agent))
    with pytest.raises(InvalidTransition, match="solved ticket cannot be escalated"):
        escalation.escalate(ticket, reason="Too late", actor=as_(agent))


def test_someone_who_cannot_work_the_ticket_cannot_escalate_it(ticket, outsider, analyst):
    for person in (outsider, analyst):
        with pytest.raises(PermissionDenied):
            escalation.escalate(ticket, reason="Not mine", actor=as_(person))

    assert TicketEscalation.objects.count() == 0


def test_de_escalating_walks_back_down_to_whoever_held_it(
    ticket, agent, specialist, expert, team, tier2
):
    escalation.escalate(ticket, reason="Up", actor=as_(agent))
    services.assign_ticket(ticket, assignee=specialist, actor=as_(specialist))
    escalation.escalate(ticket, reason="Up again", actor=as_(specialist))

    back = escalation.de_escalate(ticket, reason="Fixed on our side", actor=as_(expert))

    assert (back.ticket.team, back.ticket.assignee) == (tier2, specialist)
    assert back.summary == escalation.TierSummary(current=2, highest=3, escalations=2)

    home = escalation.de_escalate(ticket, reason="Customer follow-up", actor=as_(specialist))

    assert (home.ticket.team, home.ticket.assignee) == (team, agent)
    directions = list(
        TicketEscalation.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("direction", "from_tier", "to_tier")
    )
    assert directions == [
        (Direction.UP, 1, 2),
        (Direction.UP, 2, 3),
        (Direction.DOWN, 3, 2),
        (Direction.DOWN, 2, 1),
    ]
    with pytest.raises(InvalidTransition, match="was not escalated to Tier 1"):
        escalation.de_escalate(ticket, reason="Lower", actor=as_(agent))


def test_de_escalation_leaves_it_unassigned_when_the_agent_left_the_team(
    ticket, agent, team, specialist
):
    escalation.escalate(ticket, reason="Up", actor=as_(agent))
    team.memberships.filter(user=agent).delete()

    back = escalation.de_escalate(ticket, reason="Back", actor=as_(specialist))

    assert (back.ticket.team, back.ticket.assignee) == (team, None)


def test_the_next_tiers_leads_are_notified(ticket, agent, tier2, specialist):
    lead = factories.make_agent(name="Lena Lead")
    add_to_team(lead, team=tier2, is_lead=True)

    escalation.escalate(ticket, reason="Needs a specialist", actor=as_(agent))

    notification = lead.notifications.get()
    assert notification.kind == NotificationKind.ESCALATED
    assert notification.title == f"Alice Agent escalated #{ticket.number} to Tier 2"
    assert specialist.notifications.filter(kind=NotificationKind.ESCALATED).count() == 0


# --- API -----------------------------------------------------------------------------------


def test_escalate_endpoint_answers_the_new_team_and_tier(ticket, agent, tier2, api_as):
    response = api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": "Needs ledger access"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["team"] == {"id": tier2.pk, "name": "Tier 2", "tier": 2}
    assert body["assignee"] is None
    assert body["tier"] == {"current": 2, "highest": 2, "escalations": 1}


def test_the_ticket_api_carries_the_tier(ticket, agent, specialist, customer, api_as):
    escalation.escalate(ticket, reason="Up", actor=as_(agent))

    staff = api_as(specialist).get(f"/api/v1/tickets/{ticket.pk}").json()
    theirs = api_as(customer.user).get(f"/api/v1/tickets/{ticket.pk}").json()

    assert staff["tier"] == {"current": 2, "highest": 2, "escalations": 1}
    assert theirs["tier"] is None


def test_escalate_endpoint_refuses_with_a_clear_message(ticket, agent, api_as):
    blank = api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/escalate", {"reason": " "})

    assert blank.status_code == 422
    assert blank.json()["detail"] == "Say why the ticket is escalated."


def test_refused_callers_cannot_escalate_or_read_the_history(ticket, outsider, customer, api_as):
    url = f"/api/v1/tickets/{ticket.pk}"

    assert api_as(outsider).post(f"{url}/escalate", {"reason": "x"}).status_code == 404
    assert api_as(customer.user).post(f"{url}/escalate", {"reason": "x"}).status_code == 403
    assert api_as(customer.user).post(f"{url}/de-escalate", {"reason": "x"}).status_code == 403
    assert api_as(outsider).get(f"{url}/escalations").status_code == 404
    assert api_as(customer.user).get(f"{url}/escalations").status_code == 403
    assert TicketEscalation.objects.count() == 0


def test_escalation_history_pages_newest_first(ticket, agent, specialist, expert, api_as):
    escalation.escalate(ticket, reason="Up", actor=as_(agent))
    escalation.escalate(ticket, reason="Up again", actor=as_(specialist))
    escalation.de_escalate(ticket, reason="Down", actor=as_(expert))

    client = api_as(specialist)  # the ticket is back in Tier 2
    first = client.get(f"/api/v1/tickets/{ticket.pk}/escalations", page_size=2).json()
    rest = client.get(first["next"]).json()

    assert [i["reason"] for i in first["items"]] == ["Down", "Up again"]
    assert [(i["reason"], i["direction"]) for i in rest["items"]] == [("Up", "up")]
    assert first["items"][0]["actor"]["name"] == "Eli Expert"
    assert rest["next"] is None


def test_de_escalate_endpoint(ticket, agent, specialist, team, api_as):
    escalation.escalate(ticket, reason="Up", actor=as_(agent))

    response = api_as(specialist).post(
        f"/api/v1/tickets/{ticket.pk}/de-escalate", {"reason": "Answered"}
    )

    assert response.status_code == 200
    assert response.json()["team"]["id"] == team.pk
    assert response.json()["assignee"]["id"] == agent.pk


# --- The ticket page's panel ---------------------------------------------------------------


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_panel_escalates_without_javascript(ticket, agent, tier2):
    client = signed_in(agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Escalate to Tier 2" in page

    response = client.post(f"/tickets/{ticket.number}/escalate/", {"reason": "Needs T2"})

    # The agent is not in Tier 2, so the ticket left their reach: back to the inbox.
    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    ticket.refresh_from_db()
    assert ticket.team == tier2


def test_analysts_see_the_tier_but_no_escalate_button(ticket, analyst):
    page = signed_in(analyst).get(f"/tickets/{ticket.number}/").content.decode()

    assert "Tier 1 · highest 1 · escalated 0 times" in " ".join(page.split())
    assert "data-escalate-form" not in page


def test_the_panel_shows_the_refusal(ticket, agent):
    response = signed_in(agent).post(
        f"/tickets/{ticket.number}/escalate/", {"reason": ""}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 422
    assert "Say why the ticket is escalated." in response.content.decode()


def test_an_outsider_cannot_post_to_the_panel(ticket, outsider, customer):
    assert (
        signed_in(outsider).post(f"/tickets/{ticket.number}/escalate/", {"reason": "x"}).status_code
        == 404
    )
    assert (
        signed_in(customer.user)
        .post(f"/tickets/{ticket.number}/escalate/", {"reason": "x"})
        .status_code
        == 403
    )
    assert TicketEscalation.objects.count() == 0
