"""The one list of reactions to domain events, in the order they run.

Keys are ``"<app>.<event>"``; values are dotted paths of handlers called with the
event's payload inside the transaction that caused it. Ticket events are named
``"ticket.<EventType value>"`` and receive ``event=`` (a ``TicketEvent``).
"""

HANDLERS: dict[str, tuple[str, ...]] = {
    "customer.merged": ("frontline.tickets.handlers.move_tickets_to_surviving_customer",),
}
