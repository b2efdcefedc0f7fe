from django.urls import path

from frontline.channels.email import views

app_name = "email"

urlpatterns = [
    path("tickets/<int:number>/email/<int:delivery_id>/retry/", views.retry, name="retry"),
    path("email/outbox/", views.outbox_list, name="outbox"),
    path("email/outbox/<str:name>/", views.outbox_message, name="outbox-message"),
]
