"""What the knowledge base adds to other apps' pages (``frontline/contributions.py``)."""

from frontline.tickets.contributions import TicketPanel

# Suggested articles (to insert into a reply) and similar solved tickets, loaded once the
# ticket page shows, so the page itself reads nothing for it.
SUGGESTIONS_PANEL = TicketPanel(template="knowledge/_suggestions_panel.html")
