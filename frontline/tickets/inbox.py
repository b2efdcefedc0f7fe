"""The agent inbox: built-in and saved views, what each holds, its count and its order.

A custom view draws from ``tickets_visible_to(actor)``, so it can narrow what an agent
sees but never widen it. A built-in view keeps to the agent's teams and the tickets
assigned to them, which lie inside that scope by its definition, so it leaves the scope's
subqueries out of its SQL. The agent's teams are read once per request (``InboxScope``)
and shared by the list, the counts and previous/next.
"""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from frontline.accounts.permissions import is_staff_member, sees_all_tickets
from frontline.core.actors import Actor
from frontline.core.pagination import rows_after
from frontline.tickets import contributions
from frontline.tickets.models import (
    PRIORITY_RANK,
    Channel,
    InboxSort,
    Priority,
    SavedView,
    Status,
    Ticket,
)
from frontline.tickets.queries import (
    DUE_ORDER,
    NEVER_DUE,
    agent_team_ids,
    pick_rows,
    tickets_visible_to,
    with_due_time,
)

BUILT_IN_VIEWS: dict[str, str] = {
    "mine": "My open tickets",
    "unassigned": "Unassigned in my teams",
    "teams": "All of my teams",
    "pending": "Pending",
    "solved": "Recently solved",
}
DEFAULT_VIEW = "mine"
FILTER_VIEW = "filter"
RECENTLY_SOLVED = timedelta(days=7)
# The SLA filter: tickets whose next SLA target is due within (or overdue by) this.
SLA_DUE = {"overdue": timedelta(0), "hour": timedelta(hours=1), "day": timedelta(days=1)}
SLA_DUE_CHOICES = [
    ("", "Any"),
    ("overdue", "Overdue"),
    ("hour", "Due within an hour"),
    ("day", "Due within a day"),
]

SORT_ORDERS: dict[str, tuple[str, ...]] = {
    InboxSort.UPDATED: ("-updated_at", "-id"),
    InboxSort.CREATED: ("-created_at", "-id"),
    InboxSort.PRIORITY: ("-priority_rank", "-updated_at", "-id"),
    InboxSort.DUE: DUE_ORDER,
}


def _strings(value: Any, allowed: Sequence[str]) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else [value] if value else []
    return tuple(dict.fromkeys(str(v) for v in items if str(v) in allowed))


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@dataclass(frozen=True)
class InboxFilters:
    """The filters of a custom view; empty fields do not filter."""

    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    team: str = ""  # a team id, or "none"
    assignee: str = ""  # a user id, "me" or "none"
    tag: str = ""
    customer_id: int | None = None
    customer_label: str = ""
    organisation_id: int | None = None
    organisation_label: str = ""
    sla_due: str = ""  # "overdue", "hour" or "day": next SLA target due by then

    def as_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items() if v}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "InboxFilters":
        """Read stored filters, dropping anything no longer valid rather than failing."""
        team, assignee = str(data.get("team") or ""), str(data.get("assignee") or "")
        return cls(
            statuses=_strings(data.get("statuses"), Status.values),
            priorities=_strings(data.get("priorities"), Priority.values),
            channels=_strings(data.get("channels"), Channel.values),
            team=team if team == "none" or _int_or_none(team) else "",
            assignee=assignee if assignee in ("me", "none") or _int_or_none(assignee) else "",
            tag=str(data.get("tag") or "")[:64],
            customer_id=_int_or_none(data.get("customer_id")),
            customer_label=str(data.get("customer_label") or "")[:320],
            organisation_id=_int_or_none(data.get("organisation_id")),
            organisation_label=str(data.get("organisation_label") or "")[:200],
            sla_due=str(data.get("sla_due") or "") if data.get("sla_due") in SLA_DUE else "",
        )

    def apply(self, tickets: QuerySet[Ticket], actor: Actor) -> QuerySet[Ticket]:
        if self.statuses:
            tickets = tickets.filter(status__in=self.statuses)
        if self.priorities:
            # By rank, the same tickets: the (priority_rank, updated_at) index serves it.
            ranks = {PRIORITY_RANK[Priority(p)] for p in self.priorities}
            tickets = tickets.filter(priority_rank__in=sorted(ranks))
        if self.channels:
            tickets = tickets.filter(channel__in=self.channels)
        if self.team == "none":
            tickets = tickets.filter(team__isnull=True)
        elif self.team:
            tickets = tickets.filter(team_id=int(self.team))
        if self.assignee:
            tickets = tickets.filter(self._assignee(actor))
        if self.tag:
            tickets = tickets.filter(tags__name=self.tag)
        if self.customer_id is not None:
            tickets = tickets.filter(customer_id=self.customer_id)
        if self.organisation_id is not None:
            tickets = tickets.filter(organisation_id=self.organisation_id)
        if self.sla_due:
            due_by = timezone.now() + SLA_DUE[self.sla_due]
            tickets = contributions.due_time().due_before(tickets, due_by)
        return tickets

    def _assignee(self, actor: Actor) -> Q:
        if self.assignee == "none":
            return Q(assignee__isnull=True)
        if self.assignee == "me":
            return Q(assignee_id=actor.user.pk if actor.user else None)
        return Q(assignee_id=int(self.assignee))


@dataclass(frozen=True)
class InboxView:
    key: str
    name: str
    sort: str = InboxSort.UPDATED
    filters: InboxFilters | None = None
    saved_id: int | None = None

    @property
    def is_custom(self) -> bool:
        return self.filters is not None


@dataclass(frozen=True)
class InboxScope:
    """What an agent's views draw from, computed once per request."""

    actor: Actor
    team_ids: list[int] = field(default_factory=list)
    all_teams: bool = False

    @property
    def is_staff(self) -> bool:
        user = self.actor.user
        return user is not None and is_staff_member(user)

    @cached_property
    def visible(self) -> QuerySet[Ticket]:
        """Every ticket the agent may see; custom views filter within it."""
        return tickets_visible_to(self.actor)

    def in_my_teams(self) -> Q:
        return Q() if self.all_teams else Q(team_id__in=self.team_ids)

    def mine(self) -> Q:
        return Q(assignee_id=self.actor.user.pk if self.actor.user else None)


def scope_for(actor: Actor) -> InboxScope:
    """An agent's teams are their memberships; a supervisor in no team has every team."""
    user = actor.user
    team_ids = agent_team_ids(actor)
    all_teams = user is not None and not team_ids and sees_all_tickets(user)
    return InboxScope(actor=actor, team_ids=team_ids, all_teams=all_teams)


def views_for(actor: Actor) -> list[InboxView]:
    """The built-in views, then the agent's saved views by name."""
    views = [InboxView(key=key, name=name) for key, name in BUILT_IN_VIEWS.items()]
    if actor.user is None:
        return views
    for saved in SavedView.objects.filter(owner=actor.user):
        views.append(saved_view(saved))
    return views


def saved_view(saved: SavedView) -> InboxView:
    return InboxView(
        key=f"v{saved.pk}",
        name=saved.name,
        sort=saved.sort if saved.sort in SORT_ORDERS else InboxSort.UPDATED,
        filters=InboxFilters.from_json(saved.filters),
        saved_id=saved.pk,
    )


def filter_view(filters: InboxFilters, sort: str) -> InboxView:
    """An unsaved custom view built from the filter form."""
    return InboxView(key=FILTER_VIEW, name="Filtered tickets", sort=sort, filters=filters)


def find_view(views: Sequence[InboxView], key: str) -> InboxView | None:
    return next((v for v in views if v.key == key), None)


def view_named(actor: Actor, key: str) -> InboxView | None:
    """The view ``key`` of this agent: a built-in one without a query, a saved one (``v12``)
    only if it is theirs."""
    if key in BUILT_IN_VIEWS:
        return InboxView(key=key, name=BUILT_IN_VIEWS[key])
    number = key[1:]
    if actor.user is None or not key.startswith("v") or not number.isdigit() or len(number) > 18:
        return None
    saved = SavedView.objects.filter(owner=actor.user, pk=int(number)).first()
    return saved_view(saved) if saved is not None else None


def tickets_in(scope: InboxScope, view: InboxView) -> QuerySet[Ticket]:
    """The tickets of a view, unordered."""
    unsolved = Q(unsolved=True)
    if view.filters is not None:
        return view.filters.apply(scope.visible, scope.actor)
    if view.key == "mine":
        condition = scope.mine() & unsolved
    elif view.key == "unassigned":
        condition = scope.in_my_teams() & Q(assignee__isnull=True) & unsolved
    elif view.key == "teams":
        condition = scope.in_my_teams() & unsolved
    elif view.key == "pending":
        condition = (scope.in_my_teams() | scope.mine()) & Q(status=Status.PENDING)
    elif view.key == "solved":
        since = timezone.now() - RECENTLY_SOLVED
        condition = (scope.in_my_teams() | scope.mine()) & Q(
            status=Status.SOLVED, solved_at__gte=since
        )
    else:
        return Ticket.objects.none()
    # Each built-in view keeps to the agent's teams or the tickets assigned to them, both
    # inside what they may see (tested): the scope's OR of subqueries would only cost.
    within = Ticket.objects.all() if scope.is_staff else Ticket.objects.none()
    return within.filter(condition)


def counts(scope: InboxScope, views: Sequence[InboxView]) -> dict[str, int]:
    """One indexed COUNT per view."""
    return {view.key: tickets_in(scope, view).count() for view in views}


def ordered(tickets: QuerySet[Ticket], sort: str) -> tuple[QuerySet[Ticket], tuple[str, ...]]:
    order = SORT_ORDERS.get(sort, SORT_ORDERS[InboxSort.UPDATED])
    if "next_due_at" in order:
        tickets = with_due_time(tickets)
    return tickets, order


def with_row_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a list row shows, fetched in the same query; the page gives rows their team and
    assignee from its choices (``views.common.attach_known``)."""
    return tickets.select_related("customer", *contributions.due_time().row_relations)


def neighbours(scope: InboxScope, view: InboxView, ticket: Ticket) -> tuple[int | None, int | None]:
    """The numbers of the tickets before and after ``ticket`` in the view's order."""
    tickets, order = ordered(tickets_in(scope, view), view.sort)
    values = [_sort_value(ticket, name.lstrip("-")) for name in order]
    backwards = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in order)
    pick = pick_rows(order)
    after = pick(tickets.filter(rows_after(order, values)).only("number"), order, 1)
    before = pick(tickets.filter(rows_after(backwards, values)).only("number"), backwards, 1)
    return (before[0].number if before else None, after[0].number if after else None)


def _sort_value(ticket: Ticket, name: str) -> Any:
    if name == "priority_rank":
        return PRIORITY_RANK.get(Priority(ticket.priority), 1)
    if name == "next_due_at":
        return contributions.due_time().lookup(ticket) or NEVER_DUE
    return getattr(ticket, name)
