"""The supervisor's board: open work per team and agent, unassigned age, who is online."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, QuerySet, Value
from django.utils import timezone

from frontline.accounts.models import Team, TeamMembership, User
from frontline.core import presence
from frontline.core.actors import Actor
from frontline.core.pagination import first_rows
from frontline.tickets.models import Ticket
from frontline.tickets.queries import tickets_visible_to

UNASSIGNED_SHOWN = 50


@dataclass
class AgentLoad:
    user: User
    open_tickets: int = 0
    online: bool = False
    is_lead: bool = False


@dataclass
class TeamLoad:
    team: Team | None
    open_tickets: int = 0
    unassigned: int = 0
    oldest_unassigned_at: datetime | None = None
    agents: list[AgentLoad] = field(default_factory=list)

    @property
    def unassigned_age(self) -> object:
        if self.oldest_unassigned_at is None:
            return None
        return timezone.now() - self.oldest_unassigned_at

    @property
    def online_count(self) -> int:
        return sum(1 for a in self.agents if a.online)


def open_tickets(actor: Actor) -> QuerySet[Ticket]:
    # ``unsolved = true``, not Django's bare ``unsolved``: SQLite searches an index only
    # for a comparison, and the board's count reads the ticket_open_load index alone.
    return tickets_visible_to(actor).filter(unsolved=Value(True))


def workload(actor: Actor) -> list[TeamLoad]:
    """One grouped count over open tickets, the teams, their members, and presence."""
    rows = (
        open_tickets(actor)
        .order_by()
        .values("team_id", "assignee_id")
        .annotate(n=Count("id"), oldest=Min("created_at"))
    )
    loads = {t.pk: TeamLoad(team=t) for t in Team.objects.order_by("tier", "name")}
    members = TeamMembership.objects.select_related("user").filter(user__is_active=True)
    for membership in members.order_by("user__name"):
        load = loads[membership.team_id]
        load.agents.append(AgentLoad(user=membership.user, is_lead=membership.is_lead))
    no_team = TeamLoad(team=None)
    by_agent: dict[tuple[int | None, int], int] = {}
    for row in rows:
        load = loads.get(row["team_id"], no_team)
        load.open_tickets += row["n"]
        if row["assignee_id"] is None:
            load.unassigned += row["n"]
            load.oldest_unassigned_at = row["oldest"]
        else:
            by_agent[(row["team_id"], row["assignee_id"])] = row["n"]
    result = [*loads.values(), *([no_team] if no_team.open_tickets else [])]
    _fill_agents(result, by_agent)
    return result


def _fill_agents(loads: list[TeamLoad], by_agent: dict[tuple[int | None, int], int]) -> None:
    user_ids = {a.user.pk for load in loads for a in load.agents}
    online = presence.online_user_ids(user_ids)
    for load in loads:
        team_id = load.team.pk if load.team else None
        for agent in load.agents:
            agent.open_tickets = by_agent.get((team_id, agent.user.pk), 0)
            agent.online = agent.user.pk in online


def unassigned_tickets(actor: Actor) -> list[Ticket]:
    """The longest-waiting unassigned open tickets, for dragging onto an agent."""
    tickets = open_tickets(actor).filter(assignee__isnull=True).select_related("customer", "team")
    return first_rows(tickets, ("created_at", "id"), UNASSIGNED_SHOWN)
