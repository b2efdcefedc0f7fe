"""The only writers of the knowledge base: articles, their translations and versions
(``articles``), and the categories and sections they sit in (``catalogue``).

Every write reindexes what it changed (``indexing``) in its own transaction. Writing drafts
takes ``can_edit_articles``; publishing, archiving, restoring, reviewing, deleting and
arranging categories take ``can_publish_articles``.
"""

from frontline.knowledge.services.articles import (
    MAX_BODY,
    MAX_TAGS,
    ArticleChanges,
    DuplicateSlug,
    UnknownLanguage,
    add_translation,
    archive_translation,
    clean_language,
    clean_slug,
    clean_tags,
    clean_title,
    create_article,
    delete_article,
    ensure_can_edit,
    ensure_can_publish,
    mark_reviewed,
    publish_translation,
    restore_version,
    save_translation,
    set_translation_status,
    unique_slug,
    unpublish_translation,
    update_article,
)
from frontline.knowledge.services.catalogue import (
    create_category,
    create_section,
    delete_category,
    delete_section,
    update_category,
    update_section,
)

__all__ = [
    "MAX_BODY", "MAX_TAGS", "ArticleChanges", "DuplicateSlug", "UnknownLanguage",
    "add_translation", "archive_translation", "clean_language", "clean_slug", "clean_tags",
    "clean_title", "create_article", "create_category", "create_section", "delete_article",
    "delete_category", "delete_section", "ensure_can_edit", "ensure_can_publish",
    "mark_reviewed", "publish_translation", "restore_version", "save_translation",
    "set_translation_status", "unique_slug", "unpublish_translation", "update_article",
    "update_category", "update_section",
]  # fmt: skip
