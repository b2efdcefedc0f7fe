from django.urls import URLPattern, URLResolver, path

from frontline.automation import views

app_name = "automation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("automation/", views.trigger_list, name="triggers"),
    path("automation/triggers/new/", views.trigger_form, name="trigger-new"),
    path("automation/triggers/dry-run/", views.trigger_dry_run, name="trigger-dry-run"),
    path("automation/triggers/<int:trigger_id>/", views.trigger_form, name="trigger-edit"),
    path("automation/triggers/<int:trigger_id>/move/", views.trigger_move, name="trigger-move"),
    path(
        "automation/triggers/<int:trigger_id>/toggle/", views.trigger_toggle, name="trigger-toggle"
    ),
    path(
        "automation/triggers/<int:trigger_id>/delete/", views.trigger_delete, name="trigger-delete"
    ),
]
