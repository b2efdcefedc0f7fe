"""The knowledge base in the Django admin: pages open, and saves go through the services
(reindexed, checked)."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.core.actors import Actor
from frontline.knowledge import services
from frontline.knowledge.models import Category
from frontline.knowledge.queries import search_articles
from frontline.knowledge.tests import authoring

LISTS = [
    "admin:knowledge_category_changelist",
    "admin:knowledge_category_add",
    "admin:knowledge_section_changelist",
    "admin:knowledge_article_changelist",
    "admin:knowledge_articletranslation_changelist",
    "admin:knowledge_articlefeedback_changelist",
    "admin:knowledge_searchrecord_changelist",
    "admin:knowledge_deflection_changelist",
]


@pytest.fixture
def article(agent, admin_user):
    category = authoring.category(admin_user)
    services.create_section(category=category, name="Refunds", actor=Actor.for_user(admin_user))
    return authoring.article(agent, category=category)


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("name", LISTS)
def test_the_admin_pages_open(admin_client, article, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_an_article_and_its_translations_open(admin_client, article):
    translation = article.translations.get()

    page = admin_client.get(reverse("admin:knowledge_article_change", args=[article.pk]))
    text = admin_client.get(
        reverse("admin:knowledge_articletranslation_change", args=[translation.pk])
    )

    assert page.status_code == 200
    assert "How refunds work" in page.content.decode()
    assert text.status_code == 200


def test_a_renamed_category_is_saved_through_the_service(admin_client, article, agent):
    category = article.category

    response = admin_client.post(
        reverse("admin:knowledge_category_change", args=[category.pk]),
        {
            "name": "Payments",
            "description": "",
            "position": 1,
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "1",
            "sections-0-id": category.sections.get().pk,
            "sections-0-category": category.pk,
        },
    )

    assert response.status_code == 302
    assert Category.objects.get().name == "Payments"
    assert [
        h.translation.article_id for h in search_articles(Actor.for_user(agent), "payments").hits
    ] == [article.pk]
