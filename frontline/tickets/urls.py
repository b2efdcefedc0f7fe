from django.urls import path

from frontline.tickets.views import bulk, inbox, supervisor, ticket

app_name = "tickets"

urlpatterns = [
    path("inbox/", inbox.inbox_home, name="inbox"),
    path("inbox/bulk/", bulk.bulk_update, name="bulk"),
    path("inbox/views/", inbox.save_view, name="save-view"),
    path("inbox/views/<int:view_id>/delete/", inbox.delete_view, name="delete-view"),
    path("inbox/<slug:key>/", inbox.inbox_view, name="view"),
    path("inbox/<slug:key>/counts/", inbox.inbox_counts, name="counts"),
    path("tickets/<int:number>/", ticket.ticket_page, name="ticket"),
    path("tickets/<int:number>/timeline/", ticket.ticket_timeline, name="timeline"),
    path("tickets/<int:number>/panel/", ticket.ticket_panel, name="panel"),
    path("tickets/<int:number>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:number>/note/", ticket.note, name="note"),
    path("tickets/<int:number>/properties/", ticket.update_properties, name="properties"),
    path("tickets/<int:number>/take/", ticket.take, name="take"),
    path("tickets/<int:number>/collaborators/", ticket.collaborators, name="collaborators"),
    path("tickets/<int:number>/parent/", ticket.link_parent, name="parent"),
    path("tickets/<int:number>/merge/", ticket.merge, name="merge"),
    path("tickets/<int:number>/split/", ticket.split, name="split"),
    path("tickets/<int:number>/custom-fields/", ticket.update_custom_fields, name="custom-fields"),
    path("tickets/attachments/<int:attachment_id>/", ticket.download_attachment, name="attachment"),
    path("tickets/mentions/", ticket.mention_suggestions, name="mentions"),
    path("supervisor/", supervisor.board, name="supervisor"),
    path("supervisor/reassign/", supervisor.reassign, name="reassign"),
]
