"""The one list of what other apps add to the ticket's pages and API, in the order shown.

The tickets app draws its ticket page, inbox rows and ticket API from its own data; what
another app keeps about a ticket (SLA clocks, email delivery, and next the routing reason,
suggested articles, concessions, QA reviews) plugs in here as the dotted path of an object
that app defines, with the shape ``frontline/tickets/contributions.py`` describes. Like
``frontline/events.py``, this module imports nothing, so ``tickets`` never names those
apps and they are added or removed without editing it.
"""

CONTRIBUTIONS: dict[str, tuple[str, ...]] = {
    # Side panels of the ticket page: templates rendered with the page's context.
    "ticket.panels": (
        "frontline.sla.contributions.SLA_PANEL",
        "frontline.routing.tiers_contributions.TIER_SWARM_PANEL",
        "frontline.triage.contributions.TRIAGE_PANEL",
        "frontline.routing.contributions.ROUTING_PANEL",
        "frontline.triage.classifier_contributions.PREDICTIONS_PANEL",
        "frontline.knowledge.contributions.SUGGESTIONS_PANEL",
        "frontline.workflows.contributions.WORKFLOW_PANEL",
        "frontline.channels.webhooks.contributions.CALLS_PANEL",
    ),
    # What a message in the staff timeline shows beneath its body.
    "message.footers": (
        "frontline.channels.email.contributions.DELIVERY",
        "frontline.channels.webhooks.contributions.DELIVERY",
        "frontline.triage.contributions.SIGNAL_FOOTER",
    ),
    # Fields the ticket API's detail (GET /tickets/{id}) carries beyond the ticket's own.
    "ticket.detail_fields": (
        "frontline.sla.contributions.SLA_FIELD",
        "frontline.routing.tiers_contributions.TIER_FIELD",
        "frontline.triage.contributions.SIGNAL_FIELD",
    ),
    # Fields a customer's API page (GET /customers/{id}) carries: their latest tickets.
    "customer.detail_fields": ("frontline.tickets.customer_fields.RECENT_TICKETS",),
    # The ticket's next due time: the "due" sort and filters of the inbox and the API, and
    # the inbox row's "due in" badge. At most one; without one, no ticket is ever due.
    "ticket.due_time": ("frontline.sla.contributions.DUE_TIME",),
    # Business calendars for the condition language's within_calendar (triage rules).
    "calendar.hours": ("frontline.sla.contributions.CALENDAR_HOURS",),
}
# Parts of workspace pages drawn by other apps (``core.contributions.PagePart``).
CONTRIBUTIONS["workspace.header"] = ("frontline.routing.contributions.PRESENCE_SWITCH",)
CONTRIBUTIONS["supervisor.panels"] = ("frontline.routing.contributions.ROUTING_BOARD",)
# Apps whose rows the search module indexes (``core.search.Source``), for
# ``frontline search reindex|check``.
CONTRIBUTIONS["search.sources"] = (
    "frontline.knowledge.indexing.ARTICLE_SOURCE",
    "frontline.tickets.search_index.TICKET_SOURCE",
)
# Tools inside the ticket page's reply form (``tickets.contributions.ComposerTool``) and
# what they do once that reply is written (``ReplyAction``): the macro picker.
CONTRIBUTIONS["composer.tools"] = ("frontline.macros.contributions.MACRO_PICKER",)
CONTRIBUTIONS["composer.reply_actions"] = ("frontline.macros.contributions.APPLY_PICKED_MACRO",)
