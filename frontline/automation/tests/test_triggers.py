"""Event triggers: conditions on the change, actions in order, loop protection, failures
that never block a ticket change, the firing on the ticket's timeline."""

import pytest
from django.db import transaction

from frontline.accounts.models import Notification, NotificationKind, Role
from frontline.automation import engine, triggers
from frontline.automation.models import Trigger, TriggerFiring
from frontline.core.actors import Actor
from frontline.core.dispatch import dispatch
from frontline.core.errors import PermissionDenied, ValidationFailed
from frontline.customers.models import Tier
from frontline.integrations.models import WebhookDelivery, WebhookSubscription
from frontline.macros.models import Macro
from frontline.sla.models import SlaNotification
from frontline.testing import factories
from frontline.tickets import services as ticket_services
from frontline.tickets.models import (
    AuthorType,
    EventType,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)

VIP = {
    "any": [
        {"field": "organisation.tier", "op": "eq", "value": "enterprise"},
        {"field": "customer.is_vip", "op": "eq", "value": True},
    ]
}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the trigger jobs, immediate in tests)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def fresh(ticket):
    return Ticket.objects.select_related("team", "assignee").get(pk=ticket.pk)


def tags_of(ticket):
    return sorted(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


def fired_summaries(ticket):
    events = TicketEvent.objects.filter(ticket=ticket, type=EventType.RULE_FIRED)
    return [e.data["summary"] for e in events.order_by("id")]


def test_a_vip_ticket_goes_to_tier_2_with_high_priority_and_a_tag(db, commit):
    tier2 = factories.make_team(name="Tier 2", tier=2)
    factories.make_trigger(
        name="VIP to Tier 2",
        events=["created"],
        conditions=VIP,
        actions=[
            {"type": "set_team", "team_id": tier2.pk},
            {"type": "set_priority", "priority": "high"},
            {"type": "add_tags", "tags": ["vip"]},
        ],
    )
    enterprise = factories.make_organisation(tier=Tier.ENTERPRISE)
    vip = commit(factories.make_ticket, customer=factories.make_customer(organisation=enterprise))
    plain = commit(factories.make_ticket)

    assert (fresh(vip).team, fresh(vip).priority) == (tier2, Priority.HIGH)
    assert tags_of(vip) == ["vip"]
    assert fired_summaries(vip) == [
        "rule 'VIP to Tier 2' fired: set the team to Tier 2, set the priority to high, "
        "added tag vip"
    ]
    changed = TicketEvent.objects.get(ticket=vip, type=EventType.TEAM_CHANGED)
    assert changed.actor_type == AuthorType.SYSTEM
    assert (fresh(plain).team, fired_summaries(plain)) == (None, [])
    assert Trigger.objects.get().fire_count == 1


def test_a_customer_reply_to_a_solved_ticket_reopens_it_and_notifies_the_assignee(db, commit):
    team = factories.make_team()
    owner = factories.make_agent(teams=(team,))
    factories.make_trigger(
        events=["customer_replied"],
        conditions={"field": "previous.status", "op": "eq", "value": "solved"},
        actions=[
            {"type": "set_status", "status": "open"},
            {"type": "email_staff", "recipients": ["assignee"], "body": "#{{ ticket.number }}"},
        ],
    )
    ticket = commit(factories.make_ticket, team=team)
    commit(ticket_services.assign_ticket, ticket, assignee=owner, actor=Actor.system())
    commit(ticket_services.change_status, ticket, status=Status.SOLVED, actor=Actor.system())
    assert SlaNotification.objects.count() == 0  # no reply yet: nothing fired

    commit(
        ticket_services.reply_to_ticket,
        fresh(ticket),
        body="It broke again.",
        actor=Actor.for_customer(ticket.customer),
    )

    assert fresh(ticket).status == Status.OPEN
    note = SlaNotification.objects.get()
    assert (note.recipient, note.message) == (
        owner,
        f"{Trigger.objects.get().name}: #{ticket.number}",
    )


def test_triggers_run_in_order_and_each_sees_what_the_earlier_ones_did(db, commit):
    factories.make_trigger(
        name="second",
        events=["created"],
        conditions={"field": "tags", "op": "contains", "value": "first"},
        actions=[{"type": "add_tags", "tags": ["second"]}],
    )
    factories.make_trigger(
        name="first", events=["created"], actions=[{"type": "add_tags", "tags": ["first"]}],
        position=0,
    )  # fmt: skip

    ticket = commit(factories.make_ticket)

    assert tags_of(ticket) == ["first", "second"]
    assert [f.trigger_name for f in TriggerFiring.objects.order_by("id")] == ["first", "second"]


def test_a_trigger_does_not_fire_again_on_its_own_changes(db, commit):
    factories.make_trigger(
        name="bump", events=["updated"], actions=[{"type": "add_tags", "tags": ["touched"]}]
    )
    ticket = commit(factories.make_ticket)

    commit(ticket_services.change_priority, ticket, priority=Priority.HIGH, actor=Actor.system())

    assert TriggerFiring.objects.count() == 1
    assert Trigger.objects.get().fire_count == 1


def test_two_triggers_undoing_each_other_stop_after_one_round(db, commit):
    factories.make_trigger(
        name="up",
        events=["updated"],
        conditions={"field": "priority", "op": "eq", "value": "low"},
        actions=[{"type": "set_priority", "priority": "urgent"}],
    )
    factories.make_trigger(
        name="down",
        events=["updated"],
        conditions={"field": "priority", "op": "eq", "value": "urgent"},
        actions=[{"type": "set_priority", "priority": "low"}],
    )
    ticket = commit(factories.make_ticket)

    commit(ticket_services.change_priority, ticket, priority=Priority.LOW, actor=Actor.system())

    assert [f.trigger_name for f in TriggerFiring.objects.order_by("id")] == ["up", "down"]
    assert fresh(ticket).priority == Priority.LOW


def test_a_chain_of_triggers_stops_at_the_maximum_depth(db, commit):
    # Each trigger reacts to the tag the one before added; listed last-first, so every
    # step is a change of its own, run by a job of its own.
    for step in reversed(range(1, 8)):
        factories.make_trigger(
            name=f"step {step}",
            events=["updated"],
            conditions={"field": "tags", "op": "contains", "value": f"t{step}"},
            actions=[{"type": "add_tags", "tags": [f"t{step + 1}"]}],
        )
    ticket = commit(factories.make_ticket)

    commit(ticket_services.set_tags, ticket, tags=["t1"], actor=Actor.system())

    assert TriggerFiring.objects.count() == engine.MAX_DEPTH
    assert tags_of(ticket) == [f"t{n}" for n in range(1, engine.MAX_DEPTH + 2)]
    assert max(TriggerFiring.objects.values_list("depth", flat=True)) == engine.MAX_DEPTH


def test_a_failing_action_never_blocks_the_change_and_is_kept_on_the_trigger(db, commit):
    team = factories.make_team()
    leaver = factories.make_agent(teams=(team,))
    broken = factories.make_trigger(
        name="broken",
        events=["updated"],
        actions=[
            {"type": "assign", "user_id": leaver.pk},
            {"type": "add_tags", "tags": ["after"]},
        ],
    )
    factories.make_trigger(name="fine", events=["updated"],
                           actions=[{"type": "add_tags", "tags": ["fine"]}])  # fmt: skip
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    ticket = commit(factories.make_ticket, team=team)

    commit(ticket_services.change_priority, ticket, priority=Priority.URGENT, actor=Actor.system())

    assert fresh(ticket).priority == Priority.URGENT
    assert tags_of(ticket) == ["after", "fine"]
    broken.refresh_from_db()
    assert "assign" in broken.last_error
    assert "assign failed" in fired_summaries(ticket)[0]


def test_admins_hear_once_when_a_trigger_starts_failing(db, commit, admin_user, agent):
    team = factories.make_team()
    leaver = factories.make_agent(teams=(team,))
    factories.make_trigger(
        name="Give to Lee", events=["updated"], actions=[{"type": "assign", "user_id": leaver.pk}]
    )
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    ticket = commit(factories.make_ticket, team=team)

    commit(ticket_services.change_priority, ticket, priority=Priority.HIGH, actor=Actor.system())
    commit(ticket_services.change_priority, ticket, priority=Priority.LOW, actor=Actor.system())

    notices = Notification.objects.filter(kind=NotificationKind.AUTOMATION_FAILED)
    assert [(n.user_id, n.title) for n in notices] == [
        (admin_user.pk, "Trigger failing: Give to Lee")
    ]
    assert not Notification.objects.filter(user=agent, kind=NotificationKind.AUTOMATION_FAILED)


def test_a_rolled_back_change_fires_nothing(db, commit):
    factories.make_trigger(events=["updated"], actions=[{"type": "add_tags", "tags": ["x"]}])
    ticket = commit(factories.make_ticket)

    def change_then_fail():
        with transaction.atomic():
            ticket_services.change_priority(ticket, priority=Priority.HIGH, actor=Actor.system())
            raise RuntimeError("undone")

    with pytest.raises(RuntimeError):
        commit(change_then_fail)

    assert TriggerFiring.objects.count() == 0


def test_a_disabled_trigger_stops_firing_at_once(db, commit):
    trigger = factories.make_trigger(
        events=["updated"], actions=[{"type": "add_tags", "tags": ["x"]}]
    )
    ticket = commit(factories.make_ticket)
    commit(ticket_services.change_priority, ticket, priority=Priority.HIGH, actor=Actor.system())
    triggers.update_trigger(
        trigger, fields=triggers.TriggerFields(is_active=False), actor=Actor.system()
    )

    commit(ticket_services.change_priority, ticket, priority=Priority.LOW, actor=Actor.system())

    assert TriggerFiring.objects.count() == 1


def test_agent_replies_internal_notes_and_status_changes_are_told_apart(db, commit):
    team = factories.make_team()
    agent = factories.make_agent(teams=(team,))
    pending = {"field": "status", "op": "eq", "value": "pending"}
    for event in ("agent_replied", "status_changed"):
        factories.make_trigger(
            name=event,
            events=[event],
            conditions=pending if event == "status_changed" else None,
            actions=[{"type": "add_tags", "tags": [event]}],
        )
    ticket = commit(factories.make_ticket, team=team)

    commit(ticket_services.add_note, ticket, body="Internal", actor=Actor.for_user(agent))
    assert tags_of(ticket) == []
    commit(ticket_services.reply_to_ticket, fresh(ticket), body="Hi", actor=Actor.for_user(agent))
    assert tags_of(ticket) == ["agent_replied"]
    commit(ticket_services.change_status, ticket, status=Status.PENDING, actor=Actor.system())
    assert tags_of(ticket) == ["agent_replied", "status_changed"]


def test_an_sla_breach_escalates_the_priority(db, commit):
    factories.make_trigger(
        events=["sla_breach"],
        conditions={"field": "sla.target", "op": "eq", "value": "first_response"},
        actions=[{"type": "set_priority", "priority": "urgent"}],
    )
    ticket = commit(factories.make_ticket)

    def breach():
        with transaction.atomic():
            dispatch("sla.breached", ticket=ticket, target="first_response")

    commit(breach)

    assert fresh(ticket).priority == Priority.URGENT


def test_webhook_macro_note_and_customer_email_actions(db, commit):
    hook = WebhookSubscription.objects.create(name="CRM", url="http://127.0.0.1:9/", secret="s")
    macro = Macro.objects.create(name="Refund", body="", changes={"tags": ["refund-macro"]})
    factories.make_trigger(
        name="Refund request",
        events=["created"],
        conditions={"field": "subject", "op": "contains", "value": "refund"},
        actions=[
            {"type": "call_webhook", "webhook_id": hook.pk},
            {"type": "apply_macro", "macro_id": macro.pk},
            {"type": "internal_note", "body": "Refund for {{ customer.first_name }}"},
            {"type": "email_customer", "body": "Hello {{ customer.first_name }}, noted."},
        ],
    )
    customer = factories.make_customer(name="Ada Lovelace")

    ticket = commit(factories.make_ticket, customer=customer, subject="Refund please")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.payload["ticket"]["number"]) == (
        "trigger.fired",
        ticket.number,
    )
    assert "refund-macro" in tags_of(ticket)
    bodies = list(
        Message.objects.filter(ticket=ticket).order_by("id").values_list("body_text", "kind")
    )
    assert ("Refund for Ada", "note") in bodies
    assert ("Hello Ada, noted.", "reply") in bodies


def test_triggers_are_validated_with_the_field_at_fault(db):
    head = Actor.for_user(factories.make_agent(role=Role.HEAD_OF_SUPPORT))

    def create(**fields):
        base = {"name": "T", "events": ["created"], "actions": [{"type": "route"}]}
        with pytest.raises(ValidationFailed) as caught:
            triggers.create_trigger(fields=triggers.TriggerFields(**(base | fields)), actor=head)
        return caught.value.field

    assert create(events=["exploded"]) == "events.0"
    assert create(conditions={"field": "nope", "op": "eq", "value": 1}) == "conditions.field"
    assert create(actions=[{"type": "set_team", "team_id": 999}]) == "actions.0.team_id"
    assert create(actions=[{"type": "call_webhook", "webhook_id": 999}]) == "actions.0.webhook_id"
    assert create(actions=[{"type": "apply_macro", "macro_id": 999}]) == "actions.0.macro_id"
    assert create(actions=[{"type": "teleport"}]) == "actions.0"


def test_only_the_head_of_support_and_administrators_configure_triggers(db):
    supervisor = Actor.for_user(factories.make_agent(role=Role.SUPERVISOR))
    fields = triggers.TriggerFields(name="T", events=["created"], actions=[{"type": "route"}])

    with pytest.raises(PermissionDenied):
        triggers.create_trigger(fields=fields, actor=supervisor)


def test_a_dry_run_lists_the_recent_tickets_that_would_match(db):
    head = Actor.for_user(factories.make_agent(role=Role.HEAD_OF_SUPPORT))
    refund = factories.make_ticket(subject="Refund for order 7")
    factories.make_ticket(subject="Password reset")

    result = triggers.dry_run(
        condition={"field": "subject", "op": "contains", "value": "refund"},
        events=["created"],
        last=10,
        actor=head,
    )

    assert (result.checked, [t.pk for t in result.matched]) == (2, [refund.pk])
    assert TriggerFiring.objects.count() == 0


@pytest.mark.parametrize(
    "condition",
    [
        {"all": []},
        {"any": []},
        VIP,
        {"not": VIP},
        {"field": "tags", "op": "contains", "value": "vip"},
        {"field": "subject", "op": "matches", "value": r"\brefund\b"},
        {"field": "previous.status", "op": "ne", "value": "solved"},
        {"all": [{"field": "priority", "op": "in", "value": ["high"]}, {"not": VIP}]},
    ],
)
def test_compiled_conditions_answer_as_the_condition_language(condition):
    from frontline.core import conditions

    for facts in (
        {"organisation.tier": "enterprise", "tags": ["vip"], "subject": "A refund"},
        {"customer.is_vip": False, "priority": "high", "previous.status": "solved"},
        {},
    ):
        expected = conditions.evaluate(condition, facts)
        assert conditions.compile_condition(condition)(facts) is expected


def test_the_worker_runs_the_trigger_job(transactional_db, job_queue):
    from frontline.automation import tasks
    from frontline.automation.facts import Change
    from frontline.testing.worker import running_worker

    factories.make_trigger(events=["updated"], actions=[{"type": "add_tags", "tags": ["seen"]}])
    ticket = factories.make_ticket()
    change = Change(ticket_id=ticket.pk, kinds=["updated"], changed=["priority"])

    with running_worker(job_queue, consumers=1):
        fired = tasks.run_triggers(change.as_dict()).get(blocking=True, timeout=30)
        gone = tasks.run_triggers({**change.as_dict(), "ticket_id": 999_999})
        nothing = gone.get(blocking=True, timeout=30)

    assert (fired, nothing) == (1, 0)
    assert tags_of(ticket) == ["seen"]
