"""The public help centre at /help/ (docs/help-centre.md)."""

from django.urls import path  # noqa: F401

app_name = "help"

urlpatterns: list = []  # type: ignore[type-arg]
