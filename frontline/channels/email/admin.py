"""Django admin: mailboxes, the quarantine (with reprocessing), sent email, templates."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from frontline.channels.email import rendering, services
from frontline.channels.email.models import (
    EmailTemplate,
    InboundMessage,
    InboundStatus,
    Mailbox,
    OutboundMessage,
    QuarantinedMessage,
)
from frontline.channels.email.outbound import retry_delivery
from frontline.core.errors import FrontlineError

SECRETS = ("imap_password", "imap_oauth2_token", "smtp_password")


class MailboxForm(forms.ModelForm):  # type: ignore[type-arg]
    """Secrets are never shown; leaving one empty keeps the stored value."""

    imap_password = forms.CharField(required=False, widget=forms.PasswordInput)
    imap_oauth2_token = forms.CharField(required=False, widget=forms.PasswordInput)
    smtp_password = forms.CharField(required=False, widget=forms.PasswordInput)

    class Meta:
        model = Mailbox
        fields = (
            "name",
            "address",
            "from_name",
            "team",
            "default_priority",
            "is_active",
            "is_default",
            "auto_acknowledge",
            "reply_to_plus_address",
            "reopen_window_days",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_user",
            "imap_password",
            "imap_oauth2_token",
            "imap_folder",
            "after_fetch",
            "move_to_folder",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_user",
            "smtp_password",
        )

    def _keep(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "")
        return value or str(getattr(self.instance, name, "") or "")

    def clean_imap_password(self) -> str:
        return self._keep("imap_password")

    def clean_imap_oauth2_token(self) -> str:
        return self._keep("imap_oauth2_token")

    def clean_smtp_password(self) -> str:
        return self._keep("smtp_password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        candidate = self.instance
        for name, value in data.items():
            if hasattr(candidate, name) and name != "team":
                setattr(candidate, name, value)
        try:
            services.validate_mailbox(candidate)
        except FrontlineError as exc:
            raise forms.ValidationError({exc.field or "name": exc.message}) from None
        return data


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = MailboxForm
    list_display = ("name", "address", "team", "is_active", "is_default", "imap_host", "polled")
    list_filter = ("is_active", "team")
    search_fields = ("name", "address")
    readonly_fields = ("ingest_token_prefix", "last_polled_at", "last_poll_error")

    @admin.display(description="last polled")
    def polled(self, obj: Mailbox) -> str:
        if obj.last_poll_error:
            return f"error: {obj.last_poll_error[:60]}"
        return f"{obj.last_polled_at:%Y-%m-%d %H:%M}" if obj.last_polled_at else "never"

    def save_model(self, request: HttpRequest, obj: Mailbox, form: Any, change: bool) -> None:
        services.save_mailbox(obj)


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _Stored(_ReadOnly):
    list_select_related = ("mailbox", "ticket")
    search_fields = ("message_id", "sender", "subject")
    readonly_fields = ("raw_link",)
    actions = ("reprocess",)
    date_hierarchy = "received_at"

    @admin.display(description="raw message")
    def raw_link(self, obj: InboundMessage) -> str:
        url = reverse("api-v1:get_inbound_raw", kwargs={"inbound_id": obj.pk})
        return format_html('<a href="{}">download the {} bytes</a>', url, obj.size)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _configures(request)

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        return _configures(request)

    @admin.action(description="Process the selected messages again", permissions=["reprocess"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        done: dict[str, int] = {}
        for inbound in queryset.filter(status__in=(InboundStatus.FAILED, InboundStatus.RECEIVED)):
            result = services.reprocess(inbound)
            done[result.get_status_display()] = done.get(result.get_status_display(), 0) + 1
        summary = ", ".join(f"{n} {status.lower()}" for status, n in done.items()) or "nothing"
        self.message_user(request, f"Processed again: {summary}.", messages.INFO)


@admin.register(InboundMessage)
class InboundMessageAdmin(_Stored):
    list_display = ("received_at", "status", "outcome", "sender", "subject", "mailbox", "ticket")
    list_filter = ("status", "outcome", "source", "mailbox")


@admin.register(QuarantinedMessage)
class QuarantineAdmin(_Stored):
    list_display = ("received_at", "outcome", "error", "sender", "subject", "mailbox")
    list_filter = ("outcome", "source", "mailbox")

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        return super().get_queryset(request).filter(status=InboundStatus.FAILED)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(_ReadOnly):
    list_display = ("created_at", "status", "kind", "recipient", "subject", "attempts")
    list_filter = ("status", "kind", "mailbox")
    search_fields = ("message_id", "recipient", "subject")
    actions = ("retry",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _configures(request)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return _configures(request)

    @admin.action(description="Send the selected failed email again", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        count = 0
        for outbound in queryset:
            try:
                retry_delivery(outbound)
                count += 1
            except FrontlineError as exc:
                self.message_user(request, f"{outbound}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{count} email queued again.", messages.INFO)


class TemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = EmailTemplate
        fields = ("kind", "team", "subject", "body", "expected_response_hours")
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("subject", "body"):
            try:
                rendering.check_template(str(data.get(name) or ""), field=name)
            except FrontlineError as exc:
                raise forms.ValidationError({name: exc.message}) from None
        return data


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = TemplateForm
    list_display = ("kind", "team", "subject", "expected_response_hours", "updated_at")
    list_filter = ("kind", "team")

    def save_model(self, request: HttpRequest, obj: EmailTemplate, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rendering.forget_templates()

    def delete_model(self, request: HttpRequest, obj: EmailTemplate) -> None:
        super().delete_model(request, obj)
        rendering.forget_templates()


def _configures(request: HttpRequest) -> bool:
    from frontline.accounts.models import User
    from frontline.accounts.permissions import can_manage_configuration

    user = request.user
    return isinstance(user, User) and user.is_staff and can_manage_configuration(user)
