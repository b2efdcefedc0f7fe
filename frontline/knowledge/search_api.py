"""``GET /api/v1/search``: tickets and articles, with the search box's syntax and
permissions."""

from ninja import Router

router = Router(tags=["search"])
