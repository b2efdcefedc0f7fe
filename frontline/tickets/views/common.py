"""Look-ups several workspace views share: teams, colleagues and categories for choices."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from frontline.accounts.models import Role, Team, User
from frontline.accounts.permissions import READ_ONLY
from frontline.tickets.models import Category, Ticket


@dataclass(frozen=True)
class Choices:
    teams: list[Team]
    agents: list[User]


def workspace_choices() -> Choices:
    """Every team and every colleague who can work tickets: two queries."""
    agents = (
        User.objects.filter(is_active=True)
        .exclude(role__in=[Role.CUSTOMER, *READ_ONLY])
        .order_by("name", "email")
    )
    return Choices(teams=list(Team.objects.order_by("tier", "name")), agents=list(agents))


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


def attach_known(
    tickets: Sequence[Ticket], choices: Choices, categories: Iterable[Category] | None = None
) -> None:
    """Give each ticket its team, assignee and category from what the page has loaded for
    its choices, so the ticket query need not join them (PostgreSQL spent more time planning
    those joins than running them). Any not among the choices, such as a deactivated
    agent, is read in one query per kind. Categories only when the page has them."""
    _attach(tickets, "team", {t.pk: t for t in choices.teams}, Team)
    _attach(tickets, "assignee", {u.pk: u for u in choices.agents}, User)
    if categories is not None:
        _attach(tickets, "category", {c.pk: c for c in categories}, Category)


def users_by_id(ids: Iterable[int], choices: Choices) -> list[User]:
    """The users ``ids`` in the usual order (name, email), from the page's colleagues where
    they are among them, else read in one query (a deactivated colleague, say)."""
    wanted = set(ids)
    known = _completed({u.pk: u for u in choices.agents}, wanted, User)
    return sorted((known[pk] for pk in wanted if pk in known), key=lambda u: (u.name, u.email))


def _completed(known: dict[int, Any], ids: set[int], model: Any) -> dict[int, Any]:
    """``known`` and, read in one query, those of ``ids`` it lacks."""
    missing = ids - known.keys()
    return known | model.objects.in_bulk(missing) if missing else known


def _attach(tickets: Sequence[Ticket], name: str, known: dict[int, Any], model: Any) -> None:
    ids = {getattr(t, f"{name}_id") for t in tickets} - {None}
    known = _completed(known, ids, model)
    for ticket in tickets:
        pk = getattr(ticket, f"{name}_id")
        if pk is not None and pk in known:
            setattr(ticket, name, known[pk])
