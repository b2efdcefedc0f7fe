from django.urls import URLPattern, URLResolver, path

from frontline.knowledge import search_views

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", search_views.search_page, name="search"),
    path("search/quick/", search_views.quick_search, name="quick-search"),
    path(
        "search/tickets/<int:number>/suggestions/",
        search_views.ticket_suggestions,
        name="ticket-suggestions",
    ),
    path(
        "search/articles/suggestions/",
        search_views.article_suggestions,
        name="article-suggestions",
    ),
]
