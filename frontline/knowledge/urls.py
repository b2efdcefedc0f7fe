from django.urls import URLPattern, URLResolver, path

from frontline.knowledge import catalogue_views, search_views, views

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = [
    path("knowledge/", views.article_list, name="articles"),
    path("knowledge/articles/new/", views.article_new, name="article-new"),
    path("knowledge/articles/preview/", views.preview, name="preview"),
    path("knowledge/articles/<int:article_id>/", views.article_edit, name="article"),
    path(
        "knowledge/articles/<int:article_id>/settings/",
        views.article_settings,
        name="article-settings",
    ),
    path(
        "knowledge/articles/<int:article_id>/translations/",
        views.translation_add,
        name="translation-add",
    ),
    path(
        "knowledge/articles/<int:article_id>/status/",
        views.translation_status,
        name="translation-status",
    ),
    path("knowledge/articles/<int:article_id>/review/", views.article_review, name="review"),
    path("knowledge/articles/<int:article_id>/delete/", views.article_delete, name="delete"),
    path("knowledge/articles/<int:article_id>/history/", views.history, name="history"),
    path(
        "knowledge/articles/<int:article_id>/history/<int:number>/restore/",
        views.restore,
        name="restore",
    ),
    path("knowledge/categories/", catalogue_views.categories, name="categories"),
    path(
        "knowledge/categories/<int:category_id>/", catalogue_views.category_change, name="category"
    ),
    path("knowledge/sections/<int:section_id>/", catalogue_views.section_change, name="section"),
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
