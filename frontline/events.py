"""The one list of reactions to domain events, in the order they run.

Keys are ``"<app>.<event>"``; values are dotted paths of handlers called with the
event's payload inside the transaction that caused it. Ticket events are named
``"ticket.<EventType value>"`` and receive ``event=`` (a ``TicketEvent``) and ``ticket=``.
``"ticket.*"`` lists handlers for every ticket event; they run after the named ones.
"""

HANDLERS: dict[str, tuple[str, ...]] = {
    "customer.merged": ("frontline.tickets.handlers.move_tickets_to_surviving_customer",),
    "ticket.message_added": (
        "frontline.tickets.handlers.notify_mentioned_colleagues",
        "frontline.sla.handlers.on_ticket_event",
        # A public reply to the customer goes out by email (send job enqueued on commit).
        "frontline.channels.email.handlers.email_public_reply",
        # …and through its messaging channel when the ticket is held on one (on commit).
        "frontline.channels.webhooks.handlers.send_public_reply",
        # Language and sentiment of inbound messages; triage rules on a new ticket's request.
        "frontline.triage.handlers.on_message_added",
    ),
    # SLA clocks replay the log in the same transaction (frontline/sla/handlers.py).
    # Routing (frontline/routing/handlers.py) queues its work on commit: new and moved
    # tickets are routed, freed capacity is offered to the next ticket in line. The
    # classifier also defers its prediction to the commit, after the triage rules (which run
    # on the first message, below) have set what they set: it fills only empty fields.
    "ticket.created": (
        "frontline.sla.handlers.on_ticket_event",
        "frontline.triage.classifier_handlers.predict_new_ticket",
        "frontline.routing.handlers.route_new_ticket",
    ),
    "ticket.status_changed": (
        "frontline.sla.handlers.on_ticket_event",
        # On solve, predictions are scored against what the agents finally set.
        "frontline.triage.classifier_handlers.score_solved_ticket",
        # A solved or closed ticket's swarm ends (routing/tiers_handlers.py).
        "frontline.routing.tiers_handlers.end_swarm_when_solved",
        "frontline.routing.handlers.offer_freed_capacity",
    ),
    "ticket.priority_changed": ("frontline.sla.handlers.on_ticket_event",),
    "ticket.team_changed": (
        "frontline.sla.handlers.on_ticket_event",
        "frontline.routing.handlers.route_new_ticket",
    ),
    "ticket.category_changed": ("frontline.sla.handlers.on_ticket_event",),
    "ticket.tags_changed": ("frontline.sla.handlers.on_ticket_event",),
    "ticket.customer_changed": ("frontline.sla.handlers.on_ticket_event",),
    # Replies to the mail of messages split out thread onto the new ticket.
    "ticket.split_from": ("frontline.channels.email.handlers.thread_split_messages",),
    "ticket.assigned": (
        "frontline.tickets.handlers.notify_new_assignee",
        "frontline.routing.handlers.offer_freed_capacity",
    ),
    # Live updates of open workspace and portal pages, sent on commit.
    "ticket.*": (
        "frontline.tickets.handlers.broadcast_ticket_change",
        # Event triggers: collect the change, one job per ticket on commit.
        "frontline.automation.handlers.on_ticket_event",
    ),
    # SLA warnings and breaches claimed by the sweep, and survey answers, fire triggers.
    "sla.warned": ("frontline.automation.handlers.on_sla_warned",),
    "sla.breached": ("frontline.automation.handlers.on_sla_breached",),
    "survey.answered": ("frontline.automation.handlers.on_survey_answered",),
}

# The ticket's search document follows every event that changes its words (subject,
# messages, notes, tags, customer, category, merges and splits), in the same transaction.
for _event in (
    "created",
    "message_added",
    "subject_changed",
    "tags_changed",
    "customer_changed",
    "category_changed",
    "merged",
    "merge_received",
    "split_into",
    "split_from",
):
    HANDLERS[f"ticket.{_event}"] = (
        *HANDLERS.get(f"ticket.{_event}", ()),
        "frontline.tickets.search_index.index_ticket_after_event",
    )

# A customer's name and addresses, and an organisation's name, are in their tickets'
# documents too (frontline/customers/services.py dispatches these).
HANDLERS["customer.changed"] = ("frontline.tickets.search_index.index_customer_tickets",)
HANDLERS["organisation.changed"] = ("frontline.tickets.search_index.index_organisation_tickets",)
HANDLERS["customer.merged"] = (
    *HANDLERS["customer.merged"],
    "frontline.tickets.search_index.index_merged_customer_tickets",
)

# Outgoing webhooks: a delivery for each subscription listening, written in the transaction
# and sent by the worker after commit (no query when none listens; docs/webhooks.md).
HANDLERS["ticket.*"] = (*HANDLERS["ticket.*"], "frontline.integrations.handlers.on_ticket_event")
HANDLERS["sla.warned"] = (
    *HANDLERS.get("sla.warned", ()),
    "frontline.integrations.handlers.on_sla_warned",
)
HANDLERS["sla.breached"] = (
    *HANDLERS.get("sla.breached", ()),
    "frontline.integrations.handlers.on_sla_breached",
)
HANDLERS["survey.answered"] = (
    *HANDLERS.get("survey.answered", ()),
    "frontline.integrations.handlers.on_survey_answered",
)

# Handlers with a form for many events at once, which ``tickets.events.record_many`` (batch
# imports) calls once with every (event, ticket) pair instead of once per event.
BATCH_FORMS: dict[str, str] = {
    "frontline.sla.handlers.on_ticket_event": "frontline.sla.handlers.on_ticket_events",
    "frontline.triage.handlers.on_message_added": "frontline.triage.handlers.on_messages_added",
}
# Batch imports are history: triggers do not run on them.
BATCH_FORMS["frontline.automation.handlers.on_ticket_event"] = (
    "frontline.automation.handlers.on_imported_events"
)
BATCH_FORMS["frontline.tickets.search_index.index_ticket_after_event"] = (
    "frontline.tickets.search_index.index_tickets_after_events"
)
