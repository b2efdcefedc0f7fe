"""The Django admin of ticket configuration: categories and custom fields save through
``tickets.services.catalogue``; tickets and tags are looked at, never deleted here."""

import pytest
from django.test import Client
from django.urls import reverse

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.tickets.models import Category, CustomField, Tag, Ticket
from frontline.tickets.services import set_tags


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_a_ticket_cannot_be_deleted_here(admin_client, customer, team):
    ticket = factories.make_ticket(customer=customer, team=team)

    single = admin_client.post(
        reverse("admin:tickets_ticket_delete", args=[ticket.pk]), {"post": "yes"}
    )
    bulk = admin_client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "delete_selected", "_selected_action": [ticket.pk], "post": "yes"},
    )

    assert single.status_code == 403
    assert bulk.status_code in (200, 302)
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_a_category_keeps_its_slug_and_is_not_deleted(admin_client):
    category = factories.make_category(name="Billing")
    slug = category.slug
    url = reverse("admin:tickets_category_change", args=[category.pk])

    admin_client.post(url, {"name": "Invoices", "slug": "x", "description": "", "is_active": ""})
    deleted = admin_client.post(
        reverse("admin:tickets_category_delete", args=[category.pk]), {"post": "yes"}
    )

    category.refresh_from_db()
    assert (category.name, category.slug, category.is_active) == ("Invoices", slug, False)
    assert deleted.status_code == 403


def test_a_category_name_taken_in_another_case_is_refused(admin_client):
    factories.make_category(name="Billing")

    response = admin_client.post(
        reverse("admin:tickets_category_add"),
        {"name": "BILLING", "slug": "billing-2", "description": "", "is_active": "on"},
        follow=True,
    )

    assert "A category named &#x27;BILLING&#x27; exists." in response.content.decode()
    assert Category.objects.count() == 1


def test_a_choice_field_needs_its_choices(admin_client):
    form = {
        "key": "plan",
        "label": "Plan",
        "field_type": "choice",
        "choices": "[]",
        "is_active": "on",
    }

    refused = admin_client.post(reverse("admin:tickets_customfield_add"), form, follow=True)
    form["choices"] = '["basic", "pro"]'
    created = admin_client.post(reverse("admin:tickets_customfield_add"), form)

    assert "List the choices" in refused.content.decode()
    assert created.status_code == 302
    assert CustomField.objects.get(key="plan").choices == ["basic", "pro"]


def test_tags_are_only_listed(admin_client, customer, team):
    ticket = factories.make_ticket(customer=customer, team=team)
    set_tags(ticket, tags=["printer"], actor=Actor.system())
    tag = Tag.objects.get(name="printer")

    listed = admin_client.get(reverse("admin:tickets_tag_changelist"))
    renamed = admin_client.post(reverse("admin:tickets_tag_change", args=[tag.pk]), {"name": "x"})
    deleted = admin_client.post(reverse("admin:tickets_tag_delete", args=[tag.pk]), {"post": "yes"})

    assert listed.status_code == 200
    assert (renamed.status_code, deleted.status_code) == (403, 403)
    assert list(ticket.tags.values_list("name", flat=True)) == ["printer"]
