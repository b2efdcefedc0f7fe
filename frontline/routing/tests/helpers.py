"""Small builders for routing tests: routed teams, agents online, waiting tickets."""

from datetime import datetime, timedelta

from django.utils import timezone

from frontline.accounts.models import AgentSkill, Skill, Team, User
from frontline.routing.models import AgentPresence, PresenceStatus, Strategy, TeamRouting
from frontline.testing import factories
from frontline.tickets.models import Channel, Ticket


def routed_team(strategy: Strategy = Strategy.LEAST_LOADED, **options: object) -> Team:
    team = factories.make_team()
    TeamRouting.objects.create(team=team, strategy=strategy, **options)
    return team


def online_agent(team: Team, *, name: str, idle_minutes: int | None = None) -> User:
    user = factories.make_agent(teams=(team,), name=name)
    now = timezone.now()
    AgentPresence.objects.create(
        user=user,
        status=PresenceStatus.ONLINE,
        since=now,
        last_seen_at=now,
        last_assigned_at=now - timedelta(minutes=idle_minutes) if idle_minutes else None,
    )
    return user


def skill(user: User, name: str, proficiency: int) -> Skill:
    found, _ = Skill.objects.get_or_create(name=name, defaults={"slug": name.lower()})
    AgentSkill.objects.create(user=user, skill=found, proficiency=proficiency)
    return found


def waiting(
    team: Team, *, channel: Channel = Channel.EMAIL, age: timedelta | None = None
) -> Ticket:
    ticket = factories.make_ticket(team=team, channel=channel)
    if age is not None:
        Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - age)
        ticket.refresh_from_db()
    return ticket


def assigned(ticket: Ticket) -> int | None:
    return Ticket.objects.values_list("assignee_id", flat=True).get(pk=ticket.pk)


def later(minutes: int) -> datetime:
    return timezone.now() + timedelta(minutes=minutes)
