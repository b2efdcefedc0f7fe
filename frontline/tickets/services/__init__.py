"""Every change to tickets. These functions are the only writers of tickets and messages."""

from frontline.tickets.services.bulk import BulkResult, bulk_update_tickets
from frontline.tickets.services.changes import (
    TicketChanges,
    add_collaborator,
    add_customer_collaborators,
    assign_ticket,
    change_priority,
    change_status,
    change_team,
    link_to_parent,
    merge_tickets,
    remove_collaborator,
    set_category,
    set_custom_fields,
    set_tags,
    update_ticket,
)
from frontline.tickets.services.messages import (
    NewAttachment,
    add_note,
    open_ticket,
    reply_to_ticket,
)
from frontline.tickets.services.saved_views import delete_view, remember_last_view, save_view
from frontline.tickets.services.split import split_ticket

__all__ = [
    "BulkResult",
    "NewAttachment",
    "TicketChanges",
    "add_collaborator",
    "add_customer_collaborators",
    "add_note",
    "assign_ticket",
    "bulk_update_tickets",
    "change_priority",
    "change_status",
    "change_team",
    "delete_view",
    "link_to_parent",
    "merge_tickets",
    "open_ticket",
    "remember_last_view",
    "remove_collaborator",
    "reply_to_ticket",
    "save_view",
    "set_category",
    "set_custom_fields",
    "set_tags",
    "split_ticket",
    "update_ticket",
]
