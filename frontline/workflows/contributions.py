"""What guided workflows add to the ticket page (``frontline/contributions.py``): a side
panel, loaded after the page, to start a workflow and walk it step by step."""

from frontline.tickets.contributions import TicketPanel

WORKFLOW_PANEL = TicketPanel(template="workflows/_ticket_panel.html")
