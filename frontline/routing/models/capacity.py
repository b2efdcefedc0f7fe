"""How much work an agent takes per channel, and which skills a ticket requires."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from frontline.accounts.models import Skill, Team, User
from frontline.tickets.models import Category, Channel

DEFAULT_MAX: dict[str, int] = {Channel.CHAT: 3, Channel.PHONE: 1}
FALLBACK_MAX = 12


def default_capacity(channel: str) -> int:
    return DEFAULT_MAX.get(channel, FALLBACK_MAX)


class ChannelCapacity(models.Model):
    """The default for a channel: of one team, or of everyone (team empty). ``weight`` is
    what one ticket of the channel adds to an agent's shared load score."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="channel_capacities"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    max_concurrent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(500)]
    )
    weight = models.DecimalField(
        max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["team", "channel"], name="routing_channel_cap_team"),
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(team__isnull=True),
                name="routing_channel_cap_global",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {self.max_concurrent}"


class AgentCapacity(models.Model):
    """An agent's own limit for a channel, over the team's or global default."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="routing_capacities")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    max_concurrent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(500)]
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "channel"], name="routing_agent_cap_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.channel}: {self.max_concurrent}"


class RequirementKind(models.TextChoices):
    CATEGORY = "category", "Category"
    LANGUAGE = "language", "Language"
    TIER = "tier", "Organisation tier"


class SkillRequirement(models.Model):
    """A ticket with this category, language or organisation tier needs this skill."""

    kind = models.CharField(max_length=10, choices=RequirementKind.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(
        max_length=32, blank=True, help_text="The language code or organisation tier."
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="requirements")
    min_proficiency = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["kind", "category", "value", "skill"], name="routing_requirement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.category_id or self.value} → {self.skill_id}"
