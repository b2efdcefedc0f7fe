"""A step's text as safe HTML: placeholders filled in, ``article:`` links pointed at the
knowledge base (the workspace for agents, the help centre for customers), then the
knowledge app's Markdown renderer (raw HTML off, sanitised)."""

import re
from typing import Any

from django.urls import reverse

from frontline.knowledge.models import Article, Visibility
from frontline.knowledge.rendering import render_markdown
from frontline.workflows import definition as spec

ARTICLE_LINK = re.compile(r"\]\(article:([\w-]{1,120})\)")


def render_text(text: str, values: dict[str, Any], *, for_customer: bool) -> str:
    source = spec.fill(text, values)
    refs = set(ARTICLE_LINK.findall(source))
    urls = _article_urls(refs, for_customer=for_customer) if refs else {}
    source = ARTICLE_LINK.sub(lambda m: f"]({urls.get(m.group(1), '#')})", source)
    return render_markdown(source)


def _article_urls(refs: set[str], *, for_customer: bool) -> dict[str, str]:
    ids = {int(r) for r in refs if r.isdigit()}
    slugs = {r for r in refs if not r.isdigit()}
    rows = Article.objects.filter(pk__in=ids) | Article.objects.filter(slug__in=slugs)
    if for_customer:
        rows = rows.filter(visibility=Visibility.PUBLIC)
    urls: dict[str, str] = {}
    for article in rows.select_related("category"):
        if for_customer:
            url = reverse("help:article", args=[article.category.slug, article.slug])
        else:
            url = reverse("knowledge:article", args=[article.pk])
        urls.setdefault(str(article.pk), url)
        urls.setdefault(article.slug, url)
    return urls
