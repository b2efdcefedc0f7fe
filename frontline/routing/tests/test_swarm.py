"""Swarming: the owner keeps the ticket and asks colleagues in; services, API, pages."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontline.accounts.models import NotificationKind, Role
from frontline.accounts.services import create_skill, set_skill
from frontline.core.actors import Actor
from frontline.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from frontline.routing import escalation, swarms
from frontline.routing.models import Swarm, SwarmMember, TeamRouting
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.mentions import handle_for
from frontline.tickets.models import MessageKind, Status
from frontline.tickets.queries import tickets_visible_to


def as_(user):
    return Actor.for_user(user)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ticket(team, agent, customer):
    ticket = factories.make_ticket(
        team=team, customer=customer, subject="Duplicate invoice charged twice"
    )
    return services.assign_ticket(ticket, assignee=agent, actor=as_(agent))


@pytest.fixture
def ben(other_team):
    return factories.make_agent(teams=(other_team,), name="Ben Billing", email="ben@frontline.test")


def start(ticket, owner, *invitees, question="Why was the card charged twice?"):
    return swarms.start_swarm(ticket, question=question, invite=list(invitees), actor=as_(owner))


def test_starting_a_swarm_invites_notifies_and_shares_the_ticket(ticket, agent, teammate, ben):
    assert not tickets_visible_to(as_(ben)).filter(pk=ticket.pk).exists()

    swarm = start(ticket, agent, teammate, ben)

    assert swarm.owner == agent
    members = swarm.members.order_by("-is_owner", "id").values_list("user__name", "is_owner")
    assert list(members) == [("Alice Agent", True), ("Tom Teammate", False), ("Ben Billing", False)]
    assert set(ticket.collaborators.all()) == {teammate, ben}
    assert tickets_visible_to(as_(ben)).filter(pk=ticket.pk).exists()
    invite = ben.notifications.get()
    assert invite.kind == NotificationKind.SWARM_INVITE
    assert invite.title == f"Alice Agent asked you to swarm on #{ticket.number}"
    assert invite.excerpt == "Why was the card charged twice?"
    assert invite.url == f"/tickets/{ticket.number}/swarm/"  # opens it and marks it seen
    note = ticket.messages.filter(kind=MessageKind.NOTE).get()
    assert note.body_text == (
        "Alice Agent started a swarm: Why was the card charged twice?\n"
        "Invited Tom Teammate, Ben Billing."
    )


def test_only_the_owner_or_a_supervisor_leads_the_swarm(ticket, agent, teammate, supervisor, ben):
    with pytest.raises(PermissionDenied, match="owner"):
        start(ticket, teammate, ben)

    swarm = start(ticket, supervisor, ben)

    assert swarm.owner == agent  # the assignee keeps the ticket and owns its swarm
    with pytest.raises(PermissionDenied):
        swarms.end_swarm(ticket, outcome="Done", actor=as_(ben))


def test_a_swarm_needs_an_owner_a_question_and_someone_to_ask(team, agent, teammate, customer):
    unassigned = factories.make_ticket(team=team, customer=customer)
    with pytest.raises(PermissionDenied):
        start(unassigned, agent, teammate)  # nobody owns it, so nobody leads
    with pytest.raises(InvalidTransition, match="Assign the ticket first"):
        start(unassigned, factories.make_agent(role=Role.SUPERVISOR), teammate)

    owned = services.assign_ticket(unassigned, assignee=agent, actor=as_(agent))
    with pytest.raises(ValidationFailed, match="Say what"):
        start(owned, agent, teammate, question=" ")
    with pytest.raises(ValidationFailed, match="at least one"):
        start(owned, agent)


def test_one_swarm_at_a_time_then_invite_more(ticket, agent, teammate, ben):
    start(ticket, agent, teammate)
    with pytest.raises(Conflict, match="already running"):
        start(ticket, agent, ben)

    added = swarms.invite_to_swarm(ticket, users=[teammate, ben], actor=as_(agent))

    assert [m.user for m in added] == [ben]
    assert ben.notifications.filter(kind=NotificationKind.SWARM_INVITE).count() == 1
    assert ticket.messages.filter(body_text="Alice Agent invited Ben Billing to the swarm.")


def test_ending_the_swarm_records_the_outcome(ticket, agent, teammate):
    start(ticket, agent, teammate)

    swarm = swarms.end_swarm(ticket, outcome="Refunded the duplicate", actor=as_(agent))

    assert (swarm.ended_by, swarm.outcome) == (agent, "Refunded the duplicate")
    assert not SwarmMember.objects.filter(active=True).exists()
    assert ticket.messages.filter(body_text="Alice Agent ended the swarm: Refunded the duplicate")
    with pytest.raises(InvalidTransition, match="No swarm is running"):
        swarms.end_swarm(ticket, outcome="Again", actor=as_(agent))


def test_solving_the_ticket_ends_its_swarm(ticket, agent, teammate):
    start(ticket, agent, teammate)

    services.change_status(ticket, status=Status.SOLVED, actor=as_(agent))

    swarm = Swarm.objects.get()
    assert (swarm.outcome, swarm.ended_by) == ("The ticket was solved.", agent)
    assert ticket.messages.filter(body_text="The swarm ended: The ticket was solved.").exists()


def test_the_customer_solving_it_ends_the_swarm_too(ticket, agent, teammate, customer):
    start(ticket, agent, teammate)

    services.change_status(ticket, status=Status.SOLVED, actor=Actor.for_customer(customer))

    assert Swarm.objects.get().ended_at is not None


def test_escalating_ends_the_swarm_of_the_owner_who_gives_it_up(ticket, agent, teammate, team):
    tier2 = factories.make_team(name="Tier 2", tier=2)
    TeamRouting.objects.create(team=team, escalates_to=tier2)
    start(ticket, agent, teammate)

    escalation.escalate(ticket, reason="Needs T2", actor=as_(agent))

    assert Swarm.objects.get().outcome == "Moved to Tier 2."


def test_a_swarm_member_can_note_and_mention_and_the_mentioned_are_told(
    ticket, agent, teammate, ben
):
    start(ticket, agent, ben)

    body = f"@{handle_for(teammate)} can you check the ledger?"
    services.add_note(ticket, body=body, actor=as_(ben))

    mention = teammate.notifications.get(kind=NotificationKind.MENTION)
    assert mention.title == f"Ben Billing mentioned you on #{ticket.number}"

    services.add_note(ticket, body=f"Thanks @{handle_for(ben)}!", actor=as_(agent))

    assert ben.notifications.get(kind=NotificationKind.MENTION).title == (
        f"Alice Agent mentioned you on #{ticket.number}"
    )


# --- Suggestions -----------------------------------------------------------------------------


def test_suggestions_by_skill_and_by_similar_solved_tickets(
    team, other_team, agent, teammate, ben, customer
):
    billing = create_skill(name="Billing", slug="billing")
    set_skill(ben, skill=billing, proficiency=5)
    set_skill(teammate, skill=billing, proficiency=2)
    for n in range(3):
        solved = factories.make_ticket(team=team, subject=f"Invoice duplicate {n}")
        services.assign_ticket(solved, assignee=teammate, actor=as_(teammate))
        services.change_status(solved, status=Status.SOLVED, actor=as_(teammate))
    with time_machine.travel(timezone.now() - timedelta(days=120)):
        old = factories.make_ticket(team=other_team, subject="Duplicate invoice, long ago")
        services.assign_ticket(old, assignee=ben, actor=as_(ben))
        services.change_status(old, status=Status.SOLVED, actor=as_(ben))
    ticket = factories.make_ticket(
        team=team, customer=customer, subject="Duplicate invoice charged", tags=("billing",)
    )
    services.assign_ticket(ticket, assignee=agent, actor=as_(agent))

    with CaptureQueriesContext(connection) as queries:
        found = swarms.suggest_collaborators(ticket)

    assert [(s.user, s.reasons) for s in found] == [
        (ben, ("billing 5/5",)),
        (teammate, ("billing 2/5", "solved 3 similar tickets")),
    ]
    assert len(queries) <= 5


def test_suggestions_leave_out_the_owner_and_those_already_in(ticket, agent, teammate, ben):
    skill = create_skill(name="Billing", slug="billing")
    for person in (agent, teammate, ben):
        set_skill(person, skill=skill, proficiency=4)
    services.set_tags(ticket, tags=["billing"], actor=as_(agent))
    start(ticket, agent, teammate)

    assert [s.user for s in swarms.suggest_collaborators(ticket)] == [ben]


# --- API -----------------------------------------------------------------------------------


def test_swarm_endpoints_start_invite_read_and_end(ticket, agent, teammate, ben, api_as):
    client = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}/swarm"

    started = client.post(url, {"question": "Charged twice?", "invite": [teammate.pk]})
    assert started.status_code == 200
    assert started.json()["swarm"]["question"] == "Charged twice?"
    assert [m["user"]["name"] for m in started.json()["swarm"]["members"]] == [
        "Alice Agent",
        "Tom Teammate",
    ]

    invited = client.post(f"{url}/members", {"user_ids": [ben.pk]})
    assert invited.status_code == 200
    assert len(invited.json()["swarm"]["members"]) == 3

    read = api_as(ben).get(url).json()
    assert read["swarm"]["owner"]["name"] == "Alice Agent"

    ended = client.post(f"{url}/end", {"outcome": "Refunded"})
    assert ended.status_code == 200
    assert ended.json()["outcome"] == "Refunded"
    assert api_as(agent).get(url).json()["swarm"] is None


def test_swarm_endpoints_refuse_who_must_not_lead_or_see(
    ticket, agent, teammate, outsider, customer, api_as
):
    url = f"/api/v1/tickets/{ticket.pk}/swarm"
    body = {"question": "Help?", "invite": [outsider.pk]}

    not_owner = api_as(teammate).post(url, body)
    assert not_owner.status_code == 403
    assert "owner" in not_owner.json()["detail"]
    assert api_as(outsider).post(url, body).status_code == 404
    assert api_as(customer.user).post(url, body).status_code == 403
    assert api_as(customer.user).get(url).status_code == 403
    assert api_as(outsider).get(url).status_code == 404
    assert Swarm.objects.count() == 0

    api_as(agent).post(url, {"question": "Help?", "invite": [teammate.pk]})
    assert api_as(teammate).post(f"{url}/end", {"outcome": "x"}).status_code == 403
    assert api_as(teammate).post(f"{url}/members", {"user_ids": [outsider.pk]}).status_code == 403
    assert Swarm.objects.get().ended_at is None


# --- The Swarming page and the panel -------------------------------------------------------


def test_the_swarming_page_lists_only_running_swarms_the_agent_is_in(
    ticket, agent, teammate, ben, team, customer
):
    start(ticket, agent, ben)
    other = factories.make_ticket(team=team, customer=customer, subject="Not Ben's")
    services.assign_ticket(other, assignee=teammate, actor=as_(teammate))
    start(other, teammate, agent)
    finished = factories.make_ticket(team=team, customer=customer, subject="Old swarm")
    services.assign_ticket(finished, assignee=agent, actor=as_(agent))
    start(finished, agent, ben)
    swarms.end_swarm(finished, outcome="Done", actor=as_(agent))

    bens = signed_in(ben).get("/swarming/").content.decode()
    alices = signed_in(agent).get("/swarming/").content.decode()
    toms = signed_in(teammate).get("/swarming/").content.decode()

    assert f'data-swarm-ticket="{ticket.number}"' in bens
    assert "new</span>" in bens
    assert f'data-swarm-ticket="{other.number}"' not in bens  # refused: not in that swarm
    assert f'data-swarm-ticket="{finished.number}"' not in bens
    assert alices.count("data-swarm-ticket=") == 2
    assert toms.count("data-swarm-ticket=") == 1


def test_the_swarming_page_is_for_staff(customer):
    assert signed_in(customer.user).get("/swarming/").status_code == 403


def test_the_swarming_page_queries_do_not_grow(agent, team, customer, teammate):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/swarming/").status_code == 200
        return len(queries)

    client = signed_in(agent)
    client.get("/swarming/")
    few_tickets = []
    for n in range(6):
        t = factories.make_ticket(team=team, customer=customer, subject=f"Swarm {n}")
        services.assign_ticket(t, assignee=agent, actor=as_(agent))
        few_tickets.append(t)
    start(few_tickets[0], agent, teammate)
    few = count()
    for t in few_tickets[1:]:
        start(t, agent, teammate, factories.make_agent(teams=(team,)))
    many = count()

    assert few == many


def test_the_start_page_offers_suggestions_and_starts_the_swarm(ticket, agent, ben):
    set_skill(ben, skill=create_skill(name="Billing", slug="billing"), proficiency=5)
    services.set_tags(ticket, tags=["billing"], actor=as_(agent))
    client = signed_in(agent)

    form = client.get(f"/tickets/{ticket.number}/swarm/new/").content.decode()
    assert "Ben Billing" in form
    assert "billing 5/5" in form

    response = client.post(
        f"/tickets/{ticket.number}/swarm/new/",
        {"question": "Seen this?", "invite": [str(ben.pk)], f"reason-{ben.pk}": "billing 5/5"},
    )

    assert response.status_code == 302
    member = SwarmMember.objects.get(user=ben)
    assert member.reason == "billing 5/5"
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Seen this?" in page
    assert "End swarm" in page


def test_a_colleague_who_does_not_own_the_ticket_cannot_start_one(ticket, teammate, ben):
    response = signed_in(teammate).post(
        f"/tickets/{ticket.number}/swarm/new/", {"question": "Mine?", "invite": [str(ben.pk)]}
    )

    assert response.status_code == 422
    assert "owner" in response.content.decode()
    assert Swarm.objects.count() == 0


def test_the_panel_costs_the_same_queries_with_or_without_a_swarm(ticket, agent, teammate, ben):
    """The panel reads the tier summary, the next tier and the swarm's members: 3 queries,
    however many members or escalations there are."""
    client = signed_in(agent)
    path = f"/tickets/{ticket.number}/"
    client.get(path)
    with CaptureQueriesContext(connection) as plain:
        client.get(path)
    start(ticket, agent, teammate, ben, *[factories.make_agent() for _ in range(5)])
    with CaptureQueriesContext(connection) as swarmed:
        page = client.get(path).content.decode()

    assert "Tom Teammate" in page
    # The swarm made the three others collaborators: the panel lists them in the same query.
    assert len(swarmed) == len(plain)


def test_opening_the_invitation_marks_it_seen(ticket, agent, ben, outsider):
    start(ticket, agent, ben)
    client = signed_in(ben)

    response = client.get(f"/tickets/{ticket.number}/swarm/")

    assert response["Location"] == f"/tickets/{ticket.number}/"
    assert SwarmMember.objects.get(user=ben).acknowledged_at is not None
    assert "new</span>" not in client.get("/swarming/").content.decode()
    assert signed_in(outsider).get(f"/tickets/{ticket.number}/swarm/").status_code == 404


def test_supervisors_may_list_every_running_swarm(ticket, agent, ben, supervisor, teammate):
    start(ticket, agent, ben)

    everything = signed_in(supervisor).get("/swarming/?all=1").content.decode()
    only_mine = signed_in(teammate).get("/swarming/?all=1").content.decode()

    assert f'data-swarm-ticket="{ticket.number}"' in everything
    assert "data-swarm-ticket=" not in only_mine  # refused: an agent sees only their own
