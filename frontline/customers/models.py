from typing import ClassVar

from django.conf import settings
from django.db import models

from frontline.accounts.models import validate_time_zone
from frontline.core.models import TimestampedModel


class Tier(models.TextChoices):
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"
    ENTERPRISE = "enterprise", "Enterprise"


class Organisation(TimestampedModel):
    name = models.CharField(max_length=200, unique=True)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organisations",
    )
    shared_tickets = models.BooleanField(
        default=False, help_text="Members may see every ticket of the organisation."
    )
    notes = models.TextField(blank=True)
    custom_attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationDomain(models.Model):
    """An email domain whose senders belong to the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.domain


class Customer(TimestampedModel):
    """One person, whatever channel they write from; identities hold their addresses."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    language = models.CharField(max_length=16, default="en")
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    is_vip = models.BooleanField(default=False)
    custom_attributes = models.JSONField(default=dict, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
        help_text="The portal login of this customer, if any.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email address"
    PHONE = "phone", "Phone number"
    CHAT = "chat", "Chat visitor"
    SOCIAL = "social", "Social handle"


class Identity(models.Model):
    """An address a customer is known by. Unique per kind, so one address is one person."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=IdentityKind.choices)
    value = models.CharField(max_length=320, help_text="Normalised: emails lowercased.")
    is_primary = models.BooleanField(default=False)
    is_flagged = models.BooleanField(
        default=False, help_text="Mail to this address bounced or it was reported."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "value"], name="unique_identity_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
