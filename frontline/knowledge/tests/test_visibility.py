"""Who reads which article: visitors public ones, customers also their organisation's,
staff all; drafts and internal playbooks never leave the workspace."""

import pytest

from frontline.core.actors import Actor
from frontline.knowledge.models import Visibility
from frontline.knowledge.queries import search_articles, translations_visible_to
from frontline.knowledge.tests import authoring
from frontline.testing import factories


@pytest.fixture
def library(supervisor):
    acme = factories.make_organisation(name="Acme")
    category = authoring.category(supervisor)

    def write(title, **kwargs):
        return authoring.article(supervisor, category=category, title=title, **kwargs)

    return {
        "acme": acme,
        "public": write("Public refund guide", published=True),
        "draft": write("Draft refund guide"),
        "internal": write(
            "Internal refund playbook", visibility=Visibility.INTERNAL, published=True
        ),
        "acme_only": write(
            "Acme refund terms",
            visibility=Visibility.ORGANISATIONS,
            organisations=(acme,),
            published=True,
        ),
    }


def _titles(actor):
    return sorted(translations_visible_to(actor).values_list("title", flat=True))


def _found(actor):
    return sorted(h.translation.title for h in search_articles(actor, "refund").hits)


def test_visitors_read_public_published_articles_only(library):
    assert _titles(None) == ["Public refund guide"]
    assert _found(None) == ["Public refund guide"]


def test_a_customer_of_a_chosen_organisation_also_reads_its_articles(library):
    carla = factories.make_customer(organisation=library["acme"])

    assert _titles(Actor.for_customer(carla)) == ["Acme refund terms", "Public refund guide"]
    assert _found(Actor.for_customer(carla)) == ["Acme refund terms", "Public refund guide"]


def test_a_customer_of_another_organisation_does_not(library):
    other = factories.make_customer(organisation=factories.make_organisation(name="Globex"))

    assert _titles(Actor.for_customer(other)) == ["Public refund guide"]
    assert _found(Actor.for_customer(other)) == ["Public refund guide"]


def test_agents_read_everything(library, agent):
    everything = [
        "Acme refund terms",
        "Draft refund guide",
        "Internal refund playbook",
        "Public refund guide",
    ]
    assert _titles(Actor.for_user(agent)) == everything
    assert _found(Actor.for_user(agent)) == everything
