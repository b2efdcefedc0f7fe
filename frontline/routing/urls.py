from django.urls import URLPattern, URLResolver, path

from frontline.routing import views

app_name = "routing"

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/presence/", views.set_presence, name="presence"),
    path("routing/", views.settings_page, name="settings"),
    path("routing/teams/<int:team_id>/", views.save_team, name="save-team"),
    path("routing/capacity/", views.save_capacity, name="save-capacity"),
    path("routing/requirements/", views.add_requirement, name="add-requirement"),
]
