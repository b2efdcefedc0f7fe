"""Look-ups several workspace views share: teams, colleagues and categories for choices."""

from dataclasses import dataclass

from frontline.accounts.models import Role, Team, User
from frontline.accounts.permissions import READ_ONLY
from frontline.tickets.models import Category


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
