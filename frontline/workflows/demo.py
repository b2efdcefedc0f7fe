"""Guided workflows in the demo: "Refund request" (self-service and agents), "Password
reset" and "Outage triage" (agents), "Where is my order?" (self-service, looking orders up
through the demo shop, an endpoint of the running server: orders 1001, 1002 and 1003), and
some finished and abandoned runs for the report.

The macros named ("Refund approved", "Password reset") come from the macros' demo; a
workflow leaves out an action whose macro is not there.
"""

from datetime import datetime, timedelta
from typing import Any

from frontline.accounts.models import Role, User
from frontline.accounts.permissions import MANAGES_CONFIGURATION
from frontline.core.actors import Actor
from frontline.core.demo_clock import DemoClock, demo_clock
from frontline.customers.models import Customer
from frontline.knowledge.models import Article, Visibility
from frontline.tickets import services as ticket_services
from frontline.tickets.models import UNSOLVED_STATUSES, Ticket
from frontline.workflows import engine, services
from frontline.workflows.models import Workflow

DEMO_SHOP = services.IntegrationFields(
    name="Demo shop",
    slug="demo-shop",
    base_url="/workflows/demo-integration",
    auth_header="X-Demo-Key",
    secret="demo",  # noqa: S106 - the demo shop's key, not a secret
    timeout_s=3.0,
)


def load_demo(*, now: datetime) -> None:
    admin = User.objects.filter(is_active=True, role__in=MANAGES_CONFIGURATION).first()
    if admin is None or Workflow.objects.exists():
        return  # nobody to configure as, or already loaded
    actor = Actor.for_user(admin)
    services.save_integration(fields=DEMO_SHOP, actor=actor)
    made = {}
    for name, description, definition, audience in _workflows():
        fields = services.WorkflowFields(
            name=name, description=description, definition=definition, **audience
        )
        made[name] = services.create_workflow(fields=fields, actor=actor)
    start = now - STORY_LENGTH
    with demo_clock(start) as clock:
        _runs(made, quiet_since=start, clock=clock)


def _workflows() -> list[tuple[str, str, dict[str, Any], dict[str, bool]]]:
    both = {"for_agents": True, "self_service": True}
    agents = {"for_agents": True, "self_service": False}
    customers = {"for_agents": False, "self_service": True}
    return [
        ("Where is my order?", "Track an order by its number.", _order_status(), customers),
        ("Refund request", "Ask for your money back.", _refund(), both),
        ("Password reset", "Verify the merchant, then reset.", _password_reset(), agents),
        ("Outage triage", "Is it our outage or their setup?", _outage(), agents),
    ]


def _article(words: str) -> str:
    """A Markdown link to a public demo article whose slug has ``words``, or plain text."""
    found = Article.objects.filter(slug__contains=words, visibility=Visibility.PUBLIC).first()
    return f"[the {words} article](article:{found.slug})" if found else f"the {words} policy"


def _macro(name: str) -> list[dict[str, Any]]:
    return [{"type": "apply_macro", "macro": name}] if services.find_macro(name) else []


def _order_status() -> dict[str, Any]:
    return {
        "start": "number",
        "steps": {
            "number": {
                "kind": "question",
                "text": "What is your order number? (Try 1001, 1002 or 1003.)",
                "input": "order_number",
                "save_as": "order",
                "next": "find",
            },
            "find": {
                "kind": "lookup",
                "integration": "demo-shop",
                "path": "/orders/{{ answers.order }}",
                "save_as": "order_info",
                "on_found": "status",
                "on_not_found": "missing",
            },
            "status": {
                "kind": "answer",
                "text": "Order **{{ answers.order }}** is **{{ lookup.status }}**"
                " ({{ lookup.carrier }} {{ lookup.tracking }}): {{ lookup.eta }}.",
            },
            "missing": {
                "kind": "open_ticket",
                "text": "We could not find order {{ answers.order }} ({{ lookup.error }}). "
                "Send it to us and a person will look.",
                "subject": "Where is order {{ answers.order }}?",
            },
        },
    }


def _refund() -> dict[str, Any]:
    return {
        "start": "age",
        "steps": {
            "age": {
                "kind": "question",
                "text": "Is the order older than 30 days?",
                "options": [{"label": "Yes", "next": "too_old"}, {"label": "No", "next": "order"}],
            },
            "too_old": {
                "kind": "answer",
                "text": "Orders older than 30 days are not refunded, but a replacement may be: "
                f"see {_article('refund')}.",
            },
            "order": {
                "kind": "question",
                "text": "What is the order number?",
                "input": "order_number",
                "save_as": "order",
                "next": "reason",
            },
            "reason": {
                "kind": "question",
                "text": "What went wrong?",
                "save_as": "reason",
                "options": [
                    {"label": "It arrived damaged", "next": "refund"},
                    {"label": "Wrong item", "next": "refund"},
                    {"label": "I changed my mind", "next": "refund"},
                ],
            },
            "refund": {
                "kind": "action",
                "text": "Refund order {{ answers.order }} ({{ answers.reason }}).",
                "actions": [
                    *_macro("Refund approved"),
                    {"type": "set_fields", "priority": "high", "tags": ["refund"]},
                ],
            },
        },
    }


def _password_reset() -> dict[str, Any]:
    return {
        "start": "verify",
        "steps": {
            "verify": {
                "kind": "instruction",
                "title": "Verify the merchant",
                "text": "Ask for the **merchant ID** and the last four digits of the payout "
                "account. Never reset a password for someone you have not verified.",
                "next": "email",
            },
            "email": {
                "kind": "question",
                "text": "Can they receive mail at the address on file?",
                "options": [
                    {"label": "Yes", "next": "send"},
                    {"label": "No, the address changed", "next": "identity"},
                ],
            },
            "send": {
                "kind": "action",
                "text": "Send the reset link and wait for the merchant to confirm.",
                "actions": [
                    *_macro("Password reset"),
                    {"type": "set_fields", "status": "pending", "tags": ["password-reset"]},
                ],
            },
            "identity": {
                "kind": "action",
                "text": "A changed address needs an identity check by Tier 2.",
                "actions": [
                    {"type": "set_fields", "tags": ["identity-check"]},
                    {"type": "escalate", "reason": "Password reset: the address on file changed."},
                ],
            },
        },
    }


def _outage() -> dict[str, Any]:
    return {
        "start": "status_page",
        "steps": {
            "status_page": {
                "kind": "question",
                "text": "Does the status page show an incident right now?",
                "options": [
                    {"label": "Yes", "next": "link"},
                    {"label": "No", "next": "several"},
                ],
            },
            "link": {
                "kind": "instruction",
                "title": "Link to the incident",
                "text": "Link this ticket to the incident's parent ticket, so the merchant "
                "hears when it is fixed.",
                "next": "known",
            },
            "known": {
                "kind": "action",
                "actions": [{"type": "set_fields", "priority": "high", "tags": ["outage"]}],
            },
            "several": {
                "kind": "question",
                "text": "Have several merchants reported the same in the last hour?",
                "options": [
                    {"label": "Yes", "next": "new_incident"},
                    {"label": "No, just this one", "next": "setup"},
                ],
            },
            "new_incident": {
                "kind": "action",
                "text": "Probably a new incident: make it urgent and bring in Tier 2.",
                "actions": [
                    {"type": "set_fields", "priority": "urgent", "tags": ["outage"]},
                    {"type": "escalate", "reason": "Possible outage: several merchants."},
                ],
            },
            "setup": {
                "kind": "instruction",
                "title": "Check their setup",
                "text": "Ask them to restart the terminal and check its network light.",
                "next": "setup_done",
            },
            "setup_done": {
                "kind": "answer",
                "text": "If the restart fixed it, solve the ticket; otherwise escalate it.",
            },
        },
    }


# (workflow, answers in turn: an option's index, a typed value, or None to confirm; and
# whether the agent leaves before the end)
AGENT_RUNS: tuple[tuple[str, tuple[Any, ...], bool], ...] = (
    ("Password reset", (None, 0, None), False),
    ("Password reset", (None,), True),
    ("Password reset", (None,), True),
    ("Password reset", (), True),
    ("Outage triage", (0, None, None), False),
    ("Outage triage", (1,), True),
    ("Outage triage", (1, 1), True),
    ("Refund request", (1, "1002", 0, None), False),
)


def _runs(workflows: dict[str, Workflow], *, quiet_since: datetime, clock: DemoClock) -> None:
    """On tickets nobody touched since ``quiet_since``; each run ends with the agent's
    note, so the ticket's last change is the run's last moment."""
    tickets = list(
        Ticket.objects.filter(
            status__in=UNSOLVED_STATUSES, assignee__isnull=False, updated_at__lt=quiet_since
        )
        .exclude(assignee__role=Role.ANALYST)
        .select_related("assignee")
        .order_by("-updated_at", "pk")[: len(AGENT_RUNS)]
    )
    for ticket, (name, answers, leaves) in zip(tickets, AGENT_RUNS, strict=False):
        assert ticket.assignee is not None  # noqa: S101 - filtered above
        actor = Actor.for_user(ticket.assignee)
        run = engine.begin(workflows[name], actor=actor, ticket=ticket)
        for given in answers:
            clock.tick()
            run = engine.answer(run, step_id=run.current_step, reply=_reply(given), actor=actor)
        clock.tick()
        if leaves:
            engine.abandon_run(run, actor=actor)
            clock.tick()
        note = f"Used the '{name}' workflow." + (
            " Stopped: the merchant had to go." if leaves else ""
        )
        ticket_services.add_note(Ticket.objects.get(pk=ticket.pk), body=note, actor=actor)
        clock.tick()
    _self_service_runs(workflows["Refund request"], clock=clock)


def _reply(given: Any) -> engine.Reply:
    if given is None:
        return engine.Reply(confirm=True)
    if isinstance(given, int):
        return engine.Reply(choice=given)
    return engine.Reply(value=str(given))


def _self_service_runs(workflow: Workflow, *, clock: DemoClock) -> None:
    """Customers asking for refunds on the portal: two are answered, one stops at the
    answer (the demo's ticket counts stay those asked for: no run opens a ticket)."""
    customers = list(Customer.objects.filter(user__isnull=False).order_by("pk")[:3])
    for index, helped in enumerate((True, True, False)):
        if not customers:
            return
        actor = Actor.for_customer(customers[index % len(customers)])
        run = engine.begin(workflow, actor=actor)
        clock.tick()
        run = engine.answer(run, step_id="age", reply=engine.Reply(choice=0), actor=actor)
        clock.tick()
        if helped:
            engine.answer(run, step_id="too_old", reply=engine.Reply(helped=True), actor=actor)
        else:
            engine.abandon_run(run, actor=actor)
        clock.tick()


# The runs happen in the 20 minutes before the demo's "now", one step every 20 seconds.
STORY_LENGTH = timedelta(minutes=20)
