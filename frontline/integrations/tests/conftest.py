"""Webhook tests: a head of support who configures them, and a subscription factory."""

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from frontline.accounts.models import Role, User
from frontline.core.actors import Actor
from frontline.integrations import services
from frontline.integrations.models import WebhookSubscription
from frontline.testing import factories


@pytest.fixture
def head(db: None) -> User:
    return factories.make_agent(role=Role.HEAD_OF_SUPPORT, name="Hana Head")


@pytest.fixture
def make_webhook(admin_user: User) -> Callable[..., WebhookSubscription]:
    def make(
        url: str, *, events: Sequence[str] = ("ticket.*",), name: str = "Receiver"
    ) -> WebhookSubscription:
        fields = services.WebhookFields(name=name, url=url, event_types=list(events))
        return services.create_subscription(fields=fields, actor=Actor.for_user(admin_user))

    return make


def reload(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj
