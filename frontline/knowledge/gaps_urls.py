from django.urls import URLPattern, URLResolver, path

from frontline.knowledge import gaps_views

app_name = "knowledge-gaps"

urlpatterns: list[URLPattern | URLResolver] = [
    path("knowledge/gaps/", gaps_views.gaps, name="report"),
]
