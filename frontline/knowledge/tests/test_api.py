"""/api/v1/articles: CRUD for staff, reads for visitors and customers within what they may
see, and the rights to publish and delete."""

import pytest
from django.test import Client

from frontline.core.actors import Actor
from frontline.knowledge import services
from frontline.knowledge.models import Article, ArticleStatus, Visibility
from frontline.knowledge.tests import authoring
from frontline.testing import factories

V1 = "/api/v1/articles"


@pytest.fixture
def billing(supervisor):
    return authoring.category(supervisor)


@pytest.fixture
def library(supervisor, billing):
    acme = factories.make_organisation(name="Acme")

    def write(title, **kwargs):
        return authoring.article(supervisor, category=billing, title=title, **kwargs)

    return {
        "acme": acme,
        "public": write("Public guide", published=True),
        "draft": write("Draft guide"),
        "internal": write("Internal playbook", visibility=Visibility.INTERNAL, published=True),
        "acme_only": write(
            "Acme terms", visibility=Visibility.ORGANISATIONS, organisations=(acme,), published=True
        ),
    }


def _titles(response):
    return sorted(t["title"] for item in response.json()["items"] for t in item["translations"])


def test_visitors_list_and_read_public_published_articles(api_as, library):
    listed = api_as(None).get(V1)
    public = api_as(None).get(f"{V1}/{library['public'].pk}")
    internal = api_as(None).get(f"{V1}/{library['internal'].pk}")
    draft = api_as(None).get(f"{V1}/{library['draft'].pk}")

    assert _titles(listed) == ["Public guide"]
    assert public.status_code == 200
    assert public.json()["url"] == f"/help/billing-refunds/{library['public'].slug}/"
    assert public.json()["author_id"] is None
    assert (internal.status_code, draft.status_code) == (404, 404)


def test_a_bad_token_is_refused_not_taken_for_a_visitor(library):
    response = Client().get(V1, headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 401


def test_customers_see_their_organisations_articles(api_as, library):
    carla = factories.make_customer(organisation=library["acme"], with_login=True)
    otto = factories.make_customer(with_login=True)

    assert _titles(api_as(carla.user).get(V1)) == ["Acme terms", "Public guide"]
    assert _titles(api_as(otto.user).get(V1)) == ["Public guide"]
    assert api_as(otto.user).get(f"{V1}/{library['acme_only'].pk}").status_code == 404


def test_staff_see_everything_and_filter(api_as, agent, library):
    everything = api_as(agent).get(V1)
    drafts = api_as(agent).get(V1, status="draft")
    internal = api_as(agent).get(V1, visibility="internal")

    assert _titles(everything) == ["Acme terms", "Draft guide", "Internal playbook", "Public guide"]
    assert _titles(drafts) == ["Draft guide"]
    assert _titles(internal) == ["Internal playbook"]


def test_the_list_pages_with_a_cursor(api_as, agent, library):
    first = api_as(agent).get(V1, page_size=3).json()
    second = api_as(agent).get(first["next"]).json()

    assert len(first["items"]) == 3
    assert second["next"] is None
    assert len({i["id"] for i in first["items"] + second["items"]}) == 4


def test_an_agent_writes_a_draft_and_a_supervisor_publishes_it(api_as, agent, supervisor, billing):
    created = api_as(agent).post(
        V1,
        {
            "category_id": billing.pk,
            "title": "Change your plan",
            "body_markdown": "Open **Billing**.",
            "tags": ["Plan"],
        },
    )
    article_id = created.json()["id"]
    refused = api_as(agent).patch(f"{V1}/{article_id}", {"status": "published"})
    published = api_as(supervisor).patch(
        f"{V1}/{article_id}", {"status": "published", "reviewed": True}
    )

    assert created.status_code == 201
    assert created.json()["tags"] == ["plan"]
    assert created.json()["translations"][0]["body_html"] == (
        "<p>Open <strong>Billing</strong>.</p>\n"
    )
    assert refused.status_code == 403
    assert published.json()["translations"][0]["status"] == "published"
    assert published.json()["last_reviewed_at"] is not None


def test_patch_changes_text_as_a_new_version_and_lists_versions(api_as, agent, billing):
    article = authoring.article(agent, category=billing)

    changed = api_as(agent).patch(
        f"{V1}/{article.pk}", {"body_markdown": "Shorter.", "note": "Trim", "slug": "refunds"}
    )
    versions = api_as(agent).get(f"{V1}/{article.pk}/versions")

    assert changed.json()["slug"] == "refunds"
    assert changed.json()["translations"][0]["version"] == 2
    assert [(v["number"], v["note"]) for v in versions.json()] == [(2, "Trim"), (1, "Created")]


def test_a_translation_is_added_through_the_api(api_as, agent, billing):
    article = authoring.article(agent, category=billing)

    added = api_as(agent).post(
        f"{V1}/{article.pk}/translations", {"language": "de", "title": "Erstattungen"}
    )
    again = api_as(agent).post(
        f"{V1}/{article.pk}/translations", {"language": "de", "title": "Noch mal"}
    )
    unknown = api_as(agent).post(
        f"{V1}/{article.pk}/translations", {"language": "zz", "title": "?"}
    )

    assert added.status_code == 201
    assert added.json()["language"] == "de"
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "language")


def test_errors_are_clear(api_as, agent, billing):
    authoring.article(agent, category=billing, title="Refunds")

    duplicate = api_as(agent).post(
        V1, {"category_id": billing.pk, "title": "Other", "slug": "refunds"}
    )
    no_category = api_as(agent).post(V1, {"category_id": 999, "title": "X"})
    blank = api_as(agent).post(V1, {"category_id": billing.pk, "title": "  "})

    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "conflict")
    assert (no_category.status_code, no_category.json()["field"]) == (422, "category_id")
    assert blank.status_code == 422


def test_deleting_is_for_those_who_may_publish(api_as, agent, supervisor, billing):
    article = authoring.article(agent, category=billing)

    refused = api_as(agent).delete(f"{V1}/{article.pk}")
    deleted = api_as(supervisor).delete(f"{V1}/{article.pk}")

    assert refused.status_code == 403
    assert deleted.status_code == 204
    assert not Article.objects.exists()


def test_categories_with_their_sections(api_as, supervisor, billing):
    services.create_section(category=billing, name="Refunds", actor=Actor.for_user(supervisor))

    categories = api_as(None).get(f"{V1}/categories").json()

    assert [(c["slug"], [s["slug"] for s in c["sections"]]) for c in categories] == [
        ("billing-refunds", ["refunds"])
    ]


def test_publishing_at_creation_needs_the_right_to_publish(api_as, agent, supervisor, billing):
    body = {"category_id": billing.pk, "title": "Live now", "status": "published"}

    refused = api_as(agent).post(V1, body)
    created = api_as(supervisor).post(V1, body)

    assert refused.status_code == 403
    assert created.json()["translations"][0]["status"] == ArticleStatus.PUBLISHED
    assert Article.objects.count() == 1
