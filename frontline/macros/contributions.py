"""What macros add to the ticket page: the macro picker inside the reply form, and the
reply action that makes a picked macro's changes when that reply is sent."""

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string

from frontline.accounts.models import Team
from frontline.accounts.permissions import can_write_tickets
from frontline.accounts.web import web_actor
from frontline.core.actors import Actor
from frontline.core.errors import NotFound, ValidationFailed
from frontline.macros import queries, services
from frontline.macros.models import Macro
from frontline.tickets.models import Message, Ticket

# The picker lists this many macros, most-used first; the search box filters them.
PICKER_LIMIT = 200


def picked_macro(actor: Actor, raw: object) -> Macro | None:
    """The macro a reply form names in ``macro_id``, if any."""
    text = str(raw or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed("Pick a macro from the list.", field="macro_id")
    try:
        return queries.get_macro_for(actor, int(text))
    except NotFound:
        raise ValidationFailed(
            "The macro you picked no longer exists or is not yours to use.", field="macro_id"
        ) from None


def change_lines(macro: Macro) -> list[str]:
    team_id = (macro.changes or {}).get("team_id")
    teams = dict(Team.objects.filter(pk=team_id).values_list("pk", "name")) if team_id else {}
    return services.describe_changes(macro.changes or {}, teams=teams)


class _MacroPicker:
    def render(self, request: Any, *, ticket: Ticket) -> str:
        actor = web_actor(request)
        if not actor.is_agent or actor.user is None or not can_write_tickets(actor.user):
            return ""
        macros = list(
            queries.macros_visible_to(actor, active_only=True)
            .select_related("team")
            .only("id", "name", "scope", "usage_count", "team__name")[:PICKER_LIMIT]
        )
        picked = None
        if request.method == "POST":
            try:
                picked = picked_macro(actor, request.POST.get("macro_id"))
            except ValidationFailed:
                picked = None
        context = {
            "ticket": ticket,
            "macros": macros,
            "picked": picked,
            "picked_changes": change_lines(picked) if picked else [],
        }
        return render_to_string("macros/_picker.html", context, request=request)


class _ApplyPickedMacro:
    def after_reply(
        self, data: Mapping[str, Any], *, ticket: Ticket, message: Message, actor: Actor
    ) -> None:
        macro = picked_macro(actor, data.get("macro_id"))
        if macro is None:
            return
        # The agent's own "Then set" choice wins over the macro's status.
        services.apply_macro_changes(
            ticket, macro, actor=actor, message=message, keep_status=bool(data.get("status"))
        )


MACRO_PICKER = _MacroPicker()
APPLY_PICKED_MACRO = _ApplyPickedMacro()
