"""Users, teams, skills and the caller: /api/v1/me, /teams, /users, /skills."""

from django.http import HttpRequest
from ninja import Router, Schema

from frontline.core.api_support import request_user, responses

router = Router(tags=["accounts"])


class TeamRefOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    teams: list[TeamRefOut]
    customer_id: int | None = None


@router.get("/me", response=responses({200: MeOut}), summary="The caller")
def me(request: HttpRequest) -> MeOut:
    user = request_user(request)
    customer = user.customer_profile if user.is_customer else None
    return MeOut(
        id=user.pk,
        email=user.email,
        name=user.name,
        role=user.role,
        teams=[TeamRefOut(id=t.pk, name=t.name) for t in user.teams.order_by("tier", "name")],
        customer_id=customer.pk if customer else None,
    )
