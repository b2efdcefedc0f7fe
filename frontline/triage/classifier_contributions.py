"""What the classifier adds to the ticket page (listed in ``frontline/contributions.py``):
its predictions, applied or suggested, with the model version and confidence."""

from frontline.tickets.contributions import TicketPanel

PREDICTIONS_PANEL = TicketPanel(template="triage/classifier/_ticket_panel.html")
