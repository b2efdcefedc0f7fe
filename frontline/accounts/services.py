"""Every change to users, teams, skills and tokens."""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from frontline.accounts.models import AgentSkill, ApiToken, Role, Skill, Team, TeamMembership, User
from frontline.core.errors import ValidationFailed

TOKEN_PREFIX = "flt_"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def create_staff_user(
    *,
    email: str,
    name: str,
    role: Role,
    password: str | None = None,
    time_zone: str = "UTC",
    teams: tuple[Team, ...] = (),
) -> User:
    if role == Role.CUSTOMER:
        raise ValidationFailed("Staff users cannot have the customer role.", field="role")
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationFailed(f"A user with the address {email} exists.", field="email")
    user = User.objects.create_user(
        email,
        password,
        name=name,
        role=role,
        time_zone=time_zone,
        is_staff=role in (Role.ADMIN, Role.HEAD_OF_SUPPORT),
        is_superuser=role == Role.ADMIN,
    )
    for team in teams:
        add_to_team(user, team=team)
    return user


def add_to_team(user: User, *, team: Team, is_lead: bool = False) -> TeamMembership:
    if user.is_customer:
        raise ValidationFailed("Customers cannot join teams.", field="user")
    membership, _ = TeamMembership.objects.update_or_create(
        user=user, team=team, defaults={"is_lead": is_lead}
    )
    return membership


def remove_from_team(user: User, *, team: Team) -> None:
    TeamMembership.objects.filter(user=user, team=team).delete()


def set_skill(user: User, *, skill: Skill, proficiency: int) -> AgentSkill:
    if not 1 <= proficiency <= 5:
        raise ValidationFailed("Proficiency runs from 1 to 5.", field="proficiency")
    agent_skill, _ = AgentSkill.objects.update_or_create(
        user=user, skill=skill, defaults={"proficiency": proficiency}
    )
    return agent_skill


def issue_token(user: User, *, name: str = "API token") -> IssuedToken:
    """Create a token for ``user``; the secret is returned once and never stored."""
    if not user.is_active:
        raise ValidationFailed("Inactive users cannot receive tokens.", field="user")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:12], key_hash=hash_token(secret)
    )
    return IssuedToken(token=token, secret=secret)


def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate_token(secret: str) -> User | None:
    """The active user behind a bearer token, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute: a write per request would serialise readers.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
