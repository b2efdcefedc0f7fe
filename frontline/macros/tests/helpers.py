"""Making macros for tests, through the service as the app does."""

from typing import Any

from frontline.accounts.models import User
from frontline.core.actors import Actor
from frontline.macros import services
from frontline.macros.models import Macro, Scope


def make_macro(
    by: User,
    *,
    name: str = "Refund approved",
    body: str = "Hi {{ customer.first_name }}, your refund for {{ ticket.reference }} is sent.",
    changes: dict[str, Any] | None = None,
    scope: Scope | None = Scope.PERSONAL,
    team_id: int | None = None,
) -> Macro:
    fields = services.MacroFields(
        name=name, body=body, changes=changes or {}, scope=scope, team_id=team_id
    )
    return services.create_macro(fields=fields, actor=Actor.for_user(by))
