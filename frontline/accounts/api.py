"""Users, teams, skills and the caller: /api/v1/me, /teams, /users, /skills."""

from datetime import datetime
from typing import Any, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Created

from frontline.accounts import services
from frontline.accounts.api_auth import request_user, staff_actor
from frontline.accounts.models import (
    AgentSkill,
    ApiToken,
    Role,
    Skill,
    Team,
    TeamMembership,
    User,
)
from frontline.accounts.permissions import can_manage_configuration
from frontline.core.actors import Actor
from frontline.core.api_support import (
    NO_NUL,
    NON_BLANK,
    InputSchema,
    ObjectId,
    responses,
)
from frontline.core.errors import NotFound, PermissionDenied
from frontline.core.pagination import PageParams, paginate

router = Router(tags=["accounts"])

EMAIL_FORMAT: dict[str, Any] = {"format": "email"}
Id = ObjectId

StaffRoleName = Literal[
    "associate",
    "engineer",
    "supervisor",
    "account_manager",
    "analyst",
    "head_of_support",
    "admin",
    "rotation",
]


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


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    tier: int
    description: str
    email: str
    member_count: int


class TeamMemberOut(Schema):
    id: int
    name: str
    email: str
    role: str
    is_lead: bool


class TeamDetailOut(TeamOut):
    members: list[TeamMemberOut]


class TeamCreateIn(InputSchema):
    name: str = Field(max_length=100, pattern=NON_BLANK)
    slug: str = Field("", max_length=100, pattern=r"^[-a-zA-Z0-9_]*$")
    tier: int = Field(1, ge=1, le=9, description="1 is first line; escalations go up.")
    description: str = Field("", max_length=10_000, pattern=NO_NUL)
    email: str | None = Field(None, min_length=3, max_length=254, json_schema_extra=EMAIL_FORMAT)


class TeamUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=100, pattern=NON_BLANK)
    tier: int | None = Field(None, ge=1, le=9)
    description: str | None = Field(None, max_length=10_000, pattern=NO_NUL)
    email: str | None = Field(
        None, max_length=254, pattern=NO_NUL, description="An address, or '' to remove it."
    )


class MembershipIn(InputSchema):
    user_id: Id
    is_lead: bool = False


class UserTeamOut(Schema):
    id: int
    name: str
    is_lead: bool


class SiteOut(Schema):
    id: int
    name: str


class UserOut(Schema):
    id: int
    email: str
    name: str
    role: str
    time_zone: str
    site: SiteOut | None
    is_active: bool
    teams: list[UserTeamOut]

    @staticmethod
    def fields_of(user: User) -> dict[str, Any]:
        return {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "time_zone": user.time_zone,
            "site": {"id": user.site.pk, "name": user.site.name} if user.site else None,
            "is_active": user.is_active,
            "teams": [
                {"id": m.team.pk, "name": m.team.name, "is_lead": m.is_lead}
                for m in user.memberships.all()
            ],
        }

    @classmethod
    def from_model(cls, user: User) -> "UserOut":
        return cls(**cls.fields_of(user))


class UserSkillOut(Schema):
    id: int
    name: str
    slug: str
    proficiency: int


class UserDetailOut(UserOut):
    skills: list[UserSkillOut]
    date_joined: datetime
    last_login: datetime | None


class UserPageOut(Schema):
    items: list[UserOut]
    next: str | None


class UserFilters(Schema):
    role: StaffRoleName | None = None
    team_id: Id | None = None
    is_active: bool | None = None
    q: str | None = Field(None, max_length=200, pattern=NO_NUL, description="Name or email.")
    cursor: str | None = Field(None, max_length=1000, pattern=NO_NUL)
    page_size: int | None = Field(None, ge=1, le=100)


class UserCreateIn(InputSchema):
    email: str = Field(min_length=3, max_length=254, json_schema_extra=EMAIL_FORMAT)
    name: str = Field(max_length=200, pattern=NON_BLANK)
    role: StaffRoleName = "associate"
    time_zone: str = Field("UTC", max_length=64, pattern=NO_NUL)
    team_ids: list[Id] = Field(default_factory=list, max_length=50)
    password: str | None = Field(
        None, min_length=8, max_length=128, pattern=NO_NUL, description="Omit for no password."
    )


class UserUpdateIn(InputSchema):
    name: str | None = Field(None, max_length=200, pattern=NON_BLANK)
    role: StaffRoleName | None = None
    time_zone: str | None = Field(None, max_length=64, pattern=NO_NUL)
    is_active: bool | None = None


class SkillOut(Schema):
    id: int
    name: str
    slug: str
    description: str


class SkillCreateIn(InputSchema):
    name: str = Field(max_length=100, pattern=NON_BLANK)
    slug: str = Field("", max_length=100, pattern=r"^[-a-zA-Z0-9_]*$")
    description: str = Field("", max_length=10_000, pattern=NO_NUL)


class ProficiencyIn(InputSchema):
    proficiency: int = Field(ge=1, le=5, description="1 (learning) to 5 (expert).")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool

    @classmethod
    def from_model(cls, token: ApiToken) -> "TokenOut":
        return cls(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            is_active=token.is_active,
        )


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="Shown this once; only its hash is stored.")


class TokenPageOut(Schema):
    items: list[TokenOut]
    next: str | None


class TeamPageOut(Schema):
    items: list[TeamOut]
    next: str | None


class SkillPageOut(Schema):
    items: list[SkillOut]
    next: str | None


class TokenCreateIn(InputSchema):
    name: str = Field("API token", max_length=100, pattern=NON_BLANK)


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


@router.get("/me/tokens", response=responses({200: TokenPageOut}), summary="My API tokens")
def list_my_tokens(request: HttpRequest, paging: Query[PageParams]) -> TokenPageOut:
    page = paginate(
        request_user(request).api_tokens.all(),
        request,
        order=("-id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return TokenPageOut(items=[TokenOut.from_model(t) for t in page.items], next=page.next)


@router.post("/me/tokens", response=responses({201: TokenCreatedOut}), summary="New API token")
def create_my_token(request: HttpRequest, payload: TokenCreateIn) -> Created[TokenCreatedOut]:
    issued = services.issue_token(request_user(request), name=payload.name.strip())
    out = TokenCreatedOut(**TokenOut.from_model(issued.token).model_dump(), secret=issued.secret)
    return Created(201, out)


@router.delete("/me/tokens/{token_id}", response=responses({200: TokenOut}), summary="Revoke")
def revoke_my_token(request: HttpRequest, token_id: int) -> TokenOut:
    token = request_user(request).api_tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"You have no token {token_id}.")
    services.revoke_token(token)
    token.refresh_from_db()
    return TokenOut.from_model(token)


@router.get("/teams", response=responses({200: TeamPageOut}), summary="List teams")
def list_teams(request: HttpRequest, paging: Query[PageParams]) -> TeamPageOut:
    staff_reader(request)
    page = paginate(
        Team.objects.all(),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    counts = dict(
        TeamMembership.objects.filter(team__in=page.items)
        .values("team")
        .annotate(members=Count("id"))
        .values_list("team", "members")
    )
    return TeamPageOut(
        items=[_team_out(t, member_count=counts.get(t.pk, 0)) for t in page.items], next=page.next
    )


@router.post("/teams", response=responses({201: TeamDetailOut}), summary="Create a team")
def create_team(request: HttpRequest, payload: TeamCreateIn) -> Created[TeamDetailOut]:
    _configurator(request)
    team = services.create_team(
        name=payload.name,
        slug=payload.slug,
        tier=payload.tier,
        description=payload.description,
        email=payload.email or "",
    )
    return Created(201, _team_detail(team))


@router.get("/teams/{team_id}", response=responses({200: TeamDetailOut}), summary="Read a team")
def get_team(request: HttpRequest, team_id: int) -> TeamDetailOut:
    staff_reader(request)
    return _team_detail(_team(team_id))


@router.patch("/teams/{team_id}", response=responses({200: TeamDetailOut}), summary="Change")
def update_team(request: HttpRequest, team_id: int, payload: TeamUpdateIn) -> TeamDetailOut:
    _configurator(request)
    fields = services.TeamFields(
        name=payload.name,
        tier=payload.tier,
        description=payload.description,
        email=payload.email,
    )
    return _team_detail(services.update_team(_team(team_id), fields=fields))


@router.post(
    "/teams/{team_id}/members", response=responses({201: TeamDetailOut}), summary="Add member"
)
def add_member(request: HttpRequest, team_id: int, payload: MembershipIn) -> Created[TeamDetailOut]:
    _configurator(request)
    team = _team(team_id)
    services.add_to_team(_staff_user(payload.user_id), team=team, is_lead=payload.is_lead)
    return Created(201, _team_detail(team))


@router.delete(
    "/teams/{team_id}/members/{user_id}",
    response=responses({200: TeamDetailOut}),
    summary="Remove member",
)
def remove_member(request: HttpRequest, team_id: int, user_id: int) -> TeamDetailOut:
    _configurator(request)
    team = _team(team_id)
    user = _staff_user(user_id)
    if not team.memberships.filter(user=user).exists():
        raise NotFound(f"User {user_id} is not a member of {team.name}.")
    services.remove_from_team(user, team=team)
    return _team_detail(team)


@router.get("/users", response=responses({200: UserPageOut}), summary="List staff users")
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> UserPageOut:
    staff_reader(request)
    users = _staff_users()
    if filters.role is not None:
        users = users.filter(role=filters.role)
    if filters.team_id is not None:
        users = users.filter(memberships__team_id=filters.team_id)
    if filters.is_active is not None:
        users = users.filter(is_active=filters.is_active)
    if filters.q:
        users = users.filter(Q(name__icontains=filters.q) | Q(email__icontains=filters.q))
    page = paginate(
        _with_teams(users),
        request,
        order=("name", "id"),
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    return UserPageOut(items=[UserOut.from_model(u) for u in page.items], next=page.next)


@router.post("/users", response=responses({201: UserDetailOut}), summary="Create a staff user")
def create_user(request: HttpRequest, payload: UserCreateIn) -> Created[UserDetailOut]:
    actor = _configurator(request)
    user = services.create_staff_user(
        email=payload.email,
        name=payload.name.strip(),
        role=Role(payload.role),
        password=payload.password,
        time_zone=payload.time_zone,
        teams=_teams(payload.team_ids),
        actor=actor,
    )
    return Created(201, _user_detail(user.pk))


@router.get("/users/{user_id}", response=responses({200: UserDetailOut}), summary="Read a user")
def get_user(request: HttpRequest, user_id: int) -> UserDetailOut:
    staff_reader(request)
    return _user_detail(user_id)


@router.patch("/users/{user_id}", response=responses({200: UserDetailOut}), summary="Change")
def update_user(request: HttpRequest, user_id: int, payload: UserUpdateIn) -> UserDetailOut:
    actor = _configurator(request)
    fields = services.UserFields(
        name=payload.name.strip() if payload.name is not None else None,
        role=Role(payload.role) if payload.role is not None else None,
        time_zone=payload.time_zone,
        is_active=payload.is_active,
    )
    services.update_staff_user(_staff_user(user_id), fields=fields, actor=actor)
    return _user_detail(user_id)


@router.put(
    "/users/{user_id}/skills/{skill_id}",
    response=responses({200: UserDetailOut}),
    summary="Set a skill's proficiency",
)
def set_skill(
    request: HttpRequest, user_id: int, skill_id: int, payload: ProficiencyIn
) -> UserDetailOut:
    _configurator(request)
    skill = Skill.objects.filter(pk=skill_id).first()
    if skill is None:
        raise NotFound(f"There is no skill {skill_id}.")
    services.set_skill(_staff_user(user_id), skill=skill, proficiency=payload.proficiency)
    return _user_detail(user_id)


@router.get("/skills", response=responses({200: SkillPageOut}), summary="List skills")
def list_skills(request: HttpRequest, paging: Query[PageParams]) -> SkillPageOut:
    staff_reader(request)
    page = paginate(
        Skill.objects.all(),
        request,
        order=("id",),
        cursor=paging.cursor,
        page_size=paging.page_size,
    )
    return SkillPageOut(items=[_skill_out(s) for s in page.items], next=page.next)


@router.post("/skills", response=responses({201: SkillOut}), summary="Create a skill")
def create_skill(request: HttpRequest, payload: SkillCreateIn) -> Created[SkillOut]:
    _configurator(request)
    skill = services.create_skill(
        name=payload.name, slug=payload.slug, description=payload.description
    )
    return Created(201, _skill_out(skill))


def staff_reader(request: HttpRequest) -> Actor:
    return staff_actor(request)


def _configurator(request: HttpRequest) -> Actor:
    actor = staff_reader(request)
    if actor.user is None or not can_manage_configuration(actor.user):
        raise PermissionDenied(
            "Only the head of support and administrators change teams, users and skills."
        )
    return actor


def _team(team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"There is no team {team_id}.")
    return team


def _teams(team_ids: list[int]) -> tuple[Team, ...]:
    wanted = set(team_ids)
    teams = tuple(Team.objects.filter(pk__in=wanted).order_by("tier", "name"))
    missing = wanted - {t.pk for t in teams}
    if missing:
        raise NotFound(f"There is no team {min(missing)}.", field="team_ids")
    return teams


def _staff_users() -> QuerySet[User]:
    """Staff accounts; customers' portal logins are managed through their customer."""
    return User.objects.exclude(role=Role.CUSTOMER)


def _staff_user(user_id: int) -> User:
    user = _staff_users().filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"There is no staff user {user_id}.", field="user_id")
    return user


def _with_teams(users: QuerySet[User]) -> QuerySet[User]:
    memberships = TeamMembership.objects.select_related("team").order_by("team__tier", "team__name")
    return users.select_related("site").prefetch_related(Prefetch("memberships", memberships))


def _user_detail(user_id: int) -> UserDetailOut:
    skills = AgentSkill.objects.select_related("skill").order_by("skill__name")
    user = (
        _with_teams(_staff_users())
        .prefetch_related(Prefetch("skills", skills))
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        raise NotFound(f"There is no staff user {user_id}.")
    return UserDetailOut(
        **UserOut.fields_of(user),
        skills=[
            UserSkillOut(
                id=s.skill.pk, name=s.skill.name, slug=s.skill.slug, proficiency=s.proficiency
            )
            for s in user.skills.all()
        ],
        date_joined=user.date_joined,
        last_login=user.last_login,
    )


def _team_out(team: Team, *, member_count: int) -> TeamOut:
    return TeamOut(
        id=team.pk,
        name=team.name,
        slug=team.slug,
        tier=team.tier,
        description=team.description,
        email=team.email,
        member_count=member_count,
    )


def _team_detail(team: Team) -> TeamDetailOut:
    memberships = team.memberships.select_related("user").order_by("user__name", "user__email")
    members = [
        TeamMemberOut(
            id=m.user.pk, name=m.user.name, email=m.user.email, role=m.user.role, is_lead=m.is_lead
        )
        for m in memberships
    ]
    return TeamDetailOut(**_team_out(team, member_count=len(members)).model_dump(), members=members)


def _skill_out(skill: Skill) -> SkillOut:
    return SkillOut(id=skill.pk, name=skill.name, slug=skill.slug, description=skill.description)
