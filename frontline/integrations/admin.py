"""Webhooks in the Django admin: looked at only. They are configured on the Webhooks page
(/integrations/webhooks/) or the API, where secrets are shown once and changes validated."""

from django.contrib import admin

from frontline.core.admin import ReadOnlyAdmin
from frontline.integrations.models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("name", "url", "is_active", "consecutive_failures", "last_delivery_at")
    list_filter = ("is_active",)
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subscription", "event_type", "status", "attempts")
    list_filter = ("status", "event_type")
    list_select_related = ("subscription",)
