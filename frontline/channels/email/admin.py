"""Django admin: mailboxes, the quarantine (with reprocessing), sent email, templates. Every
write is a call of the channel's services, as the signed-in person (``frontline.core.admin``)."""

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
    TemplateKind,
)
from frontline.channels.email.outbound import retry_delivery
from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor
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
class MailboxAdmin(ServiceAdmin):
    """Mailboxes through ``email.services``. One that received mail is not deleted (its
    messages keep their origin): deactivate it; so there is no bulk delete."""

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

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def write(self, request: HttpRequest, form: Any, formsets: Any, *, change: bool) -> Mailbox:
        data = form.cleaned_data
        given = {name: data[name] for name in MailboxForm.Meta.fields if name in data}
        fields = services.MailboxFields(**given, clear_team=data.get("team") is None)
        actor = admin_actor(request)
        if change:
            return services.update_mailbox(form.instance, fields=fields, actor=actor)
        return services.create_mailbox(fields=fields, actor=actor)

    def remove(self, request: HttpRequest, obj: Mailbox) -> None:
        services.delete_mailbox(obj, actor=admin_actor(request))


class _Stored(ReadOnlyAdmin):
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
        actor = admin_actor(request)
        for inbound in queryset.filter(status__in=(InboundStatus.FAILED, InboundStatus.RECEIVED)):
            result = services.reprocess(inbound, actor=actor)
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
class OutboundMessageAdmin(ReadOnlyAdmin):
    """Sent email, and sending a failed one again: ``retry_delivery`` decides who may, for
    each email's ticket, as for the API and the ticket page."""

    list_display = ("created_at", "status", "kind", "recipient", "subject", "attempts")
    list_filter = ("status", "kind", "mailbox")
    search_fields = ("message_id", "recipient", "subject")
    actions = ("retry",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _configures(request) or super().has_view_permission(request, obj)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return _configures(request) or request.user.has_perm("email.change_outboundmessage")

    @admin.action(description="Send the selected failed email again", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        count, actor = 0, admin_actor(request)
        for outbound in queryset.select_related("ticket_message"):
            try:
                retry_delivery(outbound, actor=actor)
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
class EmailTemplateAdmin(ServiceAdmin):
    """Templates through ``email.services``: one per kind and team, so those two stay as
    created (add the other one instead)."""

    form = TemplateForm
    list_display = ("kind", "team", "subject", "expected_response_hours", "updated_at")
    list_filter = ("kind", "team")

    def get_readonly_fields(self, request: HttpRequest, obj: EmailTemplate | None = None) -> Any:
        return ("kind", "team") if obj is not None else ()

    def write(
        self, request: HttpRequest, form: Any, formsets: Any, *, change: bool
    ) -> EmailTemplate:
        data, template = form.cleaned_data, form.instance
        return services.save_template(
            kind=TemplateKind(template.kind if change else data["kind"]),
            team=template.team if change else data["team"],
            subject=data["subject"],
            body=data["body"],
            expected_response_hours=data["expected_response_hours"],
            actor=admin_actor(request),
        )

    def remove(self, request: HttpRequest, obj: EmailTemplate) -> None:
        services.delete_template(obj, actor=admin_actor(request))


def _configures(request: HttpRequest) -> bool:
    from frontline.accounts.models import User
    from frontline.accounts.permissions import can_manage_configuration

    user = request.user
    return isinstance(user, User) and user.is_staff and can_manage_configuration(user)
