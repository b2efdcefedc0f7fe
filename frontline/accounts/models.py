from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

from frontline.core.models import TimestampedModel

if TYPE_CHECKING:
    from frontline.customers.models import Customer


@cache
def _time_zones() -> frozenset[str]:
    # available_timezones() walks the tz database on disk (~25 ms); it does not change while
    # the process runs, and every new customer (e.g. each email from a new address) needs it.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(f"{value!r} is not a known time zone.")


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ASSOCIATE = "associate", "Support associate"
    ENGINEER = "engineer", "Support engineer"
    SUPERVISOR = "supervisor", "Supervisor"
    ACCOUNT_MANAGER = "account_manager", "Technical account manager"
    ANALYST = "analyst", "Support operations analyst"
    HEAD_OF_SUPPORT = "head_of_support", "Head of support"
    ADMIN = "admin", "Administrator"
    ROTATION = "rotation", "Employee on support rotation"


class Site(models.Model):
    """A place agents work from; shifts and follow-the-sun coverage are planned per site."""

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 country code")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: staff of every role, and customers who use the portal."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ASSOCIATE)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    teams: models.ManyToManyField[Team, TeamMembership] = models.ManyToManyField(
        "Team", through="TeamMembership", related_name="members", blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the Django admin.")
    date_joined = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering: ClassVar[list[str]] = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def customer_profile(self) -> Customer | None:
        try:
            return self.customer
        except ObjectDoesNotExist:
            return None


class Team(TimestampedModel):
    """A queue of work with its people; tiers order the escalation path (1 = first line)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    tier = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="Address customers write to for this team.")

    class Meta:
        ordering: ClassVar[list[str]] = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "team"], name="unique_team_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class Skill(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentSkill(models.Model):
    """An agent's skill with proficiency from 1 (learning) to 5 (expert)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="agents")
    proficiency = models.PositiveSmallIntegerField(default=3)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "skill"], name="unique_agent_skill"),
            models.CheckConstraint(
                condition=models.Q(proficiency__gte=1, proficiency__lte=5),
                name="proficiency_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.skill} ({self.proficiency})"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class NotificationKind(models.TextChoices):
    MENTION = "mention", "Mentioned you"
    ASSIGNED = "assigned", "Assigned to you"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breached"
    SLA_DIGEST = "sla_digest", "SLA alerts"
    AUTOMATION = "automation", "Time-based automation"
    SWARM_INVITE = "swarm_invite", "Invited to a swarm"
    ESCALATED = "escalated", "Ticket escalated"
    ARTICLE_REVIEW = "article_review", "Article needs review"
    WEBHOOK_DISABLED = "webhook_disabled", "Webhook disabled after failures"
    AUTOMATION_FAILED = "automation_failed", "Automation rule failed"


class Notification(models.Model):
    """Something a user should see, shown in the workspace header: what a colleague did, or an
    SLA alert or time-based automation delivered in their working hours."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    excerpt = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, help_text="A path inside Frontline.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
