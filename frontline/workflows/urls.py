from django.urls import URLPattern, URLResolver, path

from frontline.workflows import demo_views, panel_views, views

app_name = "workflows"

urlpatterns: list[URLPattern | URLResolver] = [
    path("workflows/", views.workflow_list, name="list"),
    path("workflows/new/", views.workflow_form, name="new"),
    path("workflows/<int:workflow_id>/", views.workflow_detail, name="detail"),
    path("workflows/<int:workflow_id>/edit/", views.workflow_form, name="edit"),
    path("workflows/<int:workflow_id>/toggle/", views.workflow_toggle, name="toggle"),
    path("workflows/<int:workflow_id>/delete/", views.workflow_delete, name="delete"),
    path("workflows/tickets/<int:number>/panel/", panel_views.ticket_panel, name="ticket-panel"),
    path("workflows/tickets/<int:number>/start/", panel_views.start, name="start"),
    path("workflows/runs/<int:run_id>/step/", panel_views.step, name="step"),
    path("workflows/runs/<int:run_id>/back/", panel_views.back, name="back"),
    path("workflows/runs/<int:run_id>/abandon/", panel_views.abandon, name="abandon"),
    path(
        "workflows/demo-integration/orders/<str:number>",
        demo_views.demo_order,
        name="demo-order",
    ),
]
