"""Django admin for routing: channel defaults are written through ``routing.services``;
presence, agents' limits, requirements and decisions are shown read-only (they change on
the Routing page, in the API, or by the engine)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from frontline.core.admin import ReadOnlyAdmin, ServiceAdmin, admin_actor
from frontline.routing import services
from frontline.routing.models import (
    AgentCapacity,
    AgentPresence,
    ChannelCapacity,
    RoutingDecision,
    SkillRequirement,
)


@admin.register(ChannelCapacity)
class ChannelCapacityAdmin(ServiceAdmin):
    list_display = ("channel", "team", "max_concurrent", "weight")
    list_filter = ("channel",)

    def write(
        self, request: HttpRequest, form: Any, formsets: Any, *, change: bool
    ) -> ChannelCapacity:
        data = form.cleaned_data
        return services.save_channel_capacity(
            team=data.get("team"),
            channel=data["channel"],
            max_concurrent=data["max_concurrent"],
            weight=data["weight"],
            actor=admin_actor(request),
        )

    def remove(self, request: HttpRequest, obj: ChannelCapacity) -> None:
        services.remove_channel_capacity(obj, actor=admin_actor(request))


@admin.register(AgentPresence)
class AgentPresenceAdmin(ReadOnlyAdmin):
    list_display = ("user", "status", "since", "last_seen_at", "last_assigned_at")
    list_filter = ("status",)


@admin.register(AgentCapacity)
class AgentCapacityAdmin(ReadOnlyAdmin):
    list_display = ("user", "channel", "max_concurrent")


@admin.register(SkillRequirement)
class SkillRequirementAdmin(ReadOnlyAdmin):
    list_display = ("kind", "category", "value", "skill", "min_proficiency")


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "assignee", "strategy", "trigger", "reason", "created_at")
    list_filter = ("strategy", "trigger")
    list_select_related = ("ticket", "assignee")
