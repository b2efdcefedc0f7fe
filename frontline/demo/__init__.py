"""Demo data for trying Frontline: ``frontline demo``, and ``frontline run`` on an empty
database. See ``generator`` for what it creates and ``rows`` for how it stays faithful to
the ticket services."""

from frontline.demo.compliance import SlaFigures, sla_figures
from frontline.demo.generator import (
    DEMO_LOGINS,
    DemoSummary,
    create_demo_data,
    has_data,
    reset_demo_data,
)

__all__ = [
    "DEMO_LOGINS",
    "DemoSummary",
    "SlaFigures",
    "create_demo_data",
    "has_data",
    "reset_demo_data",
    "sla_figures",
]
