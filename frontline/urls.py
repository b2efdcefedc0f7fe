from django.contrib import admin
from django.urls import include, path

from frontline.api import api
from frontline.core import views as core_views

admin.site.site_header = "Frontline administration"
admin.site.site_title = "Frontline"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", core_views.health, name="health"),
    path("", core_views.home, name="home"),
    path("accounts/", include("frontline.accounts.urls")),
    path("portal/", include("frontline.channels.portal.urls")),
    path("help/", include("frontline.channels.portal.help_urls")),
    path("", include("frontline.knowledge.gaps_urls")),
    path("", include("frontline.knowledge.urls")),
    path("", include("frontline.channels.email.urls")),
    path("", include("frontline.channels.webhooks.urls")),
    path("", include("frontline.routing.urls")),
    path("", include("frontline.triage.urls")),
    path("", include("frontline.macros.urls")),
    path("", include("frontline.integrations.urls")),
    path("", include("frontline.workflows.urls")),
    path("", include("frontline.automation.urls")),
    path("", include("frontline.tickets.urls")),
]
