"""``frontline channels replay ID [ID…]``: process quarantined inbound payloads of messaging
channels again, as an administrator would from the Channels page."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontline.channels.webhooks.inbound import replay_payload
from frontline.channels.webhooks.models import InboundPayload
from frontline.core.actors import Actor
from frontline.core.errors import FrontlineError


class Command(BaseCommand):
    help = "Messaging channels: replay quarantined inbound payloads."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        replay = actions.add_parser("replay", help="Process quarantined payloads again.")
        replay.add_argument("ids", nargs="+", type=int, metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        # Whoever runs commands on the server acts as the system.
        actor = Actor.system()
        failed = False
        for payload_id in options["ids"]:
            payload = InboundPayload.objects.select_related("channel").filter(pk=payload_id).first()
            if payload is None:
                self.stderr.write(f"payload {payload_id}: not found")
                failed = True
                continue
            try:
                payload = replay_payload(payload, actor=actor)
            except FrontlineError as exc:
                self.stderr.write(f"payload {payload_id}: {exc.message}")
                failed = True
                continue
            reason = f" ({payload.reason})" if payload.reason else ""
            self.stdout.write(f"payload {payload.pk}: {payload.status}{reason}")
        if failed:
            raise CommandError("Some payloads were not replayed.")
