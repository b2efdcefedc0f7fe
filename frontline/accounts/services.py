"""Every change to users, teams, skills and tokens."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from frontline.accounts.models import (
    AgentSkill,
    ApiToken,
    Notification,
    NotificationKind,
    Role,
    Site,
    Skill,
    Team,
    TeamMembership,
    User,
    validate_time_zone,
)
from frontline.core import realtime
from frontline.core.actors import Actor
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed

TOKEN_PREFIX = "flt_"  # noqa: S105 - a public marker that makes leaked tokens greppable


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
    actor: Actor | None = None,
) -> User:
    """A staff account. ``actor`` is the person granting it; None is the system (CLI, seeds)."""
    if role == Role.CUSTOMER:
        raise ValidationFailed("Staff users cannot have the customer role.", field="role")
    _ensure_may_grant(actor, role)
    email = _checked_email(email)
    _check_time_zone(time_zone)
    if User.objects.filter(email=email).exists():
        raise Conflict(f"A user with the address {email} exists.", field="email")
    user = User.objects.create_user(
        email, password, name=name, role=role, time_zone=time_zone, **_role_flags(role)
    )
    for team in teams:
        add_to_team(user, team=team)
    return user


@dataclass(frozen=True)
class UserFields:
    """Fields to set; None leaves one alone (the site is cleared with ``clear_site``)."""

    name: str | None = None
    role: Role | None = None
    time_zone: str | None = None
    is_active: bool | None = None
    site: Site | None = None
    clear_site: bool = False


@transaction.atomic
def update_staff_user(user: User, *, fields: UserFields, actor: Actor) -> User:
    """Change a staff account; the role decides admin-site access and superuser rights."""
    if user.is_customer:
        raise ValidationFailed("Customer logins are changed through their customer.", field="role")
    is_self = actor.user is not None and actor.user.pk == user.pk
    # Refused rather than allowed: the only one able to undo it would be another admin.
    if is_self and fields.is_active is False:
        raise PermissionDenied("You cannot deactivate your own account.", field="is_active")
    if is_self and fields.role is not None and fields.role != user.role:
        raise PermissionDenied("You cannot change your own role.", field="role")
    if user.role == Role.ADMIN or user.is_superuser:
        _ensure_may_grant(actor, Role.ADMIN)
    changed: list[str] = []
    if fields.role is not None and fields.role != user.role:
        _set_role(user, fields.role, actor=actor)
        changed += ["role", "is_staff", "is_superuser"]
    if fields.time_zone is not None:
        _check_time_zone(fields.time_zone)
    for name in ("name", "time_zone", "is_active"):
        value = getattr(fields, name)
        if value is not None and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    site_id = None if fields.clear_site else (fields.site.pk if fields.site else user.site_id)
    if site_id != user.site_id:
        user.site_id = site_id
        changed.append("site")
    if changed:
        user.save(update_fields=changed)
    return user


def _set_role(user: User, role: Role, *, actor: Actor) -> None:
    if role == Role.CUSTOMER:
        raise ValidationFailed("Staff users cannot have the customer role.", field="role")
    _ensure_may_grant(actor, role)
    user.role = role
    flags = _role_flags(role)
    user.is_staff, user.is_superuser = flags["is_staff"], flags["is_superuser"]


def _role_flags(role: Role) -> dict[str, bool]:
    """The role decides who signs in to the Django admin and who holds every permission."""
    return {
        "is_staff": role in (Role.ADMIN, Role.HEAD_OF_SUPPORT),
        "is_superuser": role == Role.ADMIN,
    }


def _ensure_may_grant(actor: Actor | None, role: Role) -> None:
    """The administrator role carries every permission, so only administrators grant it or
    change an administrator's account; otherwise a head of support could promote themselves."""
    if actor is None or actor.user is None or role != Role.ADMIN:
        return
    if not (actor.user.is_superuser or actor.user.role == Role.ADMIN):
        raise PermissionDenied("Only administrators may grant or change the administrator role.")


def _checked_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(f"{email!r} is not an email address.", field="email") from None
    return email


def _check_time_zone(name: str) -> None:
    try:
        validate_time_zone(name)
    except ValidationError:
        raise ValidationFailed(f"{name!r} is not a known time zone.", field="time_zone") from None


@transaction.atomic
def create_team(
    *, name: str, slug: str = "", tier: int = 1, description: str = "", email: str = ""
) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed("A team needs a name.", field="name")
    slug = _slug_for(name, slug, fallback="team")
    if Team.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A team named {name!r} exists.", field="name")
    if Team.objects.filter(slug=slug).exists():
        raise Conflict(f"A team with the slug {slug!r} exists.", field="slug")
    return Team.objects.create(
        name=name,
        slug=slug,
        tier=tier,
        description=description,
        email=_checked_email(email) if email else "",
    )


@dataclass(frozen=True)
class TeamFields:
    name: str | None = None
    tier: int | None = None
    description: str | None = None
    email: str | None = None


@transaction.atomic
def update_team(team: Team, *, fields: TeamFields) -> Team:
    if fields.name is not None:
        name = fields.name.strip()
        if not name:
            raise ValidationFailed("A team needs a name.", field="name")
        if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
            raise Conflict(f"A team named {name!r} exists.", field="name")
        team.name = name
    if fields.tier is not None:
        team.tier = fields.tier
    if fields.description is not None:
        team.description = fields.description
    if fields.email is not None:
        team.email = _checked_email(fields.email) if fields.email else ""
    team.save(update_fields=["name", "tier", "description", "email", "updated_at"])
    return team


def add_to_team(user: User, *, team: Team, is_lead: bool = False) -> TeamMembership:
    if user.is_customer:
        raise ValidationFailed("Customers cannot join teams.", field="user")
    membership, _ = TeamMembership.objects.update_or_create(
        user=user, team=team, defaults={"is_lead": is_lead}
    )
    return membership


def remove_from_team(user: User, *, team: Team) -> None:
    TeamMembership.objects.filter(user=user, team=team).delete()


@transaction.atomic
def create_skill(*, name: str, slug: str = "", description: str = "") -> Skill:
    name = name.strip()
    if not name:
        raise ValidationFailed("A skill needs a name.", field="name")
    slug = _slug_for(name, slug, fallback="skill")
    if Skill.objects.filter(name__iexact=name).exists():
        raise Conflict(f"A skill named {name!r} exists.", field="name")
    if Skill.objects.filter(slug=slug).exists():
        raise Conflict(f"A skill with the slug {slug!r} exists.", field="slug")
    return Skill.objects.create(name=name, slug=slug, description=description)


@transaction.atomic
def update_skill(skill: Skill, *, name: str | None = None, description: str | None = None) -> Skill:
    """Rename or describe a skill; its slug, which rules and routing name, stays."""
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationFailed("A skill needs a name.", field="name")
        if Skill.objects.filter(name__iexact=name).exclude(pk=skill.pk).exists():
            raise Conflict(f"A skill named {name!r} exists.", field="name")
        skill.name = name
    if description is not None:
        skill.description = description
    skill.save(update_fields=["name", "description"])
    return skill


def _slug_for(name: str, slug: str, *, fallback: str) -> str:
    """The slug asked for, else one from the name; a name without Latin letters or digits
    (say, in Japanese) gets a stable one derived from its hash."""
    made = slugify(slug or name)
    if not made:
        made = f"{fallback}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
    return made[:100]


def set_skill(user: User, *, skill: Skill, proficiency: int) -> AgentSkill:
    if not 1 <= proficiency <= 5:
        raise ValidationFailed("Proficiency runs from 1 to 5.", field="proficiency")
    agent_skill, _ = AgentSkill.objects.update_or_create(
        user=user, skill=skill, defaults={"proficiency": proficiency}
    )
    return agent_skill


def remove_skill(user: User, *, skill: Skill) -> None:
    AgentSkill.objects.filter(user=user, skill=skill).delete()


@transaction.atomic
def save_site(site: Site | None, *, name: str, time_zone: str, country: str = "") -> Site:
    """Create a site (``site`` None) or change one; shifts and calendars plan by it."""
    name = name.strip()
    if not name:
        raise ValidationFailed("A site needs a name.", field="name")
    others = Site.objects.exclude(pk=site.pk) if site is not None else Site.objects.all()
    if others.filter(name__iexact=name).exists():
        raise Conflict(f"A site named {name!r} exists.", field="name")
    _check_time_zone(time_zone)
    country = country.strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise ValidationFailed(f"{country!r} is not a two-letter country code.", field="country")
    site = site or Site()
    site.name, site.time_zone, site.country = name, time_zone, country
    site.save()
    return site


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


@transaction.atomic
def update_preferences(
    user: User, *, name: str | None = None, time_zone: str | None = None
) -> User:
    """What anyone, staff or customer, may change about their own account."""
    changed: list[str] = []
    if name is not None and name.strip() != user.name:
        user.name = name.strip()[:200]
        changed.append("name")
    if time_zone is not None and time_zone != user.time_zone:
        _check_time_zone(time_zone)
        user.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        user.save(update_fields=changed)
    return user


def notify(
    user: User,
    *,
    kind: NotificationKind,
    title: str,
    url: str,
    actor: User | None = None,
    excerpt: str = "",
) -> Notification | None:
    """Tell a colleague about something; nobody is notified of their own doing."""
    if not user.is_active or (actor is not None and actor.pk == user.pk):
        return None
    notification = Notification.objects.create(
        user=user, kind=kind, actor=actor, title=title[:300], excerpt=excerpt[:300], url=url[:500]
    )
    realtime.send_on_commit(
        [realtime.agent_group(user.pk)], {"type": "notification.created", "kind": kind.value}
    )
    return notification


def mark_notifications_read(user: User, *, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read: the ones named, or all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def set_password(user: User, *, password: str | None) -> User:
    """Set a new password (already checked by Django's validators in the form); None
    leaves the account without one (it signs in some other way, or not at all)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
