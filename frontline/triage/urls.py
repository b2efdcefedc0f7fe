from django.urls import URLPattern, URLResolver, path

from frontline.triage import classifier_views, views

app_name = "triage"

urlpatterns: list[URLPattern | URLResolver] = [
    path("triage/", views.rule_list, name="rules"),
    path("triage/rules/new/", views.rule_form, name="rule-new"),
    path("triage/rules/preview/", views.rule_preview, name="rule-preview"),
    path("triage/rules/<int:rule_id>/", views.rule_form, name="rule-edit"),
    path("triage/rules/<int:rule_id>/move/", views.rule_move, name="rule-move"),
    path("triage/rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule-toggle"),
    path("triage/rules/<int:rule_id>/delete/", views.rule_delete, name="rule-delete"),
    path("triage/tickets/<int:number>/panel/", views.ticket_panel, name="ticket-panel"),
    path("triage/accuracy/", classifier_views.accuracy, name="classifier-accuracy"),
]
