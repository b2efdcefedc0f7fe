"""The public help centre at /help/ (docs/help-centre.md)."""

from django.urls import URLPattern, URLResolver, path

from frontline.channels.portal import help_views

app_name = "help"

# ``search`` and ``feedback`` come before the category pattern, which would take them.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", help_views.home, name="home"),
    path("search/", help_views.search, name="search"),
    path("feedback/<int:feedback_id>/comment/", help_views.comment, name="comment"),
    path("<slug:category>/", help_views.category, name="category"),
    path("<slug:category>/<slug:slug>/", help_views.article, name="article"),
    path("<slug:category>/<slug:slug>/feedback/", help_views.vote, name="vote"),
]
