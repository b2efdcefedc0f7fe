"""Workflows in the Django admin: HTTP integrations are configured here, through
``workflows.services`` (secrets are written, never shown); workflows are edited on the
workspace's Workflows page, and runs are read-only."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor
from frontline.workflows import services
from frontline.workflows.models import Integration, WorkflowRun


class IntegrationForm(forms.ModelForm):  # type: ignore[type-arg]
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="The auth header's value. Leave empty to keep the one stored.",
    )

    class Meta:
        model = Integration
        fields = ("name", "slug", "base_url", "auth_header", "secret", "timeout_s", "is_active")


@admin.register(Integration)
class IntegrationAdmin(ServiceAdmin):
    form = IntegrationForm
    list_display = ("name", "slug", "base_url", "timeout_s", "is_active")

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Any:
        data = form.cleaned_data
        stored = Integration.objects.get(pk=form.instance.pk) if change else None
        secret = data.get("secret") or (stored.secret if stored else "")
        fields = services.IntegrationFields(
            name=data["name"],
            slug=data.get("slug") or "",
            base_url=data["base_url"],
            auth_header=data.get("auth_header") or "",
            secret=secret,
            timeout_s=data.get("timeout_s") or 3.0,
            is_active=bool(data.get("is_active")),
        )
        actor = admin_actor(request)
        return services.save_integration(fields=fields, actor=actor, integration=stored)

    def remove(self, request: HttpRequest, obj: Any) -> None:
        services.delete_integration(obj, actor=admin_actor(request))


@admin.register(WorkflowRun)
class WorkflowRunAdmin(ReadOnlyAdmin):
    """Read-only: runs are written by walking them."""

    list_display = ("workflow", "ticket", "customer", "status", "outcome", "current_step")
    list_filter = ("status", "outcome")
