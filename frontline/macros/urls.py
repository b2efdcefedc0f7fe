from django.urls import URLPattern, URLResolver, path

from frontline.macros import views

app_name = "macros"

urlpatterns: list[URLPattern | URLResolver] = [
    path("macros/", views.macro_list, name="list"),
    path("macros/new/", views.macro_form, name="new"),
    path("macros/<int:macro_id>/", views.macro_form, name="edit"),
    path("macros/<int:macro_id>/delete/", views.macro_delete, name="delete"),
    path(
        "macros/tickets/<int:number>/preview/<int:macro_id>/",
        views.macro_preview,
        name="preview",
    ),
]
