"""The strategies, the relaxation steps and the reasons, at the engine's level."""

from datetime import timedelta

from frontline.core.actors import Actor
from frontline.routing import engine
from frontline.routing.models import (
    AgentCapacity,
    RequirementKind,
    RoutingDecision,
    SkillRequirement,
    Strategy,
)
from frontline.routing.tests.helpers import (
    assigned,
    later,
    online_agent,
    routed_team,
    skill,
    waiting,
)
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import Channel, Status, Ticket


def test_manual_teams_leave_the_queue_waiting(db):
    team = routed_team(Strategy.MANUAL)
    online_agent(team, name="Ana")
    ticket = waiting(team)

    assert engine.route_ticket(ticket.pk) is False
    assert assigned(ticket) is None
    assert not RoutingDecision.objects.exists()


def test_least_loaded_gives_the_ticket_to_the_agent_with_least_work(db):
    team = routed_team(Strategy.LEAST_LOADED)
    busy, free = online_agent(team, name="Ben"), online_agent(team, name="Ana")
    factories.make_ticket(team=team)  # unassigned, not Ben's
    Ticket.objects.filter(pk=waiting(team).pk).update(assignee=busy, status=Status.OPEN)
    ticket = waiting(team)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) == free.pk
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert decision.reason.startswith("Routed to Ana: 0 of 12 open")


def test_only_workable_tickets_count_toward_load(db):
    team = routed_team(Strategy.LEAST_LOADED)
    ana, ben = online_agent(team, name="Ana"), online_agent(team, name="Ben")
    for status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
        Ticket.objects.filter(pk=waiting(team).pk).update(assignee=ana, status=status)
    Ticket.objects.filter(pk=waiting(team).pk).update(assignee=ben, status=Status.OPEN)
    Ticket.objects.filter(assignee__isnull=True).update(status=Status.SOLVED)
    ticket = waiting(team)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) == ana.pk


def test_an_agent_at_capacity_is_skipped_with_that_reason(db):
    team = routed_team(Strategy.LEAST_LOADED)
    ben = online_agent(team, name="Ben")
    AgentCapacity.objects.create(user=ben, channel=Channel.CHAT, max_concurrent=1)
    Ticket.objects.filter(pk=waiting(team, channel=Channel.CHAT).pk).update(assignee=ben)
    ticket = waiting(team, channel=Channel.CHAT)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) is None
    decision = RoutingDecision.objects.get(ticket=ticket)
    assert decision.assignee is None
    assert [(c["name"], c["skipped"]) for c in decision.candidates] == [("Ben", "at capacity")]


def test_round_robin_takes_turns(db):
    team = routed_team(Strategy.ROUND_ROBIN)
    agents = [online_agent(team, name=n) for n in ("Ana", "Ben", "Cy")]
    tickets = [waiting(team) for _ in range(4)]

    engine.route_team(team)

    assert [assigned(t) for t in tickets] == [a.pk for a in (*agents, agents[0])]


def test_skills_prefer_the_best_proficiency_then_the_least_loaded(db):
    team = routed_team(Strategy.SKILLS)
    ana, ben = online_agent(team, name="Ana"), online_agent(team, name="Ben")
    billing = skill(ana, "Billing", 4)
    skill(ben, "Billing", 3)
    category = factories.make_category(name="Invoices")
    SkillRequirement.objects.create(
        kind=RequirementKind.CATEGORY, category=category, skill=billing, min_proficiency=3
    )
    ticket = waiting(team)
    Ticket.objects.filter(pk=ticket.pk).update(category=category)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) == ana.pk
    reason = RoutingDecision.objects.get(ticket=ticket).reason
    assert reason.startswith("Routed to Ana: skill Billing 4/5, 0 of 12 open")


def test_skills_ties_go_to_the_agent_idle_longest(db):
    team = routed_team(Strategy.SKILLS)
    online_agent(team, name="Ana", idle_minutes=2)
    ben = online_agent(team, name="Ben", idle_minutes=14)
    ticket = waiting(team)

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) == ben.pk
    assert "idle 14 min" in RoutingDecision.objects.get(ticket=ticket).reason


def _needs_billing_4(team):
    ana = online_agent(team, name="Ana")
    billing = skill(ana, "Billing", 2)
    category = factories.make_category(name="Invoices")
    SkillRequirement.objects.create(
        kind=RequirementKind.CATEGORY, category=category, skill=billing, min_proficiency=4
    )
    return ana, category


def test_nobody_fitting_waits_then_proficiency_is_lowered(db):
    team = routed_team(Strategy.SKILLS, relax_after_seconds=300)
    ana, category = _needs_billing_4(team)
    fresh = waiting(team)
    old = waiting(team, age=timedelta(minutes=6))
    Ticket.objects.filter(pk__in=[fresh.pk, old.pk]).update(category=category)

    engine.route_team(team)

    assert assigned(fresh) is None
    assert assigned(old) == ana.pk
    skipped = RoutingDecision.objects.get(ticket=fresh).candidates[0]["skipped"]
    assert skipped == "proficiency too low"
    assert RoutingDecision.objects.get(ticket=old).relaxations == ["proficiency lowered to 1"]


def test_then_the_ticket_moves_to_the_fallback_team_and_is_routed_there(db):
    spare = routed_team(Strategy.LEAST_LOADED)
    cy = online_agent(spare, name="Cy")
    team = routed_team(Strategy.SKILLS, relax_after_seconds=300, fallback_team=spare)
    _, category = _needs_billing_4(team)
    Ticket.objects.filter(team=team).delete()
    ticket = waiting(team, age=timedelta(minutes=11))
    Ticket.objects.filter(pk=ticket.pk).update(category=category)
    ana = team.memberships.get().user
    ana.skills.all().delete()  # nobody fits even relaxed

    engine.route_team(team)
    engine.route_team(spare)

    ticket.refresh_from_db()
    assert ticket.team == spare
    assert ticket.assignee == cy
    first, second = RoutingDecision.objects.filter(ticket=ticket)
    assert first.relaxations[-1].startswith("moved to the fallback team")
    assert second.assignee == cy


def test_a_ticket_is_never_assigned_twice(db):
    team = routed_team(Strategy.LEAST_LOADED)
    online_agent(team, name="Ana")
    ticket = waiting(team)

    assert engine.route_ticket(ticket.pk) is True
    assert engine.route_ticket(ticket.pk) is False
    assert ticket.events.filter(type="assigned").count() == 1


def test_a_ticket_still_waiting_is_not_recorded_again_by_each_sweep(db):
    team = routed_team(Strategy.LEAST_LOADED)
    ticket = waiting(team)

    engine.route_ticket(ticket.pk)
    engine.sweep()
    engine.sweep()

    assert RoutingDecision.objects.filter(ticket=ticket).count() == 1


def test_a_ticket_in_german_goes_to_the_agent_who_speaks_it(db):
    team = routed_team(Strategy.SKILLS)
    ana, ben = online_agent(team, name="Ana"), online_agent(team, name="Ben")
    german = skill(ben, "German", 4)
    skill(ana, "Billing", 5)
    SkillRequirement.objects.create(
        kind=RequirementKind.LANGUAGE, value="de", skill=german, min_proficiency=3
    )
    ticket = factories.make_ticket(
        team=team,
        subject="Rechnung doppelt abgebucht",
        body="Guten Tag, meine Rechnung für November wurde zweimal von meinem Konto "
        "abgebucht. Bitte erstatten Sie mir den doppelten Betrag so schnell wie möglich.",
    )

    engine.route_ticket(ticket.pk)

    assert assigned(ticket) == ben.pk
    assert "skill German 4/5" in RoutingDecision.objects.get(ticket=ticket).reason


def test_a_ticket_waits_in_its_team_from_when_it_moved_there(db):
    team = routed_team(Strategy.SKILLS, relax_after_seconds=300)
    ana, category = _needs_billing_4(team)
    elsewhere = factories.make_team()
    moved = waiting(elsewhere, age=timedelta(hours=2))
    Ticket.objects.filter(pk=moved.pk).update(category=category)
    ticket_services.change_team(moved, team=team, actor=Actor.system())  # e.g. escalated now

    engine.route_ticket(moved.pk)

    assert assigned(moved) is None  # opened two hours ago, but in this team for no time
    assert RoutingDecision.objects.get(ticket=moved).relaxations == []
    engine.route_ticket(moved.pk, now=later(6))
    assert assigned(moved) == ana.pk
