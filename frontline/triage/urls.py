from django.urls import URLPattern, URLResolver, path

from frontline.triage import classifier_views

app_name = "triage"

urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += [
    path("triage/accuracy/", classifier_views.accuracy, name="classifier-accuracy"),
]
