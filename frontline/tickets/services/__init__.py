"""Every change to tickets. These functions are the only writers of tickets and messages."""

from frontline.tickets.services.changes import (
    TicketChanges,
    add_collaborator,
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

__all__ = [
    "NewAttachment",
    "TicketChanges",
    "add_collaborator",
    "add_note",
    "assign_ticket",
    "change_priority",
    "change_status",
    "change_team",
    "link_to_parent",
    "merge_tickets",
    "open_ticket",
    "remove_collaborator",
    "reply_to_ticket",
    "set_category",
    "set_custom_fields",
    "set_tags",
    "update_ticket",
]
