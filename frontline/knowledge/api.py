"""The articles API (``/api/v1/articles``)."""

from ninja import Router

router = Router(tags=["knowledge"])
