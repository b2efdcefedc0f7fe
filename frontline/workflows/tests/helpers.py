"""Definitions and workflows the tests share."""

from typing import Any

from frontline.accounts.models import Role
from frontline.core.actors import Actor
from frontline.testing import factories
from frontline.workflows import services
from frontline.workflows.models import Integration, Workflow

REFUND: dict[str, Any] = {
    "start": "age",
    "steps": {
        "age": {
            "kind": "question",
            "text": "Is the order older than 30 days?",
            "options": [{"label": "Yes", "next": "decline"}, {"label": "No", "next": "check"}],
        },
        "decline": {"kind": "answer", "text": "See [the policy](article:refund-policy)."},
        "check": {
            "kind": "instruction",
            "title": "Check the order",
            "text": "Open the order in the shop admin.",
            "next": "act",
        },
        "act": {
            "kind": "action",
            "actions": [
                {"type": "set_fields", "priority": "high", "tags": ["refund"]},
                {"type": "open_linked_ticket", "subject": "Refund for {{ answers.age }}"},
            ],
        },
    },
}

ORDER: dict[str, Any] = {
    "start": "number",
    "steps": {
        "number": {
            "kind": "question",
            "text": "What is your order number?",
            "input": "order_number",
            "save_as": "order",
            "next": "find",
        },
        "find": {
            "kind": "lookup",
            "integration": "shop",
            "path": "/orders/{{ answers.order }}",
            "save_as": "found",
            "on_found": "status",
            "on_not_found": "missing",
        },
        "status": {
            "kind": "answer",
            "text": "Order {{ answers.order }} is **{{ lookup.status }}**.",
        },
        "missing": {
            "kind": "open_ticket",
            "text": "We could not find it: {{ lookup.error }}",
            "subject": "Order {{ answers.order }}",
        },
    },
}


def make_integration(base_url: str, *, slug: str = "shop") -> Integration:
    admin = factories.make_agent(role=Role.ADMIN)
    fields = services.IntegrationFields(
        name="Shop", slug=slug, base_url=base_url, auth_header="X-Key", secret="s3cret",
        timeout_s=2.0,
    )  # fmt: skip
    return services.save_integration(fields=fields, actor=Actor.for_user(admin))


def make_workflow(
    definition: dict[str, Any],
    *,
    name: str = "Refund request",
    self_service: bool = False,
    for_agents: bool = True,
) -> Workflow:
    admin = factories.make_agent(role=Role.ADMIN)
    fields = services.WorkflowFields(
        name=name, definition=definition, self_service=self_service, for_agents=for_agents
    )
    return services.create_workflow(fields=fields, actor=Actor.for_user(admin))
