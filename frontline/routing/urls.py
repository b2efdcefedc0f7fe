from django.urls import URLPattern, URLResolver, path

from frontline.routing import tiers_views, views

app_name = "routing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/presence/", views.set_presence, name="presence"),
    path("routing/", views.settings_page, name="settings"),
    path("routing/teams/<int:team_id>/", views.save_team, name="save-team"),
    path("routing/capacity/", views.save_capacity, name="save-capacity"),
    path("routing/requirements/", views.add_requirement, name="add-requirement"),
]

# Tiers and swarming: the ticket page's panel and its actions, the "Swarming" page.
urlpatterns += [
    path("tickets/<int:number>/tier-swarm/", tiers_views.tier_panel, name="tier-panel"),
    path("tickets/<int:number>/escalate/", tiers_views.escalate, name="escalate"),
    path("tickets/<int:number>/de-escalate/", tiers_views.de_escalate, name="de-escalate"),
    path("tickets/<int:number>/swarm/", tiers_views.open_swarm, name="swarm-open"),
    path("tickets/<int:number>/swarm/new/", tiers_views.start_swarm, name="swarm-start"),
    path("tickets/<int:number>/swarm/members/", tiers_views.invite_to_swarm, name="swarm-invite"),
    path("tickets/<int:number>/swarm/end/", tiers_views.end_swarm, name="swarm-end"),
    path("swarming/", tiers_views.swarming, name="swarming"),
]
