from datetime import UTC, datetime

import pytest
from django.test import Client

from frontline import demo
from frontline.workflows.models import Integration, RunStatus, Workflow, WorkflowRun

NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_demo_has_the_four_workflows_the_shop_and_runs_for_the_report():
    demo.create_demo_data(tickets=300, now=NOW)

    names = set(Workflow.objects.values_list("name", flat=True))
    runs = WorkflowRun.objects.all()

    assert names == {"Where is my order?", "Refund request", "Password reset", "Outage triage"}
    assert set(Workflow.objects.filter(self_service=True).values_list("name", flat=True)) == {
        "Where is my order?", "Refund request",
    }  # fmt: skip
    assert Integration.objects.get().base_url == "/workflows/demo-integration"
    # A small demo has few open tickets: one run on each, finished or left.
    assert runs.filter(status=RunStatus.ABANDONED, ticket__isnull=False).exists()
    assert runs.filter(status=RunStatus.COMPLETED, ticket__isnull=False).exists()
    assert runs.filter(customer__isnull=False, outcome="resolved").count() == 2
    assert runs.filter(customer__isnull=False, status=RunStatus.ABANDONED).count() == 1
    assert all(run.started_at <= NOW for run in runs)


def test_the_demo_shop_answers_orders_and_404s_others():
    client = Client()

    found = client.get("/workflows/demo-integration/orders/1001")
    missing = client.get("/workflows/demo-integration/orders/42")

    assert found.json()["status"] == "shipped"
    assert missing.status_code == 404
