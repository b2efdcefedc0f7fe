"""Background jobs of the knowledge base: thin wrappers over its services."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from frontline.knowledge.review import send_review_reminders


@db_periodic_task(crontab(hour="7", minute="5"))  # type: ignore[untyped-decorator]
def remind_reviewers() -> int:
    """Daily: tell reviewers about published articles due for review."""
    return send_review_reminders(now=timezone.now())
