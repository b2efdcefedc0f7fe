"""The one search module behind every search box: see ``engine`` for the interface and
``query`` for the syntax. Apps index their own rows (tickets, articles) in the same
transaction as the write and search them with a queryset of what the actor may see."""

from frontline.core.search.documents import ARTICLES, INDEXES, TICKETS, Document, Hit, Source
from frontline.core.search.engine import (
    Page,
    index_documents,
    indexed_ids,
    remove_documents,
    search,
    stored_documents,
)
from frontline.core.search.query import Query, QueryError, keywords_query, parse_query

__all__ = [
    "ARTICLES",
    "INDEXES",
    "TICKETS",
    "Document",
    "Hit",
    "Page",
    "Query",
    "QueryError",
    "Source",
    "index_documents",
    "indexed_ids",
    "keywords_query",
    "parse_query",
    "remove_documents",
    "search",
    "stored_documents",
]
