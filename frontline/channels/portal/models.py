from typing import ClassVar

from django.db import models

from frontline.customers.models import Customer


class SignInLink(models.Model):
    """A one-time sign-in link emailed to a customer. Only the SHA-256 of its secret is
    stored; it expires, and using it once spends it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sign_in_links")
    email = models.EmailField(help_text="The address the link was sent to.")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["email", "created_at"], name="signinlink_email_created"),
        ]

    def __str__(self) -> str:
        return f"sign-in link for {self.email}"
