"""@mentions in internal notes: ``@alice`` (the part of the address before the @) or
``@alice@example.com`` names a colleague who can work tickets."""

import re

from django.db.models import Q

from frontline.accounts.models import User
from frontline.accounts.permissions import can_write_tickets

MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9._%+-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)")
MAX_MENTIONS = 20


def mention_handles(text: str) -> list[str]:
    handles = [m.group(1).rstrip(".").lower() for m in MENTION.finditer(text)]
    return list(dict.fromkeys(h for h in handles if h))[:MAX_MENTIONS]


def handle_for(user: User) -> str:
    return user.email.partition("@")[0]


def mentioned_users(text: str) -> list[User]:
    """The colleagues named in ``text``. A handle shared by two addresses names both."""
    handles = mention_handles(text)
    if not handles:
        return []
    condition = Q()
    for handle in handles:
        condition |= (
            Q(email__iexact=handle) if "@" in handle else Q(email__istartswith=f"{handle}@")
        )
    users = User.objects.filter(condition, is_active=True).exclude(role="customer")
    return [u for u in users if can_write_tickets(u)]
