"""An agent's own inbox views, and which view they used last."""

from django.db import transaction

from frontline.accounts.models import User
from frontline.core.actors import Actor
from frontline.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontline.tickets.models import InboxPreference, InboxSort, SavedView

MAX_SAVED_VIEWS = 30


@transaction.atomic
def save_view(*, name: str, filters: dict[str, object], sort: InboxSort, actor: Actor) -> SavedView:
    owner = _owner(actor)
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationFailed("Give the view a name.", field="name")
    if SavedView.objects.filter(owner=owner, name__iexact=name).exists():
        raise Conflict(f"You already have a view named {name!r}.", field="name")
    if SavedView.objects.filter(owner=owner).count() >= MAX_SAVED_VIEWS:
        raise ValidationFailed(f"At most {MAX_SAVED_VIEWS} saved views.", field="name")
    return SavedView.objects.create(owner=owner, name=name, filters=filters, sort=sort)


@transaction.atomic
def delete_view(view: SavedView, *, actor: Actor) -> None:
    if view.owner_id != _owner(actor).pk:
        raise PermissionDenied("You may delete only your own views.")
    view.delete()


def remember_last_view(*, key: str, actor: Actor) -> None:
    """Store the view the agent opened, writing only when it changed."""
    owner = _owner(actor)
    current = InboxPreference.objects.filter(user=owner).values_list("last_view", flat=True)
    last = current.first()
    if last == key:
        return
    if last is None:
        InboxPreference.objects.get_or_create(user=owner, defaults={"last_view": key[:40]})
    else:
        InboxPreference.objects.filter(user=owner).update(last_view=key[:40])


def _owner(actor: Actor) -> User:
    if not actor.is_agent or actor.user is None:
        raise PermissionDenied("Saved views belong to staff.")
    return actor.user
