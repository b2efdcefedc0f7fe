from django.urls import URLPattern, URLResolver, path

from frontline.integrations import views

app_name = "integrations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("integrations/webhooks/", views.webhook_list, name="webhooks"),
    path("integrations/webhooks/new/", views.webhook_form, name="webhook-new"),
    path("integrations/webhooks/<int:subscription_id>/", views.webhook_detail, name="webhook"),
    path(
        "integrations/webhooks/<int:subscription_id>/edit/",
        views.webhook_form,
        name="webhook-edit",
    ),
    path(
        "integrations/webhooks/<int:subscription_id>/<slug:action>/",
        views.webhook_action,
        name="webhook-action",
    ),
    path(
        "integrations/deliveries/<int:delivery_id>/redeliver/",
        views.delivery_redeliver,
        name="delivery-redeliver",
    ),
    path("integrations/demo-receiver/", views.demo_receiver, name="demo-receiver"),
]
