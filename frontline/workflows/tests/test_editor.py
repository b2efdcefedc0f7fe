import json

import pytest
from django.test import Client
from django.urls import reverse

from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.workflows import engine
from frontline.workflows.editor import rows_from_definition
from frontline.workflows.models import Workflow
from frontline.workflows.tests.helpers import REFUND, make_workflow

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def row_post(definition, **extra):
    data = {"name": "Refund request", "mode": "rows", "for_agents": "on", "is_active": "on"}
    data["start"] = definition["start"]
    for n, row in enumerate(rows_from_definition(definition)):
        data.update({f"row-{n}-{key}": value for key, value in row.items()})
    return data | extra


def test_agents_see_the_list_and_the_report_but_cannot_edit(agent):
    workflow = make_workflow(REFUND)
    client = signed_in(agent)

    listing = client.get(reverse("workflows:list"))
    detail = client.get(reverse("workflows:detail", args=[workflow.pk]))

    assert "Refund request" in listing.content.decode()
    assert "New workflow" not in listing.content.decode()
    assert "Where runs were left" in detail.content.decode()
    assert client.get(reverse("workflows:new")).status_code == 403
    assert (
        client.post(reverse("workflows:edit", args=[workflow.pk]), row_post(REFUND)).status_code
        == 403
    )
    assert (
        client.post(
            reverse("workflows:toggle", args=[workflow.pk]), {"field": "is_active"}
        ).status_code
        == 403
    )
    assert client.post(reverse("workflows:delete", args=[workflow.pk])).status_code == 403
    workflow.refresh_from_db()
    assert workflow.is_active


def test_customers_cannot_open_the_workflow_pages(customer):
    assert signed_in(customer.user).get(reverse("workflows:list")).status_code == 403


def test_an_admin_saves_a_workflow_from_the_step_rows(admin_user):
    response = signed_in(admin_user).post(reverse("workflows:new"), row_post(REFUND))

    workflow = Workflow.objects.get()
    assert response.status_code == 302
    assert workflow.definition == REFUND


def test_an_admin_saves_from_the_json_view(admin_user):
    data = {"name": "Refund request", "mode": "json", "definition": json.dumps(REFUND)}

    signed_in(admin_user).post(reverse("workflows:new"), data | {"for_agents": "on"})

    assert Workflow.objects.get().definition == REFUND


def test_problems_are_shown_on_the_row_of_their_step_and_nothing_is_saved(admin_user):
    data = row_post(REFUND)
    age_row = next(k for k, v in data.items() if v == "age" and k.endswith("-id"))
    data[age_row.replace("-id", "-options")] = "Yes -> decline\nNo -> nowhere"

    response = signed_in(admin_user).post(reverse("workflows:new"), data)

    page = response.content.decode()
    assert response.status_code == 422
    assert "steps.age.options[1].next: no step &quot;nowhere&quot;" in page
    assert 'data-step-row="age" class="has-error"' in page
    assert "No -&gt; nowhere" in page  # what was typed is kept
    assert not Workflow.objects.exists()


def test_the_detail_page_counts_runs_left_at_each_step(admin_user, agent, team):
    workflow = make_workflow(REFUND)
    actor = Actor.for_user(agent)
    run = engine.begin(workflow, actor=actor, ticket=factories.make_ticket(team=team))
    engine.abandon_run(run, actor=actor)

    page = signed_in(admin_user).get(reverse("workflows:detail", args=[workflow.pk]))

    assert (
        "<strong>1</strong> started · <strong>0</strong> completed · <strong>1</strong> abandoned"
        in page.content.decode()
    )
