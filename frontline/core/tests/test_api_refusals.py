"""Every operation of the published API refuses those who should be refused, walked from
``/api/v1/openapi.json`` itself so a new endpoint cannot be added without an entry here.

Anonymous callers get a 401 from every operation. Each operation also names, in
``REFUSED``, someone who must not use it on the objects of the world below (an agent of
another team for a team's ticket, a customer for staff pages, an associate or an analyst
for changes) and what they get; the few operations every signed-in caller may use are in
``OPEN`` with the reason. Bodies and query strings are valid, so a refusal is never a 422
in disguise, and nothing changes on the way.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from frontline.accounts.models import ApiToken, Team, TeamMembership, User
from frontline.automation.models import TimeRule
from frontline.channels.email import services as email_services
from frontline.channels.email.models import EmailTemplate, Mailbox, OutboundMessage, TemplateKind
from frontline.channels.email.tests.mail import build, deliver
from frontline.channels.webhooks.models import InboundPayload, MessagingChannel
from frontline.conftest import ApiClient
from frontline.core.actors import Actor
from frontline.customers.models import Customer, Identity, Organisation
from frontline.integrations.models import WebhookDelivery, WebhookSubscription
from frontline.integrations.webhooks import enqueue_delivery
from frontline.knowledge import services as knowledge_services
from frontline.knowledge.models import Article, ArticleTranslation, Visibility
from frontline.macros import services as macro_services
from frontline.macros.models import Macro, Scope
from frontline.sla.models import Calendar, SlaPolicy
from frontline.testing import factories
from frontline.tickets import services
from frontline.tickets.models import Message, Ticket, TicketEvent
from frontline.triage.models import TriageRule
from frontline.workflows import engine as workflow_engine
from frontline.workflows.models import Workflow, WorkflowRun
from frontline.workflows.tests.helpers import REFUND, make_workflow

Operation = tuple[str, str]

# Mail providers post raw mail with a mailbox's own token. Visitors read the help centre's
# public published articles (internal ones, drafts and other organisations' are not found).
PUBLIC: dict[Operation, str] = {
    ("GET", "/api/v1/articles"): "public published articles only (knowledge.queries)",
    ("GET", "/api/v1/articles/{article_id}"): "a public published article; others not found",
    ("GET", "/api/v1/articles/categories"): "the help centre's categories",
}


@dataclass(frozen=True)
class Refused:
    """Who is refused, each with the status they get, given a valid request."""

    who: dict[str, int]
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)


OFFICE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
CLOSE = [{"type": "set_status", "status": "closed"}]
TRIAGE_RULE = {"name": "Refunds", "conditions": {"all": []}, "add_tags": ["refund"]}
RULE = {"name": "Close solved", "statuses": ["solved"], "amount": 4, "actions": CLOSE}
TRIGGER = {"name": "Tag VIPs", "events": ["created"], "actions": [{"type": "route"}]}
# The ticket of the team: outsiders do not see it, analysts may not change it, another
# customer does not see it, and its own customer may not do staff work on it.
READ_TICKET = {"outsider": 404, "other_customer": 404}
WORK_TICKET = {"outsider": 404, "analyst": 403, "other_customer": 404}
STAFF_WORK = {"outsider": 404, "analyst": 403, "customer": 403}
STAFF_READ = {"customer": 403}
MANAGE_CUSTOMERS = {"analyst": 403, "customer": 403}
CONFIGURE = {"agent": 403, "analyst": 403}

V1 = "/api/v1"
REFUSED: dict[Operation, Refused] = {
    ("POST", f"{V1}/tickets"): Refused(
        {"analyst": 403},
        {"subject": "Let me in", "body": "Please", "customer": {"email": "n@example.test"}},
    ),
    ("GET", f"{V1}/tickets/{{ticket_id}}"): Refused(READ_TICKET),
    ("PATCH", f"{V1}/tickets/{{ticket_id}}"): Refused(WORK_TICKET, {"priority": "urgent"}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/replies"): Refused(WORK_TICKET, {"body": "Let me in"}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/notes"): Refused(STAFF_WORK, {"body": "Let me in"}),
    ("GET", f"{V1}/tickets/{{ticket_id}}/events"): Refused({"outsider": 404, "customer": 403}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/merge"): Refused(STAFF_WORK, {"into_id": "$other"}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/split"): Refused(STAFF_WORK, {"message_ids": ["$reply"]}),
    ("PUT", f"{V1}/tickets/{{ticket_id}}/parent"): Refused(STAFF_WORK, {"parent_id": "$other"}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/collaborators"): Refused(
        STAFF_WORK, {"user_id": "$user_id"}
    ),
    ("DELETE", f"{V1}/tickets/{{ticket_id}}/collaborators/{{user_id}}"): Refused(STAFF_WORK),
    ("GET", f"{V1}/tickets/attachments/{{attachment_id}}"): Refused(
        {"outsider": 404, "customer": 404}  # on an internal note
    ),
    ("GET", f"{V1}/sla/calendars"): Refused(STAFF_READ),
    ("POST", f"{V1}/sla/calendars"): Refused(CONFIGURE, {"name": "X", "weekly_hours": OFFICE}),
    ("GET", f"{V1}/sla/calendars/{{calendar_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/sla/calendars/{{calendar_id}}"): Refused(CONFIGURE, {"name": "Y"}),
    ("DELETE", f"{V1}/sla/calendars/{{calendar_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/sla/calendars/{{calendar_id}}/preview"): Refused(
        STAFF_READ, query={"start": "2025-03-07T16:45:00Z", "minutes": "60"}
    ),
    ("GET", f"{V1}/sla/policies"): Refused(STAFF_READ),
    ("POST", f"{V1}/sla/policies"): Refused(CONFIGURE, {"name": "Z"}),
    ("GET", f"{V1}/sla/policies/{{policy_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/sla/policies/{{policy_id}}"): Refused(CONFIGURE, {"name": "W"}),
    ("DELETE", f"{V1}/sla/policies/{{policy_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/sla/tickets/{{ticket_id}}"): Refused({"outsider": 404, "customer": 403}),
    ("GET", f"{V1}/automation/time-rules"): Refused(STAFF_READ),
    ("POST", f"{V1}/automation/time-rules"): Refused(CONFIGURE, RULE),
    ("GET", f"{V1}/automation/time-rules/{{rule_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/automation/time-rules/{{rule_id}}"): Refused(CONFIGURE, {"amount": 2}),
    ("DELETE", f"{V1}/automation/time-rules/{{rule_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/triggers"): Refused(CONFIGURE | {"customer": 403}),
    ("POST", f"{V1}/triggers"): Refused(CONFIGURE | {"customer": 403}, TRIGGER),
    ("GET", f"{V1}/triggers/{{trigger_id}}"): Refused(CONFIGURE | {"customer": 403}),
    ("PATCH", f"{V1}/triggers/{{trigger_id}}"): Refused(
        CONFIGURE | {"customer": 403}, {"is_active": False}
    ),
    ("DELETE", f"{V1}/triggers/{{trigger_id}}"): Refused(CONFIGURE | {"customer": 403}),
    ("POST", f"{V1}/triggers/{{trigger_id}}/dry-run"): Refused(
        CONFIGURE | {"customer": 403}, {"last": 10}
    ),
    ("GET", f"{V1}/email/mailboxes"): Refused(CONFIGURE),
    ("POST", f"{V1}/email/mailboxes"): Refused(
        CONFIGURE, {"name": "X", "address": "x@example.test"}
    ),
    ("GET", f"{V1}/email/mailboxes/{{mailbox_id}}"): Refused(CONFIGURE),
    ("PATCH", f"{V1}/email/mailboxes/{{mailbox_id}}"): Refused(CONFIGURE, {"name": "Y"}),
    ("DELETE", f"{V1}/email/mailboxes/{{mailbox_id}}"): Refused(CONFIGURE),
    ("POST", f"{V1}/email/mailboxes/{{mailbox_id}}/ingest-token"): Refused(CONFIGURE),
    ("POST", f"{V1}/email/mailboxes/{{mailbox_id}}/poll"): Refused(CONFIGURE),
    # A person's token is not a mailbox's: providers post with the mailbox's own.
    ("POST", f"{V1}/email/inbound"): Refused({"admin": 401}, {"raw": "Subject: hi"}),
    ("GET", f"{V1}/email/inbound"): Refused(CONFIGURE),
    ("GET", f"{V1}/email/inbound/{{inbound_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/email/inbound/{{inbound_id}}/raw"): Refused(CONFIGURE),
    ("POST", f"{V1}/email/inbound/{{inbound_id}}/reprocess"): Refused(CONFIGURE),
    ("GET", f"{V1}/email/templates"): Refused(CONFIGURE),
    ("POST", f"{V1}/email/templates"): Refused(
        CONFIGURE, {"kind": "reply", "subject": "s", "body": "b"}
    ),
    ("DELETE", f"{V1}/email/templates/{{template_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/email/tickets/{{ticket_id}}/deliveries"): Refused(
        {"outsider": 404, "customer": 403}
    ),
    ("POST", f"{V1}/email/deliveries/{{delivery_id}}/retry"): Refused(
        {"outsider": 404, "analyst": 403, "customer": 403}
    ),
    # Messaging channels: a person's token is not a provider's signature; configuration is
    # for admins and the head of support; calls are staff work on the ticket.
    ("POST", f"{V1}/channels/{{channel_id}}/inbound"): Refused(
        {"admin": 401}, {"type": "message", "message_id": "x", "from": {"phone": "+4912345"}}
    ),
    ("GET", f"{V1}/messaging-channels"): Refused(CONFIGURE),
    ("POST", f"{V1}/messaging-channels"): Refused(CONFIGURE, {"name": "New SMS"}),
    ("GET", f"{V1}/messaging-channels/{{channel_id}}"): Refused(CONFIGURE),
    ("PATCH", f"{V1}/messaging-channels/{{channel_id}}"): Refused(CONFIGURE, {"name": "Y"}),
    ("DELETE", f"{V1}/messaging-channels/{{channel_id}}"): Refused(CONFIGURE),
    ("POST", f"{V1}/messaging-channels/{{channel_id}}/secret"): Refused(CONFIGURE),
    ("GET", f"{V1}/messaging-channels/{{channel_id}}/payloads"): Refused(CONFIGURE),
    ("POST", f"{V1}/messaging-channels/payloads/{{payload_id}}/replay"): Refused(CONFIGURE),
    ("GET", f"{V1}/tickets/{{ticket_id}}/calls"): Refused({"outsider": 404, "customer": 403}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/calls"): Refused(
        STAFF_WORK,
        {
            "direction": "inbound",
            "number": "+4912345678",
            "started_at": "2026-01-05T10:00:00Z",
            "duration_seconds": 60,
            "outcome": "answered",
        },
    ),
    ("GET", f"{V1}/customers"): Refused(STAFF_READ),
    ("POST", f"{V1}/customers"): Refused(MANAGE_CUSTOMERS, {"name": "New"}),
    ("GET", f"{V1}/customers/{{customer_id}}"): Refused({"other_customer": 403}),
    ("PATCH", f"{V1}/customers/{{customer_id}}"): Refused(MANAGE_CUSTOMERS, {"name": "Renamed"}),
    ("POST", f"{V1}/customers/{{customer_id}}/identities"): Refused(
        MANAGE_CUSTOMERS, {"kind": "email", "value": "second@example.test"}
    ),
    ("DELETE", f"{V1}/customers/{{customer_id}}/identities/{{identity_id}}"): Refused(
        MANAGE_CUSTOMERS
    ),
    ("POST", f"{V1}/customers/{{customer_id}}/merge"): Refused(
        MANAGE_CUSTOMERS, {"into_id": "$other_customer_id"}
    ),
    ("GET", f"{V1}/organisations"): Refused(STAFF_READ),
    ("POST", f"{V1}/organisations"): Refused(MANAGE_CUSTOMERS, {"name": "Acme"}),
    ("GET", f"{V1}/organisations/{{organisation_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/organisations/{{organisation_id}}"): Refused(
        MANAGE_CUSTOMERS, {"name": "Renamed"}
    ),
    ("POST", f"{V1}/organisations/{{organisation_id}}/domains"): Refused(
        MANAGE_CUSTOMERS, {"domain": "acme.test"}
    ),
    # Tokens are each person's own: another's is not found.
    ("DELETE", f"{V1}/me/tokens/{{token_id}}"): Refused({"outsider": 404, "admin": 404}),
    ("GET", f"{V1}/teams"): Refused(STAFF_READ),
    ("POST", f"{V1}/teams"): Refused(CONFIGURE, {"name": "New team"}),
    ("GET", f"{V1}/teams/{{team_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/teams/{{team_id}}"): Refused(CONFIGURE, {"name": "Renamed"}),
    ("POST", f"{V1}/teams/{{team_id}}/members"): Refused(CONFIGURE, {"user_id": "$outsider"}),
    ("DELETE", f"{V1}/teams/{{team_id}}/members/{{user_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/users"): Refused(STAFF_READ),
    ("POST", f"{V1}/users"): Refused(CONFIGURE, {"email": "n@frontline.test", "name": "New"}),
    ("GET", f"{V1}/users/{{user_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/users/{{user_id}}"): Refused(CONFIGURE, {"name": "Renamed"}),
    ("PUT", f"{V1}/users/{{user_id}}/skills/{{skill_id}}"): Refused(CONFIGURE, {"proficiency": 3}),
    ("GET", f"{V1}/skills"): Refused(STAFF_READ),
    ("POST", f"{V1}/skills"): Refused(CONFIGURE, {"name": "Refunds"}),
    # Tiers and swarming (routing/tiers_api.py): staff who may work the ticket escalate;
    # only its owner (the assignee; the world's ticket has none) or a supervisor swarms.
    ("POST", f"{V1}/tickets/{{ticket_id}}/escalate"): Refused(STAFF_WORK, {"reason": "Up"}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/de-escalate"): Refused(STAFF_WORK, {"reason": "Down"}),
    ("GET", f"{V1}/tickets/{{ticket_id}}/escalations"): Refused({"outsider": 404, "customer": 403}),
    ("GET", f"{V1}/tickets/{{ticket_id}}/swarm"): Refused({"outsider": 404, "customer": 403}),
    ("POST", f"{V1}/tickets/{{ticket_id}}/swarm"): Refused(
        {**STAFF_WORK, "agent": 403}, {"question": "Help?", "invite": ["$user_id"]}
    ),
    ("POST", f"{V1}/tickets/{{ticket_id}}/swarm/members"): Refused(
        {**STAFF_WORK, "agent": 403}, {"user_ids": ["$user_id"]}
    ),
    ("POST", f"{V1}/tickets/{{ticket_id}}/swarm/end"): Refused(
        {**STAFF_WORK, "agent": 403}, {"outcome": "Done"}
    ),
    ("GET", f"{V1}/triage/rules"): Refused(STAFF_READ),
    ("POST", f"{V1}/triage/rules"): Refused(CONFIGURE, TRIAGE_RULE),
    ("GET", f"{V1}/triage/rules/{{triage_rule_id}}"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/triage/rules/{{triage_rule_id}}"): Refused(CONFIGURE, {"name": "Y"}),
    ("DELETE", f"{V1}/triage/rules/{{triage_rule_id}}"): Refused(CONFIGURE),
    ("GET", f"{V1}/triage/tickets/{{ticket_id}}/related"): Refused(
        {"outsider": 404, "customer": 403}
    ),
    # Routing: presence is staff's own; settings and others' presence are for supervisors.
    ("GET", f"{V1}/me/presence"): Refused(STAFF_READ),
    ("PUT", f"{V1}/me/presence"): Refused(STAFF_READ, {"status": "online"}),
    ("PUT", f"{V1}/routing/agents/{{user_id}}/presence"): Refused(
        {"agent": 403, "analyst": 403, "customer": 403}, {"status": "online"}
    ),
    ("GET", f"{V1}/tickets/{{ticket_id}}/routing"): Refused({"outsider": 404, "customer": 403}),
    ("GET", f"{V1}/routing/teams"): Refused(STAFF_READ),
    ("PATCH", f"{V1}/routing/teams/{{team_id}}"): Refused(
        {"agent": 403, "analyst": 403, "customer": 403}, {"strategy": "round_robin"}
    ),
    ("GET", f"{V1}/routing/agents/{{user_id}}/capacity"): Refused(
        {"agent": 403, "analyst": 403, "customer": 403}
    ),
    ("PUT", f"{V1}/routing/agents/{{user_id}}/capacity"): Refused(
        {"agent": 403, "analyst": 403, "customer": 403}, {"capacity": {"chat": 2}}
    ),
    # The classifier's figures: supervisors and above (an associate agent is refused).
    ("GET", f"{V1}/triage/accuracy"): Refused({"agent": 403, "analyst": 403, "customer": 403}),
    # The knowledge gaps report: whoever sees all tickets (analysts too), not associates.
    ("GET", f"{V1}/knowledge/gaps"): Refused({"agent": 403, "customer": 403}),
    # Knowledge: the world's article is an internal playbook, which customers do not see;
    # analysts read but do not write; publishing and deleting are for engineers and above.
    ("GET", f"{V1}/articles/{{article_id}}"): Refused({"customer": 404, "other_customer": 404}),
    ("POST", f"{V1}/articles"): Refused(
        {"analyst": 403, "customer": 403}, {"category_id": "$category_id", "title": "Let me in"}
    ),
    ("PATCH", f"{V1}/articles/{{article_id}}"): Refused(
        {"analyst": 403, "customer": 404}, {"title": "Let me in"}
    ),
    ("DELETE", f"{V1}/articles/{{article_id}}"): Refused(
        {"agent": 403, "analyst": 403, "customer": 404}
    ),
    ("GET", f"{V1}/articles/{{article_id}}/versions"): Refused({"customer": 403}),
    ("POST", f"{V1}/articles/{{article_id}}/translations"): Refused(
        {"analyst": 403, "customer": 404}, {"language": "fr", "title": "Entrez"}
    ),
}
# Macros: agents who write tickets; the world's macro belongs to the agent's team, which an
# associate uses but may not change; outsiders do not see it.
MACRO = {"name": "Let me in", "body": "Hello {{ customer.first_name }}"}
MACRO_USERS = {"analyst": 403, "customer": 403}
REFUSED.update(
    {
        ("GET", f"{V1}/macros"): Refused(MACRO_USERS),
        ("POST", f"{V1}/macros"): Refused(MACRO_USERS, MACRO),
        ("GET", f"{V1}/macros/{{macro_id}}"): Refused({**MACRO_USERS, "outsider": 404}),
        ("PATCH", f"{V1}/macros/{{macro_id}}"): Refused(
            {**MACRO_USERS, "outsider": 404, "agent": 403}, {"name": "Mine now"}
        ),
        ("DELETE", f"{V1}/macros/{{macro_id}}"): Refused(
            {**MACRO_USERS, "outsider": 404, "agent": 403}
        ),
        ("POST", f"{V1}/tickets/{{ticket_id}}/macros/{{macro_id}}"): Refused(
            {**MACRO_USERS, "outsider": 404, "other_customer": 403}
        ),
    }
)
# Outgoing webhooks: admins and heads of support only (supervisors too are refused:
# integrations/tests/test_api.py).
CONFIGURE_HOOKS = {"agent": 403, "analyst": 403, "customer": 403}
HOOK = {"name": "CRM", "url": "https://crm.example.test/hook", "event_types": ["ticket.*"]}
REFUSED |= {
    ("GET", f"{V1}/webhooks"): Refused(CONFIGURE_HOOKS),
    ("POST", f"{V1}/webhooks"): Refused(CONFIGURE_HOOKS, HOOK),
    ("GET", f"{V1}/webhooks/{{webhook_id}}"): Refused(CONFIGURE_HOOKS),
    ("PATCH", f"{V1}/webhooks/{{webhook_id}}"): Refused(CONFIGURE_HOOKS, {"is_active": False}),
    ("DELETE", f"{V1}/webhooks/{{webhook_id}}"): Refused(CONFIGURE_HOOKS),
    ("GET", f"{V1}/webhooks/{{webhook_id}}/deliveries"): Refused(CONFIGURE_HOOKS),
    ("POST", f"{V1}/webhooks/{{webhook_id}}/ping"): Refused(CONFIGURE_HOOKS),
    ("POST", f"{V1}/webhooks/{{webhook_id}}/rotate-secret"): Refused(CONFIGURE_HOOKS),
    ("POST", f"{V1}/webhooks/deliveries/{{webhook_delivery_id}}/redeliver"): Refused(
        CONFIGURE_HOOKS
    ),
}
# Guided workflows: staff read, admins and heads of support configure; the report is for
# whoever sees all tickets; runs are walked by agents who may work the ticket.
REFUSED.update(
    {
        ("GET", f"{V1}/workflows"): Refused(STAFF_READ),
        ("POST", f"{V1}/workflows"): Refused(
            {"agent": 403, "analyst": 403, "customer": 403},
            {"name": "Let me in", "definition": REFUND},
        ),
        ("GET", f"{V1}/workflows/{{workflow_id}}"): Refused(STAFF_READ),
        ("PATCH", f"{V1}/workflows/{{workflow_id}}"): Refused(
            {"agent": 403, "analyst": 403, "customer": 403}, {"name": "Renamed"}
        ),
        ("DELETE", f"{V1}/workflows/{{workflow_id}}"): Refused(
            {"agent": 403, "analyst": 403, "customer": 403}
        ),
        ("GET", f"{V1}/workflows/{{workflow_id}}/report"): Refused({"agent": 403, "customer": 403}),
        ("POST", f"{V1}/tickets/{{ticket_id}}/workflows/{{workflow_id}}/runs"): Refused(STAFF_WORK),
        ("GET", f"{V1}/workflow-runs/{{workflow_run_id}}"): Refused(
            {"outsider": 404, "customer": 404, "other_customer": 404}
        ),
        ("POST", f"{V1}/workflow-runs/{{workflow_run_id}}/answer"): Refused(
            {"outsider": 404, "analyst": 403, "customer": 404},
            {"step": "age", "choice": 0},
        ),
    }
)
# Operations every signed-in caller may use, each on their own things only.
OPEN: dict[Operation, str] = {
    ("GET", f"{V1}/tickets"): "a page of the tickets the caller may see (tickets.queries)",
    ("GET", f"{V1}/me"): "the caller themselves",
    ("GET", f"{V1}/me/tokens"): "the caller's own tokens",
    ("POST", f"{V1}/me/tokens"): "a token for the caller themselves",
}

# Search filters what it finds by who asks (tickets.search, knowledge.queries): visitors
# get public published articles, and a 401 for tickets (knowledge/tests/test_search_api.py).
PUBLIC[("GET", f"{V1}/search")] = "visitors: public published articles only"


def published_operations() -> set[Operation]:
    schema = Client().get(f"{V1}/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


@pytest.fixture
def world(team, agent, teammate, outsider, analyst, admin_user, customer, other_customer):
    """A team's ticket (with a customer's reply and a note carrying a file), what the
    configuration endpoints name, and a client for each persona."""
    actor = Actor.for_user(agent)
    mailbox = Mailbox.objects.create(name="Support", address="support@example.test", team=team)
    inbound = deliver(build(), mailbox)
    ticket = inbound.ticket
    assert ticket is not None
    reply = services.reply_to_ticket(ticket, body="And another thing", actor=actor)
    note = services.add_note(
        ticket,
        body="Internal",
        actor=actor,
        attachments=[services.NewAttachment(filename="secret.txt", content=b"secret")],
    )
    services.add_collaborator(ticket, user=teammate, actor=actor)
    other = factories.make_ticket(team=team, customer=customer)
    clients = {
        name: ApiClient(user)
        for name, user in (
            ("agent", agent),
            ("outsider", outsider),
            ("analyst", analyst),
            ("admin", admin_user),
            ("customer", customer.user),
            ("other_customer", other_customer.user),
        )
    }
    template = email_services.save_template(
        kind=TemplateKind.REPLY,
        team=team,
        subject="Re: {{ ticket.subject }}",
        body="{{ body }}",
        expected_response_hours=None,
        actor=Actor.for_user(admin_user),
    )
    playbook = _internal_article(admin_user)
    hook_delivery = _webhook_delivery()
    channel = MessagingChannel.objects.create(name="SMS", secret="s3cret")
    ids = {
        "article_id": playbook.pk,
        "ticket_id": ticket.pk,
        "user_id": teammate.pk,
        "attachment_id": note.attachments.get().pk,
        "calendar_id": factories.make_calendar(name="Spare").pk,
        "policy_id": factories.make_sla_policy(name="Spare", goals=()).pk,
        "rule_id": factories.make_time_rule(statuses=("pending",), amount=3, actions=CLOSE).pk,
        "mailbox_id": mailbox.pk,
        "inbound_id": inbound.pk,
        "template_id": template.pk,
        "delivery_id": OutboundMessage.objects.filter(ticket_message__ticket=ticket)
        .earliest("id")
        .pk,
        "customer_id": customer.pk,
        "identity_id": customer.identities.get().pk,
        "organisation_id": factories.make_organisation(name="Acme").pk,
        "token_id": agent.api_tokens.get().pk,
        "team_id": team.pk,
        "skill_id": factories.make_skill(name="Billing").pk,
        "triage_rule_id": TriageRule.objects.create(name="Spare", add_tags=["spare"]).pk,
        "macro_id": macro_services.create_macro(
            fields=macro_services.MacroFields(
                name="Tier 1 welcome",
                body="Hi {{ customer.first_name }}",
                changes={"priority": "urgent"},
                scope=Scope.TEAM,
                team_id=team.pk,
            ),
            actor=Actor.for_user(admin_user),
        ).pk,
        "webhook_id": hook_delivery.subscription_id,
        "webhook_delivery_id": hook_delivery.pk,
        **_workflow_ids(ticket, agent),
        "channel_id": channel.pk,
        "payload_id": InboundPayload.objects.create(
            channel=channel, raw=b"{", received_at=ticket.created_at, status="quarantined"
        ).pk,
        "trigger_id": factories.make_trigger(events=["created"], actions=[{"type": "route"}]).pk,
    }
    values = {
        "$other": other.pk,
        "$reply": reply.pk,
        "$user_id": teammate.pk,
        "$outsider": outsider.pk,
        "$other_customer_id": other_customer.pk,
        "$category_id": playbook.category_id,
    }
    return {"ids": ids, "values": values, "clients": clients, "ticket": ticket}


def _webhook_delivery() -> WebhookDelivery:
    hook = WebhookSubscription.objects.create(name="Spare", url="https://x.test/", secret="s")
    return enqueue_delivery(hook, event_type="ping", payload={})


def _workflow_ids(ticket: Ticket, agent: User) -> dict[str, int]:
    """A workflow, and a run of it in progress on the team's ticket."""
    workflow = make_workflow(REFUND)
    run = workflow_engine.begin(workflow, actor=Actor.for_user(agent), ticket=ticket)
    return {"workflow_id": workflow.pk, "workflow_run_id": run.pk}


def _internal_article(admin: User) -> Article:
    actor = Actor.for_user(admin)
    category = knowledge_services.create_category(name="Internal playbooks", actor=actor)
    article = knowledge_services.create_article(
        category=category,
        title="Escalating an outage",
        body_markdown="Page the on-call engineer.",
        visibility=Visibility.INTERNAL,
        actor=actor,
    )
    knowledge_services.publish_translation(article.translations.get(), actor=actor)
    return article


def state() -> dict[str, Any]:
    """What a refused request must not have changed."""
    ticket_rows = Ticket.objects.order_by("pk").values_list(
        "pk", "status", "priority", "subject", "team_id", "parent_id", "merged_into_id"
    )
    return {
        "tickets": list(ticket_rows),
        "messages": list(Message.objects.order_by("pk").values_list("pk", "ticket_id")),
        "events": TicketEvent.objects.count(),
        "collaborators": list(Ticket.collaborators.through.objects.values_list("pk", flat=True)),
        "customers": list(Customer.objects.values_list("pk", "name", "merged_into_id")),
        "identities": Identity.objects.count(),
        "organisations": list(Organisation.objects.values_list("pk", "name")),
        "teams": list(Team.objects.values_list("pk", "name")),
        "members": TeamMembership.objects.count(),
        "users": list(User.objects.values_list("pk", "name", "role")),
        "tokens": list(ApiToken.objects.values_list("pk", "revoked_at")),
        "calendars": list(Calendar.objects.values_list("pk", "name")),
        "policies": list(SlaPolicy.objects.values_list("pk", "name")),
        "rules": list(TimeRule.objects.values_list("pk", "amount")),
        "mailboxes": list(Mailbox.objects.values_list("pk", "name", "ingest_token_hash")),
        "templates": EmailTemplate.objects.count(),
        "triage_rules": list(TriageRule.objects.values_list("pk", "name", "is_active")),
        "macros": list(Macro.objects.values_list("pk", "name", "usage_count")),
        "webhooks": list(WebhookSubscription.objects.values_list("pk", "is_active", "secret")),
        "webhook_deliveries": WebhookDelivery.objects.count(),
        "messaging_channels": list(MessagingChannel.objects.values_list("pk", "name", "secret")),
        "payloads": list(InboundPayload.objects.values_list("pk", "status")),
        "articles": list(Article.objects.values_list("pk", "slug", "visibility")),
        "translations": list(
            ArticleTranslation.objects.values_list("pk", "language", "title", "status", "version")
        ),
        "workflows": list(Workflow.objects.values_list("pk", "name", "version", "is_active")),
        "workflow_runs": list(WorkflowRun.objects.values_list("pk", "status", "current_step")),
    }


def call(client: ApiClient, method: str, path: str, refused: Refused, values: dict[str, Any]):
    if method == "GET":
        return client.get(path, **refused.query)
    if method == "DELETE":
        return client.delete(path)
    body = _filled(refused.body if refused.body is not None else {}, values)
    return getattr(client, method.lower())(path, body)


def _filled(body: Any, values: dict[str, Any]) -> Any:
    if isinstance(body, dict):
        return {key: _filled(item, values) for key, item in body.items()}
    if isinstance(body, list):
        return [_filled(item, values) for item in body]
    return values.get(body, body) if isinstance(body, str) else body


def test_every_published_operation_has_an_entry():
    """A new operation fails here until it says who is refused (or why all may use it)."""
    published = published_operations()

    assert published - REFUSED.keys() - OPEN.keys() - PUBLIC.keys() == set()
    assert (REFUSED.keys() | OPEN.keys() | PUBLIC.keys()) - published == set()
    assert not REFUSED.keys() & OPEN.keys()
    assert [op for op in OPEN if "{" in op[1]] == []  # an object of someone's is never open


def test_anonymous_callers_are_refused_everywhere(world):
    anonymous = ApiClient(None)
    before = state()
    wrong = []
    for method, template in sorted(published_operations() - PUBLIC.keys()):
        refused = REFUSED.get((method, template), Refused({}))
        response = call(anonymous, method, template.format(**world["ids"]), refused, {})
        if response.status_code != 401 or response.json()["code"] != "not_authenticated":
            wrong.append((method, template, response.status_code))

    assert wrong == []
    assert state() == before


def test_each_operation_refuses_who_must_not_use_it(world):
    before = state()
    wrong = []
    for (method, template), refused in sorted(REFUSED.items()):
        path = template.format(**world["ids"])
        for persona, status in refused.who.items():
            client = world["clients"][persona]
            response = call(client, method, path, refused, world["values"])
            code = response.json().get("code") if response.content else None
            if response.status_code != status or code not in REFUSAL_CODES[status]:
                wrong.append((method, template, persona, response.status_code, code))

    assert wrong == []
    assert state() == before


REFUSAL_CODES = {
    401: {"not_authenticated"},
    403: {"permission_denied"},
    404: {"not_found"},
}
