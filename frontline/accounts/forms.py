"""Account forms that differ from Django's."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import forms as auth_forms


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset links on ``SITE_URL``: Django's form would build them from the request's Host,
    so a request naming another host would mail a working link to that host."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https", request=None)
        super().save(*args, **kwargs)
