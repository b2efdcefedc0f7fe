"""Triage's models, one module per concern; every one is imported here for Django."""

__all__: list[str] = []
