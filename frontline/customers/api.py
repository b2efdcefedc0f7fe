"""Customers and organisations: /api/v1/customers, /api/v1/organisations."""

from ninja import Router

router = Router(tags=["customers"])
